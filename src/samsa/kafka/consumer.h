#pragma once
// consumer: Kafka's KafkaConsumer over librdkafka, thin and explicit, in one
// of two modes fixed at creation by whether group.id is set:
//
//   with a group     subscribe() (the broker's coordinator assigns
//                    partitions, librdkafka follows rebalances itself) or
//                    assign(); commit() and store_offset() work.
//   without a group  assign() only, through librdkafka's per-partition
//                    consumer (consume_start on one queue): librdkafka 2.0's
//                    group consumer refuses to exist without a group.id,
//                    while Kafka's assign() needs none. Nothing is committed.
//
// poll() returns one message at a time, owned and read in place; with
// enable.partition.eof=true it also returns a partition's end (a reader that
// must stop at the end of what is there: tests, restoration).
//
// Errors: poll() returns librdkafka's consumer errors (an unknown topic, an
// authorization failure, a broker down) as client_error; `retriable` ones
// (transport trouble) librdkafka recovers from by itself, so a caller usually
// logs them and polls on; `fatal` ends the consumer.
//
// Threads: one owner thread; poll() serves on_error on it. No thread of ours.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "samsa/kafka/client_hooks.h"
#include "samsa/kafka/config.h"
#include "samsa/kafka/message.h"
#include "samsa/kafka/types.h"

namespace samsa::kafka {

// A partition and an offset: where to start (assign, seek; offset_beginning,
// offset_end and offset_stored allowed) or what to commit (the next offset to
// read, as Kafka's OffsetAndMetadata).
struct topic_partition_offset {
    topic_partition tp;
    samsa::offset offset{-1};
};

class consumer {
public:
    [[nodiscard]] static result<std::unique_ptr<consumer>> create(const property_list& config,
                                                                  client_hooks hooks = {});
    [[nodiscard]] static result<std::unique_ptr<consumer>> create(const properties& config, client_hooks hooks = {});
    // Stops reading; a group member leaves its group as rd_kafka_destroy
    // does (bounded by client_hooks::destroy_bound when set). Call close()
    // first for a bounded, reported leave.
    ~consumer();
    consumer(const consumer&) = delete;
    consumer& operator=(const consumer&) = delete;

    bool has_group() const;

    // Kafka's subscribe(): with a group only (invalid_argument otherwise).
    [[nodiscard]] status subscribe(const std::vector<std::string>& topics);
    // Kafka's assign() + seek(): replaces the assignment; every partition
    // starts at the offset given (also one it already read: unlike Java's
    // assign(), no position is kept).
    [[nodiscard]] status assign(const std::vector<topic_partition_offset>& partitions);
    // Stops reading every assigned partition.
    [[nodiscard]] status unassign();

    // Kafka's poll(), one message: nullopt when none came within `wait`.
    [[nodiscard]] result<std::optional<message>> poll(std::chrono::milliseconds wait);

    // Kafka's seek(): the next poll() of that partition reads from `to`.
    [[nodiscard]] status seek(const topic_partition_offset& to, std::chrono::milliseconds timeout);

    // librdkafka's offsets_store (no Java equivalent): with
    // enable.auto.offset.store=false, marks `next` as the offset the next
    // commit (or auto-commit) writes for the partition, once the record
    // before it was really handled (at-least-once).
    [[nodiscard]] status store_offset(const topic_partition_offset& next);
    // Kafka's commitSync(), bounded: the stored (or consumed) positions, or
    // the offsets given. Nothing to commit is success.
    [[nodiscard]] status commit(std::chrono::milliseconds timeout);
    [[nodiscard]] status commit(const std::vector<topic_partition_offset>& offsets,
                                std::chrono::milliseconds timeout);

    // Kafka's beginningOffsets/endOffsets for one partition (ListOffsets).
    [[nodiscard]] result<watermarks> query_watermarks(const topic_partition& tp, std::chrono::milliseconds timeout);
    // Kafka's offsetsForTimes for one partition: the first offset whose
    // timestamp is at or after `time`, offset_end (-1) when there is none.
    [[nodiscard]] result<samsa::offset> offset_for_time(const topic_partition& tp, timestamp_ms time,
                                                        std::chrono::milliseconds timeout);

    // Kafka's close(), bounded: a group member commits (with auto-commit on)
    // and leaves its group within `timeout`; timed_out if it could not, and
    // the client is then dropped without waiting further. Safe to call twice.
    [[nodiscard]] status close(std::chrono::milliseconds timeout);

    // librdkafka's handle, for calls this class does not wrap (Metadata).
    rd_kafka_t* native() const;

private:
    struct impl;
    explicit consumer(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
};

}  // namespace samsa::kafka
