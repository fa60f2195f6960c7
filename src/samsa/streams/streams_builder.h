#pragma once
// streams_builder: where a DSL program starts (Kafka Streams'
// StreamsBuilder). It hands out kstream/ktable/global_ktable handles that add
// nodes to its graph, and build() writes the graph into a topology.
//
//   streams_builder b;
//   auto customers = b.table("CUSTOMER", consumed<std::string, customer>::with(serdes::string(), serdes::json<customer>()));
//   b.stream<std::string, order>("ORDER").join(customers, ...).to("ORDER-MAIL");
//   topology t = b.build();
//
// Names: every source, processor and store gets Kafka Streams' generated name
// (one counter for all) unless the options give one.
//
// Threads: one thread builds; handles must not outlive the builder.

#include <memory>
#include <string>
#include <vector>

#include "samsa/streams/branched_kstream.h"
#include "samsa/streams/export.h"
#include "samsa/streams/kgrouped_stream.h"
#include "samsa/streams/kstream.h"
#include "samsa/streams/ktable.h"
#include "samsa/streams/topology.h"

namespace samsa::streams {

// Kafka Streams' StreamsBuilder: the DSL's entry point; build() turns what was declared into a topology (see the top of
// this file). One thread builds.
class SAMSA_STREAMS_API streams_builder {
public:
    streams_builder();
    ~streams_builder();
    streams_builder(const streams_builder&) = delete;
    streams_builder& operator=(const streams_builder&) = delete;

    // StreamsBuilder.stream: the records of topic as a stream.
    template<class K, class V>
    kstream<K, V> stream(const std::string& topic, const consumed<K, V>& c = {}) {
        return stream<K, V>(std::vector<std::string>{topic}, c);
    }
    // StreamsBuilder.stream(topics): the records of several topics as one stream.
    template<class K, class V>
    kstream<K, V> stream(std::vector<std::string> topics, const consumed<K, V>& c = {});
    // StreamsBuilder.table: topic read as a table (a changelog: the latest value per key), materialized in a store.
    template<class K, class V>
    ktable<K, V> table(const std::string& topic, const consumed<K, V>& c = {}, const materialized<K, V>& m = {});
    template<class K, class V>
    global_ktable<K, V> global_table(const std::string& topic, const consumed<K, V>& c = {},
                                     const materialized<K, V>& m = {});

    // A store for process() to use (connect it by name there).
    streams_builder& add_state_store(store_builder builder);

    // Writes the graph; call once.
    topology build();

private:
    std::unique_ptr<internal::internal_streams_builder> impl_;
};

template<class K, class V>
kstream<K, V> streams_builder::stream(std::vector<std::string> topics, const consumed<K, V>& c) {
    std::string name = internal::or_else_generate(*impl_, c.name, internal::names::source);
    auto make = internal::source_maker<K, V>(name, internal::resolve_serde<K>(c.key_serde),
                                             internal::resolve_serde<V>(c.value_serde), c.extractor);
    auto* node = impl_->add_node(internal::graph_node_kind::stream_source, name, {},
                                 [make, topics](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                     t.add_source(g.name, topics, make);
                                 });
    typename kstream<K, V>::state st;
    st.builder = impl_.get();
    st.node = node;
    st.key_serde = c.key_serde;
    st.value_serde = c.value_serde;
    st.source_nodes = {name};
    return kstream<K, V>(std::move(st));
}

template<class K, class V>
ktable<K, V> streams_builder::table(const std::string& topic, const consumed<K, V>& c, const materialized<K, V>& m) {
    std::string store = m.store_name ? *m.store_name : impl_->new_store_name(topic + "-");
    std::string source = internal::or_else_generate(*impl_, c.name, internal::names::source);
    std::string table_source =
        internal::suffix_with_or_else_get(*impl_, c.name, "-table-source", internal::names::ktable_source);
    auto ks = internal::resolve_serde<K>(m.key_serde ? m.key_serde : c.key_serde);
    auto vs = internal::resolve_serde<V>(m.value_serde ? m.value_serde : c.value_serde);
    auto src = std::make_shared<internal::source_table_state<K, V>>();
    src->materialized = m.store_name.has_value();
    src->store = internal::table_store_spec<K, V>{store, ks, vs};
    auto info = std::make_shared<internal::table_info<K, V>>();
    info->enable_upstream = [src](bool force) {
        if (!force && !src->materialized) return false;
        src->materialized = true;
        return true;
    };
    info->getter_store_names = [src] {
        src->materialized = true;
        return std::vector<std::string>{src->store.name};
    };
    info->getter = [spec = src->store] { return std::make_unique<internal::store_value_getter<K, V>>(spec); };
    auto source_make = internal::source_maker<K, V>(source, internal::resolve_serde<K>(c.key_serde ? c.key_serde : ks),
                                                    internal::resolve_serde<V>(c.value_serde ? c.value_serde : vs), c.extractor);
    store_builder sb = internal::make_table_store_builder(store, m);
    auto* node = impl_->add_node(
        internal::graph_node_kind::table_source, table_source, {},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            t.add_source(source, {topic}, source_make);
            std::optional<internal::table_store_spec<K, V>> spec;
            if (src->materialized) spec = src->store;
            bool send_old = info->send_old_values;
            t.add_processor(g.name, internal::node_maker<K, V, K, change<V>>(g.name, [spec, send_old] {
                                return std::make_unique<internal::ktable_source<K, V>>(spec, send_old);
                            }),
                            {source});
            if (spec) t.add_state_store(sb, {g.name});
        });
    typename ktable<K, V>::state st;
    st.builder = impl_.get();
    st.node = node;
    st.key_serde = ks;
    st.value_serde = vs;
    st.source_nodes = {source};
    st.info = info;
    st.queryable_store = m.store_name;
    return ktable<K, V>(std::move(st));
}

template<class K, class V>
global_ktable<K, V> streams_builder::global_table(const std::string& topic, const consumed<K, V>& c,
                                                  const materialized<K, V>& m) {
    std::string store = m.store_name ? *m.store_name : impl_->new_store_name(topic + "-");
    std::string source = internal::or_else_generate(*impl_, c.name, internal::names::source);
    std::string processor = internal::or_else_generate(*impl_, std::nullopt, internal::names::ktable_source);
    auto ks = internal::resolve_serde<K>(m.key_serde ? m.key_serde : c.key_serde);
    auto vs = internal::resolve_serde<V>(m.value_serde ? m.value_serde : c.value_serde);
    internal::table_store_spec<K, V> spec{store, ks, vs};
    auto source_make = internal::source_maker<K, V>(source, internal::resolve_serde<K>(c.key_serde ? c.key_serde : ks),
                                                    internal::resolve_serde<V>(c.value_serde ? c.value_serde : vs));
    // Global stores are rebuilt from their topic, never logged.
    store_builder sb = internal::make_table_store_builder(store, m);
    sb.with_logging_disabled();
    // A global table's cache would only defer its writes (nothing is
    // forwarded from a global store), and stream threads reading it must not
    // make it evict; so it has none.
    sb.with_caching_disabled();
    impl_->add_node(internal::graph_node_kind::global_table_source, processor, {},
                    [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
                        t.add_global_store(sb, source, topic, source_make, g.name,
                                           internal::node_maker<K, V, K, change<V>>(g.name, [spec] {
                                               return std::make_unique<internal::ktable_source<K, V>>(spec, false);
                                           }));
                    });
    typename global_ktable<K, V>::state st;
    st.store_name = store;
    st.getter = [spec] { return std::make_unique<internal::store_value_getter<K, V>>(spec); };
    return global_ktable<K, V>(std::move(st));
}

}  // namespace samsa::streams
