#pragma once
// timestamp_extractor: where a consumed record's event time comes from
// (Kafka Streams' TimestampExtractor). Each task asks it once per record, in
// offset order, as the record is buffered; the answer orders the task's
// partitions (partition_group.h), moves stream time and is the timestamp
// the record carries downstream.
//
//   extract(record, partition_time) -> timestamp
//     record          the consumed record: its own (CreateTime or
//                     LogAppendTime) timestamp, position, headers, and its
//                     key and value deserialized by the source's serdes;
//     partition_time  the largest timestamp extracted so far on the
//                     record's partition, -1 before any.
//
// A negative result drops the record: logged, counted as dropped
// (Kafka: "Skipping record due to negative extracted timestamp"). An
// exception ends the task (the stream thread, or the driver's pipe_input).
//
// Built-ins, named as Kafka's (also by their Java class names in
// `default.timestamp.extractor`):
//   fail_on_invalid_timestamp()            the default: the record's
//                                          timestamp; a negative one throws;
//   log_and_skip_on_invalid_timestamp()    a negative one is logged and the
//                                          record dropped;
//   use_partition_time_on_invalid_timestamp()  a negative one becomes the
//                                          partition time (throws while it
//                                          is unknown);
//   wallclock_timestamp_extractor()        the system clock (processing time).
//
// Per source: consumed<K, V>::with_timestamp_extractor(e); otherwise the
// config's default.timestamp.extractor, otherwise fail_on_invalid_timestamp.
//
//   auto by_order_time = make_timestamp_extractor([](const extractor_record& r, int64_t) {
//       const order* o = r.value<order>();
//       return o ? o->placed_at_ms : r.timestamp;
//   });
//
// Threads: one extractor may be shared by every task of every stream
// thread, so extract() is const and must not change shared state unlocked.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

#include "samsa/streams/export.h"
#include "samsa/streams/record.h"

namespace samsa::streams {

// The consumed record as the extractor sees it (Kafka's
// ConsumerRecord<Object, Object>). key<K>() / value<V>() deserialize on first
// use with the source's serdes: nullptr when null, or when K / V is not the
// source's type. What a deserializer throws leaves extract() and is then
// handled as the record's deserialization error.
class extractor_record {
public:
    // Supplied by the source node: deserializes on demand.
    class decoder {
    public:
        virtual ~decoder() = default;
        // The key's type, checked by key<K>().
        virtual const std::type_info& key_type() const = 0;
        // The value's type, checked by value<V>().
        virtual const std::type_info& value_type() const = 0;
        virtual const void* key() const = 0;    // nullptr when null
        virtual const void* value() const = 0;  // nullptr when null
    };

    // For the implementation: the source node makes it for each record.
    extractor_record(std::string_view topic, int32_t partition, int64_t offset, int64_t timestamp,
                     const record_headers& headers, const decoder* d)
        : topic(topic), partition(partition), offset(offset), timestamp(timestamp), headers(headers), decoder_(d) {}

    // The record's topic.
    std::string_view topic;
    // Its partition.
    int32_t partition = 0;
    // Its offset.
    int64_t offset = 0;
    int64_t timestamp = 0;  // the record's own timestamp
    // Its headers.
    const record_headers& headers;

    // The deserialized key; nullptr when null or when K is not the source's key type.
    template<class K>
    const K* key() const {
        if (decoder_ == nullptr || decoder_->key_type() != typeid(K)) return nullptr;
        return static_cast<const K*>(decoder_->key());
    }
    // The deserialized value; nullptr when null or when V is not the source's value type.
    template<class V>
    const V* value() const {
        if (decoder_ == nullptr || decoder_->value_type() != typeid(V)) return nullptr;
        return static_cast<const V*>(decoder_->value());
    }

private:
    const decoder* decoder_;
};

// Kafka's TimestampExtractor: gives each input record its timestamp. Called on the stream thread of the record's task.
class SAMSA_STREAMS_API timestamp_extractor {
public:
    virtual ~timestamp_extractor() = default;
    // The record's timestamp; partition_time is the largest timestamp of the partition so far (-1 before any). A
    // negative result is an invalid timestamp: the record is skipped.
    virtual int64_t extract(const extractor_record& record, int64_t partition_time) const = 0;
    // The name used in logs and by default.timestamp.extractor.
    virtual std::string name() const { return "custom"; }
};

// Extractors are shared, immutable.
using timestamp_extractor_ptr = std::shared_ptr<const timestamp_extractor>;

// Kafka's FailOnInvalidTimestamp (the default): the record's own timestamp; a negative one fails the task.
SAMSA_STREAMS_API timestamp_extractor_ptr fail_on_invalid_timestamp();
// Kafka's LogAndSkipOnInvalidTimestamp: the record's own timestamp; a negative one is logged and the record skipped.
SAMSA_STREAMS_API timestamp_extractor_ptr log_and_skip_on_invalid_timestamp();
// Kafka's UsePartitionTimeOnInvalidTimestamp: the record's own timestamp, or the partition time when it is negative.
SAMSA_STREAMS_API timestamp_extractor_ptr use_partition_time_on_invalid_timestamp();
// Kafka's WallclockTimestampExtractor: the wall clock when the record is processed.
SAMSA_STREAMS_API timestamp_extractor_ptr wallclock_timestamp_extractor();

// A lambda as an extractor.
SAMSA_STREAMS_API timestamp_extractor_ptr
make_timestamp_extractor(std::function<int64_t(const extractor_record& record, int64_t partition_time)> f);

// A built-in by its short name (FailOnInvalidTimestamp ...) or Java class
// name (org.apache.kafka.streams.processor.FailOnInvalidTimestamp ...);
// nullptr when unknown.
SAMSA_STREAMS_API timestamp_extractor_ptr timestamp_extractor_by_name(std::string_view name);

}  // namespace samsa::streams
