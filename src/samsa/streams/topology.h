#pragma once
// topology: the processor graph an application runs (Kafka Streams'
// Topology), made by streams_builder::build() or by hand with the Processor
// API (add_source / add_processor / add_sink / add_state_store). Besides
// describe() and to_dot(), it tells the runtime what to create and check
// before starting: source, sink, repartition, changelog and global topics,
// and the co-partition groups of joins.
//
//   topology t = builder.build();
//   std::cout << t.describe().to_string();            // as Kafka Streams prints it
//   auto counts = t.validate_copartitioning({{"CUSTOMER", 3}, {"ORDER", 3}, ...});
//
// Threads: built on one thread; afterwards read-only, safe to read from any
// thread. Tasks are created from it by the runtime or the test driver.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/streams/detail/dsl/makers.h"
#include "samsa/streams/detail/topology/internal_topology_builder.h"
#include "samsa/streams/export.h"
#include "samsa/streams/processor/processor.h"
#include "samsa/streams/topology_description.h"

namespace samsa::streams {

// Kafka Streams' Topology: the processors, stores and topics of an application, from streams_builder::build() or the
// Processor API below; what kafka_streams and topology_test_driver run.
class SAMSA_STREAMS_API topology {
public:
    topology();
    ~topology();
    // Movable, not copyable.
    topology(topology&&) noexcept;
    // Movable, not copyable.
    topology& operator=(topology&&) noexcept;

    // Kafka's describe(): sub-topologies, nodes and global stores; its to_string() prints what Kafka's does.
    topology_description describe() const;
    // describe() as a Graphviz graph.
    std::string to_dot() const { return describe().to_dot(); }

    // The Processor API. Throw std::invalid_argument on reused names or
    // unknown parents (start-up errors, as Kafka's TopologyException).
    template<class K, class V>
    topology& add_source(const std::string& name, std::vector<std::string> topics, serde<K> key_serde,
                         serde<V> value_serde) {
        builder_->add_source(name, std::move(topics), internal::source_maker<K, V>(name, key_serde, value_serde));
        return *this;
    }
    // Kafka's addProcessor: a processor fed by parents.
    template<class KIn, class VIn, class KOut, class VOut>
    topology& add_processor(const std::string& name, processor_supplier<KIn, VIn, KOut, VOut> supplier,
                            std::vector<std::string> parents) {
        builder_->add_processor(name, internal::node_maker<KIn, VIn, KOut, VOut>(name, std::move(supplier)),
                                std::move(parents));
        return *this;
    }
    // Kafka's addSink: writes what parents forward to topic.
    template<class K, class V>
    topology& add_sink(const std::string& name, const std::string& topic, serde<K> key_serde, serde<V> value_serde,
                       std::vector<std::string> parents) {
        builder_->add_sink(name, topic, internal::sink_maker<K, V>(name, key_serde, value_serde), std::move(parents));
        return *this;
    }
    // Kafka's addStateStore: a store, connected to the named processors.
    topology& add_state_store(store_builder builder, const std::vector<std::string>& processor_names = {});
    // Kafka's connectProcessorAndStateStores.
    topology& connect_processor_and_state_stores(const std::string& processor, const std::vector<std::string>& stores);

    // Topics the application reads (repartition topics included, undecorated;
    // global topics excluded).
    std::set<std::string> source_topics() const;
    // Topics the application writes (repartition topics included, undecorated).
    std::set<std::string> sink_topics() const;
    // Repartition topics, undecorated, with the partition count fixed by
    // repartitioned::with_number_of_partitions if any.
    std::map<std::string, std::optional<int>> repartition_topics() const;
    // Store name -> <application.id>-<store>-changelog, for logged stores.
    std::map<std::string, std::string> changelog_topics(const std::string& application_id) const;
    // The global tables' and global stores' topics.
    std::set<std::string> global_topics() const;
    // Sets of topics that must have the same number of partitions.
    std::vector<std::set<std::string>> copartition_groups() const;

    // Checks co-partitioning against real partition counts (of every
    // non-internal source topic) and works out the repartition topics'
    // counts: a fixed count if given, else the largest count among the
    // topics feeding the sub-topology that writes the topic, else the count
    // its co-partition group imposes. Returns every source topic's count, or
    // invalid_argument naming the topics and counts that disagree.
    result<std::map<std::string, int>> validate_copartitioning(
        const std::map<std::string, int>& partition_counts) const;

    // For the implementation (the DSL and the runtime).
    internal::internal_topology_builder& internal_builder() { return *builder_; }
    // For the implementation (the DSL and the runtime).
    const internal::internal_topology_builder& internal_builder() const { return *builder_; }

private:
    std::unique_ptr<internal::internal_topology_builder> builder_;
};

}  // namespace samsa::streams
