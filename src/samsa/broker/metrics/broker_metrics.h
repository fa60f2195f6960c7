#pragma once
// broker_metrics: what the broker counts as it works, under the names Kafka's
// JMX exporter users know (docs/metrics.md has the list): bytes and messages
// in and bytes out per topic, requests and their times per API, SASL
// authentications. The hooks are single calls from the dispatcher, Produce,
// Fetch and SaslAuthenticate. What can be read from the broker's state
// (partitions, offsets, groups, lag, connections, producers, cleaner) is not
// counted here but read at scrape time (scrape.h).
//
// Thread: the I/O thread only, hooks and scrapes alike (the HTTP thread asks
// the I/O thread for the text, metrics_endpoint.h), so plain counters
// suffice: nothing here is shared between threads.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "samsa/broker/metrics/registry.h"
#include "samsa/broker/net/connection.h"
#include "samsa/protocol/api_key.h"

namespace samsa::broker::metrics {

// One API's request metrics (Kafka's RequestMetrics, request="Produce").
class request_metrics final : public request_observer {
public:
    request_metrics(registry& r, std::string_view api_name);
    // The dispatcher starts the handler: the request waited `queued` since it
    // arrived whole.
    void started(std::chrono::steady_clock::duration queued);
    // The handler returned (it may answer later: Fetch long polling).
    void handled(std::chrono::steady_clock::duration local);
    // The response slot completed: the request's total time.
    void completed(std::chrono::steady_clock::time_point received) override;

private:
    counter& requests_;
    histogram& total_ms_;
    histogram& queue_ms_;
    histogram& local_ms_;
};

class broker_metrics {
public:
    broker_metrics();
    broker_metrics(const broker_metrics&) = delete;
    broker_metrics& operator=(const broker_metrics&) = delete;

    // Produce appended `records` records in `bytes` bytes of batches to `topic`.
    void appended(std::string_view topic, uint64_t records, uint64_t bytes);
    // Fetch answered `bytes` bytes of stored batches of `topic`.
    void fetched(std::string_view topic, uint64_t bytes);
    // A SASL authentication ended.
    void authenticated(bool succeeded);
    // The metrics of one API, made on its first request.
    request_metrics& requests(protocol::api_key api);

    const registry& counters() const { return registry_; }

private:
    struct topic_counters {
        counter* bytes_in;
        counter* bytes_out;
        counter* messages_in;
    };
    topic_counters& topic(std::string_view name);

    registry registry_;
    counter& bytes_in_;
    counter& bytes_out_;
    counter& messages_in_;
    counter& auth_ok_;
    counter& auth_failed_;
    std::map<std::string, topic_counters, std::less<>> topics_;
    // By API key; unique_ptr: slots hold pointers to them (request_observer).
    std::map<protocol::api_key, std::unique_ptr<request_metrics>> apis_;
};

}  // namespace samsa::broker::metrics
