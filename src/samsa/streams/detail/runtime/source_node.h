#pragma once
// Source and sink nodes: the only places where serdes run on the record path
// (besides stores). A source deserializes a consumed record and forwards it; a
// sink serializes and hands it to the task's record collector.
//
// Threads: owned by one task (see node.h).

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/runtime/node.h"
#include "samsa/streams/detail/runtime/task_context.h"
#include "samsa/streams/processor/timestamp_extractor.h"
#include "samsa/streams/serdes/core.h"

namespace samsa::streams::internal {

// A record in serialized form as the topology test driver builds it.
struct raw_record {
    std::optional<bytes> key;
    std::optional<bytes> value;
    int64_t timestamp = 0;
    record_headers headers;
    record_metadata metadata;
};

// A consumed record seen in place (its bytes belong to the consumed
// record), for the timestamp extractor and deserialize(): the source reads
// the key and value where the client received them, without a copy.
struct raw_record_ref {
    std::optional<bytes_view> key;
    std::optional<bytes_view> value;
    int64_t timestamp = 0;
    const record_headers* headers = nullptr;
    record_metadata metadata;
};

class source_node_base : public processor_node_base {
public:
    using processor_node_base::processor_node_base;
    // Two steps, so that only what the serdes throw is a deserialization
    // error (task_graph.h): deserialize() turns the raw record into the
    // typed one and keeps it (throws what the deserializers throw, e.g.
    // serde_error); forward_deserialized() hands it to the children.
    virtual void deserialize(const raw_record_ref& r) = 0;
    virtual void forward_deserialized() = 0;

    // The source's own extractor (consumed::with_timestamp_extractor), or
    // nullptr for the configured default.
    const timestamp_extractor_ptr& extractor() const { return extractor_; }
    void set_extractor(timestamp_extractor_ptr e) { extractor_ = std::move(e); }
    // e.extract() on the raw record, whose key and value this source
    // deserializes only if the extractor asks for them (timestamp_extractor.h).
    // nullopt when such a deserialization failed and the extractor let the
    // exception out: the record then keeps its own timestamp and meets the
    // deserialization handler when processed, as it would have first in Kafka.
    // Other exceptions (the extractor's own) leave.
    virtual std::optional<int64_t> extract_timestamp(const timestamp_extractor& e, const raw_record_ref& r,
                                                     int64_t partition_time) const = 0;

private:
    timestamp_extractor_ptr extractor_;
};

template<class K, class V>
class source_node final : public source_node_base {
public:
    source_node(std::string name, serde<K> key_serde, serde<V> value_serde)
        : source_node_base(std::move(name), nullptr, &typeid(record<K, V>)), key_serde_(std::move(key_serde)),
          value_serde_(std::move(value_serde)) {}

    void deserialize(const raw_record_ref& raw) override {
        record<K, V>& r = pending_;
        r.key.reset();
        r.value.reset();
        std::string_view topic = raw.metadata.topic;
        // Built in the record's own storage (emplace_result): `r.value = ...`
        // moved each decoded value in and destroyed the emptied one, a few
        // hundred instructions per record for a value of a few strings
        // (s19-hE).
        if (raw.key) emplace_result(r.key, [&] { return key_serde_.deserialize(topic, *raw.key); });
        if (raw.value) emplace_result(r.value, [&] { return value_serde_.deserialize(topic, *raw.value); });
        r.timestamp = raw.timestamp;
        // Usually none on either side: then not even the call.
        if (!raw.headers->empty() || !r.headers.empty()) r.headers = *raw.headers;
    }
    // The typed record moves on (deserialize() refills every field).
    void forward_deserialized() override { forward_to(children(), std::move(pending_)); }

    std::optional<int64_t> extract_timestamp(const timestamp_extractor& e, const raw_record_ref& raw,
                                             int64_t partition_time) const override {
        lazy_decoder d(*this, raw);
        extractor_record view(raw.metadata.topic, raw.metadata.partition, raw.metadata.offset, raw.timestamp,
                              *raw.headers, &d);
        try {
            return e.extract(view, partition_time);
        } catch (...) {
            if (d.failed) return std::nullopt;
            throw;
        }
    }

private:
    // Deserializes the key or the value the first time the extractor asks.
    class lazy_decoder final : public extractor_record::decoder {
    public:
        lazy_decoder(const source_node& s, const raw_record_ref& r) : source_(s), raw_(r) {}
        const std::type_info& key_type() const override { return typeid(K); }
        const std::type_info& value_type() const override { return typeid(V); }
        const void* key() const override {
            if (!raw_.key) return nullptr;
            if (!key_) key_ = guarded([&] { return source_.key_serde_.deserialize(raw_.metadata.topic, *raw_.key); });
            return &*key_;
        }
        const void* value() const override {
            if (!raw_.value) return nullptr;
            if (!value_) {
                value_ = guarded([&] { return source_.value_serde_.deserialize(raw_.metadata.topic, *raw_.value); });
            }
            return &*value_;
        }
        mutable bool failed = false;

    private:
        template<class F>
        auto guarded(F&& f) const {
            try {
                return f();
            } catch (...) {
                failed = true;
                throw;
            }
        }
        const source_node& source_;
        const raw_record_ref& raw_;
        mutable std::optional<K> key_;
        mutable std::optional<V> value_;
    };

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

    void process(record<K, V>&& r) override {
        const std::string& topic = extractor_ ? dynamic_topic(r) : topic_;
        produced_record out;
        out.topic = topic;
        if (partitioner_) out.partition = partition_for(topic, r);
        if (r.key) out.key = key_serde_.serialize(topic, *r.key);
        if (r.value) out.value = value_serde_.serialize(topic, *r.value);
        out.timestamp = r.timestamp;
        out.headers = std::move(r.headers);
        this->task().collector().send(std::move(out));
    }

private:
    // The extractor's topic, kept for the node's life (produced_record views
    // it): a set of the topics this sink has written, which the cluster's
    // topics bound.
    const std::string& dynamic_topic(const record<K, V>& r) {
        std::string t = extractor_(r.key, r.value);
        auto it = dynamic_topics_.find(t);
        if (it == dynamic_topics_.end()) it = dynamic_topics_.insert(std::move(t)).first;
        return *it;
    }

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
    std::set<std::string, std::less<>> dynamic_topics_;
    serde<K> key_serde_;
    serde<V> value_serde_;
    stream_partitioner<K, V> partitioner_;
};

}  // namespace samsa::streams::internal
