#pragma once
// producer: sends records to one topic through librdkafka with Kafka's
// partitioning (murmur2 of the key, as the Java client and Kafka's scripts do;
// records without a key are spread), waits for every delivery report and says
// how many failed and why.
//
// Thread: the command's thread; delivery reports are served from send() and
// flush() on that same thread.

#include <cstddef>
#include <memory>
#include <string>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"

namespace samsa::cli::kafka {

struct delivery_report {
    size_t delivered = 0;
    size_t failed = 0;
    std::string first_error;  // empty when nothing failed
};

class producer {
public:
    // Checks the cluster and the topic (errc::not_found when it does not exist)
    // within the timeout. Deliveries are bounded by the same timeout.
    static result<std::unique_ptr<producer>> connect(const client_config& config, const std::string& topic);
    ~producer();
    producer(const producer&) = delete;
    producer& operator=(const producer&) = delete;

    int partition_count() const;

    // Enqueues one record (r.topic is ignored: the producer's topic is used).
    // Blocks while librdkafka's queue is full.
    status send(const record& r);

    // Waits for all outstanding deliveries, at most the timeout.
    delivery_report flush();

private:
    struct impl;
    explicit producer(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
};

}  // namespace samsa::cli::kafka
