#pragma once
// producer: Kafka's KafkaProducer over librdkafka, thin and explicit. send()
// enqueues a record (librdkafka copies it and batches per partition);
// delivery reports come back through the handler given at creation, served
// by poll() and flush() on the owner's thread: no thread of ours, no
// callback on librdkafka's threads except client_hooks::on_log.
//
// Partitioning, acks, idempotence (enable.idempotence) and compression are
// librdkafka properties; "partitioner=murmur2_random" places keyed records
// where Kafka's Java client does. Transactions need transactional.id and the
// calls below, named after Kafka's.
//
// Errors: send() fails at once for what librdkafka refuses locally (an
// unknown partition, a record too large, the queue full for longer than
// max_block); a delivery fails in its report, with librdkafka's code and
// whether it is retriable; `fatal` means the producer cannot be used any more
// (a fenced or failed idempotent producer): create another.
//
// Threads: one owner thread at a time (librdkafka's producer itself is
// thread-safe, but the scratch space send() reuses is not).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "samsa/kafka/client_hooks.h"
#include "samsa/kafka/config.h"
#include "samsa/kafka/message.h"

namespace samsa::kafka {

// The outcome of one send(): Kafka's RecordMetadata, or the error its
// Callback.onCompletion gets.
struct delivery_report {
    uint64_t token = 0;  // producer_record::token
    std::string_view topic;  // valid during the handler only
    partition_id partition{-1};
    samsa::offset offset{-1};  // -1 when the broker did not say (acks=0) or the delivery failed
    timestamp_ms timestamp{-1};
    status result;
};

struct producer_options {
    // Called once per send(), from poll(), flush() or send() itself (which
    // polls when the queue is full); may be empty.
    std::function<void(const delivery_report&)> on_delivery;
    client_hooks hooks;
    // How long send() waits for room when librdkafka's queue is full
    // (queue.buffering.max.messages/kbytes), serving delivery reports
    // meanwhile: Kafka's max.block.ms.
    std::chrono::milliseconds max_block{std::chrono::seconds(60)};
};

class producer {
public:
    [[nodiscard]] static result<std::unique_ptr<producer>> create(const property_list& config,
                                                                  producer_options options = {});
    [[nodiscard]] static result<std::unique_ptr<producer>> create(const properties& config,
                                                                  producer_options options = {});
    // Does not flush (Kafka's close() does): what is still queued is dropped
    // without a report. Call flush() first.
    ~producer();
    producer(const producer&) = delete;
    producer& operator=(const producer&) = delete;

    // Kafka's send(). Blocks only while the queue is full (up to max_block).
    [[nodiscard]] status send(const producer_record& r);
    // The same for an owned record (its topic, partition, key, value,
    // headers and timestamp); offset and ts_type are ignored.
    [[nodiscard]] status send(const record& r, uint64_t token = 0);

    // Serves delivery reports and client errors for up to `wait`; returns
    // how many events were served.
    int poll(std::chrono::milliseconds wait);

    // Kafka's flush(), bounded: waits until every record sent so far has its
    // report, serving them. timed_out (retriable) names how many had none.
    [[nodiscard]] status flush(std::chrono::milliseconds timeout);

    // Records sent and not yet reported (and librdkafka's own requests).
    int in_flight() const;

    // Kafka's transactional calls (transactional.id must be set). Errors
    // carry librdkafka's marks: retriable (call again), txn_requires_abort
    // (abort_transaction, then go on), fatal (the producer is done).
    [[nodiscard]] status init_transactions(std::chrono::milliseconds timeout);
    [[nodiscard]] status begin_transaction();
    [[nodiscard]] status commit_transaction(std::chrono::milliseconds timeout);
    [[nodiscard]] status abort_transaction(std::chrono::milliseconds timeout);

    // librdkafka's handle, for calls this class does not wrap (Metadata).
    rd_kafka_t* native() const;

private:
    struct impl;
    explicit producer(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
};

}  // namespace samsa::kafka
