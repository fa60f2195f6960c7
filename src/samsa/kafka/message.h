#pragma once
// Records as Kafka's clients see them.
//
//   producer_record  what producer::send takes: views, copied by librdkafka
//                    before send returns (Kafka's ProducerRecord)
//   message          one message consumer::poll returned, still librdkafka's
//                    memory, read in place (Kafka's ConsumerRecord); or the
//                    end of a partition, when enable.partition.eof is set
//   record           an owned copy of either (what the CLI prints and the
//                    tests compare)
//
// A missing key, value or header value is Kafka's null, which is not the same
// as an empty string: hence the optionals.
//
// Threads: plain values; a message belongs to the thread that polled it and
// must not outlive its consumer (librdkafka's memory).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/kafka/handle.h"

namespace samsa::kafka {

// Kafka's RecordMetadata/ProducerRecord "no partition": the partitioner
// chooses (librdkafka's RD_KAFKA_PARTITION_UA).
inline constexpr partition_id any_partition{-1};
// The logical offsets of ListOffsets and of librdkafka's consume start
// (RD_KAFKA_OFFSET_BEGINNING / _END / _STORED): where a partition's reading
// starts when no real offset is given.
inline constexpr offset offset_beginning{-2};
inline constexpr offset offset_end{-1};
inline constexpr offset offset_stored{-1000};  // the group's committed offset, else auto.offset.reset

// Kafka's TimestampType.
enum class timestamp_type { none, create_time, log_append_time };

struct header {
    std::string key;
    std::optional<std::string> value;
    bool operator==(const header&) const = default;
};

struct header_view {
    std::string_view key;
    std::optional<std::string_view> value;
};

// One record as produced or as consumed, owned.
struct record {
    std::string topic;
    partition_id partition = any_partition;  // producing: any_partition lets the partitioner choose
    samsa::offset offset{-1};                // set by the delivery report or the read
    timestamp_ms timestamp{-1};              // producing: -1 lets the client stamp it
    timestamp_type ts_type = timestamp_type::none;
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<header> headers;
};

// What producer::send takes. Nothing needs to outlive the call.
struct producer_record {
    std::string_view topic;
    partition_id partition = any_partition;
    std::optional<std::string_view> key;
    std::optional<std::string_view> value;
    std::span<const header_view> headers;
    timestamp_ms timestamp{-1};  // -1: librdkafka stamps the send time (CreateTime)
    // Returned as is in this record's delivery_report (librdkafka's
    // msg_opaque): an index or a pointer of the caller's.
    uint64_t token = 0;
};

// A polled message, owned (rd_kafka_message_destroy on destruction); its
// accessors view librdkafka's buffers.
class message {
public:
    explicit message(message_ptr m) : m_(std::move(m)) {}

    // The end of a partition's log was reached (librdkafka's _PARTITION_EOF,
    // only with enable.partition.eof=true): topic, partition and offset (the
    // next offset to be written) are set, nothing else.
    bool end_of_partition() const;

    std::string_view topic() const;
    partition_id partition() const;
    samsa::offset offset() const;
    timestamp_ms timestamp() const;  // -1 when the record has none
    timestamp_type ts_type() const;
    std::optional<std::string_view> key() const;
    std::optional<std::string_view> value() const;
    // Views into the message, in the order they were produced.
    std::vector<header_view> headers() const;

    // An owned copy.
    record to_record() const;

    // librdkafka's message, for what this class does not say.
    const rd_kafka_message_t& native() const { return *m_; }

private:
    message_ptr m_;
};

}  // namespace samsa::kafka
