#pragma once
// txn_client: what the transaction tests do with librdkafka's C API — a
// transactional producer (init / begin / produce / send offsets / commit /
// abort) whose calls return librdkafka's verdict (fatal, abortable,
// retriable), and a group consumer for consume-transform-produce loops.
//
// Thread: the caller's; a producer may be used from one thread at a time.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

namespace samsa::e2e {

using namespace std::chrono_literals;
using client_config = std::map<std::string, std::string>;

// A failed transactional call, classified as librdkafka classifies it.
struct txn_error {
    std::string message;
    bool fatal = false;      // the producer is unusable (fenced...): make a new one
    bool abortable = false;  // abort_transaction, then go on
    bool retriable = false;  // the same call may be retried
};
using txn_status = std::optional<txn_error>;  // nullopt: success

std::string describe(const txn_status& s);

class txn_producer {
public:
    // Not yet initialised: call init().
    static std::unique_ptr<txn_producer> create(const std::string& bootstrap, const std::string& transactional_id,
                                                const client_config& extra = {});
    ~txn_producer();
    txn_producer(const txn_producer&) = delete;
    txn_producer& operator=(const txn_producer&) = delete;

    txn_status init(std::chrono::milliseconds timeout = 30s);
    txn_status begin();
    // Queues one record (partition -1: the partitioner's choice).
    txn_status produce(const std::string& topic, int32_t partition, const std::string& key, const std::string& value);
    // Waits for every queued record's delivery (inside the transaction).
    txn_status flush(std::chrono::milliseconds timeout = 30s);
    txn_status send_offsets(rd_kafka_t* consumer, std::chrono::milliseconds timeout = 30s);
    txn_status commit(std::chrono::milliseconds timeout = 30s);
    txn_status abort(std::chrono::milliseconds timeout = 30s);
    // librdkafka's fatal error, if one was raised (fencing arrives this way too).
    std::string fatal_error();
    // Delivery reports that failed since the producer was created.
    int failed_deliveries() const;

    rd_kafka_t* handle() { return rk_; }

private:
    txn_producer() = default;
    static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque);
    rd_kafka_t* rk_ = nullptr;
    std::atomic<int> failed_{0};
};

// A group member (subscribe, poll) with enable.auto.commit=false.
class group_consumer {
public:
    static std::unique_ptr<group_consumer> create(const std::string& bootstrap, const std::string& group,
                                                  const std::vector<std::string>& topics,
                                                  const client_config& extra = {});
    ~group_consumer();
    group_consumer(const group_consumer&) = delete;
    group_consumer& operator=(const group_consumer&) = delete;

    struct message {
        std::string topic;
        int32_t partition = 0;
        int64_t offset = 0;
        std::string key;
        std::string value;
    };
    // Up to `max` messages within `timeout` (fewer when none arrive).
    std::vector<message> poll(size_t max, std::chrono::milliseconds timeout);
    // The committed offset of a partition (-1001 when none; an error message
    // when OffsetFetch failed, e.g. UNSTABLE_OFFSET_COMMIT until its timeout).
    std::optional<int64_t> committed(const std::string& topic, int32_t partition, std::chrono::milliseconds timeout,
                                     std::string* error = nullptr);
    rd_kafka_t* handle() { return rk_; }

private:
    explicit group_consumer(rd_kafka_t* rk) : rk_(rk) {}
    rd_kafka_t* rk_;
};

}  // namespace samsa::e2e
