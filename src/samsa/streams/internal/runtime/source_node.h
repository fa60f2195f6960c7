#pragma once
// Source and sink nodes: the only places where serdes run on the record path
// (besides stores). A source deserializes a consumed record and forwards it; a
// sink serializes and hands it to the task's record collector.
//
// Threads: owned by one task (see node.h).

#include <functional>
#include <optional>
#include <string>

#include "samsa/streams/internal/runtime/node.h"
#include "samsa/streams/internal/runtime/task_context.h"
#include "samsa/streams/serdes/core.h"

namespace samsa::streams::internal {

struct raw_record {
    std::optional<bytes> key;
    std::optional<bytes> value;
    int64_t timestamp = 0;
    record_headers headers;
    record_metadata metadata;
};

class source_node_base : public processor_node_base {
public:
    using processor_node_base::processor_node_base;
    // Two steps, so that only what the serdes throw is a deserialization
    // error (task_graph.h): deserialize() turns the raw record into the
    // typed one and keeps it (throws what the deserializers throw, e.g.
    // serde_error); forward_deserialized() hands it to the children.
    virtual void deserialize(raw_record&& r) = 0;
    virtual void forward_deserialized() = 0;
};

template<class K, class V>
class source_node final : public source_node_base {
public:
    source_node(std::string name, serde<K> key_serde, serde<V> value_serde)
        : source_node_base(std::move(name), nullptr, &typeid(record<K, V>)), key_serde_(std::move(key_serde)),
          value_serde_(std::move(value_serde)) {}

    void deserialize(raw_record&& raw) override {
        record<K, V>& r = pending_;
        r.key.reset();
        r.value.reset();
        std::string_view topic = raw.metadata.topic;
        if (raw.key) r.key = key_serde_.deserialize(topic, *raw.key);
        if (raw.value) r.value = value_serde_.deserialize(topic, *raw.value);
        r.timestamp = raw.timestamp;
        r.headers = std::move(raw.headers);
    }
    void forward_deserialized() override { forward_to(children(), pending_); }

private:
    serde<K> key_serde_;
    serde<V> value_serde_;
    record<K, V> pending_;
};

template<class K, class V>
using topic_name_extractor = std::function<std::string(const std::optional<K>& key, const std::optional<V>& value)>;
template<class K, class V>
using stream_partitioner =
    std::function<std::optional<int32_t>(const std::string& topic, const std::optional<K>& key,
                                          const std::optional<V>& value, int32_t num_partitions)>;

// A sink with a stream partitioner (produced / repartitioned) asks it for
// each record's partition, given the topic's partition count, as Kafka's
// RecordCollector does: nullopt leaves the choice to the producer's
// partitioner (murmur2 of the key); an unknown topic or a partition out of
// range is an error (std::runtime_error, which ends the task).
template<class K, class V>
class sink_node final : public input_node<K, V> {
public:
    // topic: already decorated with the application id when internal;
    // extractor: set instead of topic for dynamic routing.
    sink_node(std::string name, std::string topic, topic_name_extractor<K, V> extractor, serde<K> key_serde,
              serde<V> value_serde, stream_partitioner<K, V> partitioner = {})
        : input_node<K, V>(std::move(name), nullptr), topic_(std::move(topic)), extractor_(std::move(extractor)),
          key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)),
          partitioner_(std::move(partitioner)) {}

    void process(const record<K, V>& r) override {
        produced_record out;
        out.topic = extractor_ ? extractor_(r.key, r.value) : topic_;
        if (partitioner_) out.partition = partition_for(out.topic, r);
        if (r.key) out.key = key_serde_.serialize(out.topic, *r.key);
        if (r.value) out.value = value_serde_.serialize(out.topic, *r.value);
        out.timestamp = r.timestamp;
        out.headers = r.headers;
        this->task().collector().send(std::move(out));
    }

private:
    std::optional<int32_t> partition_for(const std::string& topic, const record<K, V>& r) {
        std::optional<int32_t> n = this->task().collector().partition_count(topic);
        if (!n || *n <= 0) {
            throw std::runtime_error("Could not get partition information for topic " + topic + " for task " +
                                     this->task().task_id() + ". This can happen if the topic does not exist.");
        }
        std::optional<int32_t> p = partitioner_(topic, r.key, r.value, *n);
        if (p && (*p < 0 || *p >= *n)) {
            throw std::runtime_error("the stream partitioner of " + this->name() + " chose partition " +
                                     std::to_string(*p) + " of " + topic + ", which has " + std::to_string(*n));
        }
        return p;
    }

    std::string topic_;
    topic_name_extractor<K, V> extractor_;
    serde<K> key_serde_;
    serde<V> value_serde_;
    stream_partitioner<K, V> partitioner_;
};

}  // namespace samsa::streams::internal
