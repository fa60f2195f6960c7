#include "samsa/broker/metrics/broker_metrics.h"

#include "samsa/broker/metrics/metric_names.h"

namespace samsa::broker::metrics {

namespace {

// Milliseconds, from well under a local request to a long-polling Fetch's
// wait (Kafka's fetch.max.wait.ms is at most a few seconds).
std::vector<double> latency_buckets_ms() {
    return {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};
}

// Kafka's percentiles (50th ... 999thPercentile).
std::vector<double> kafka_quantiles() { return {0.5, 0.75, 0.95, 0.98, 0.99, 0.999}; }

double to_ms(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// Kafka's percentiles as a summary (kafka_network_requestmetrics_*), and the
// buckets they are estimated from as a histogram under the samsa_ prefix
// (samsa_network_requestmetrics_*), for histogram_quantile over any window.
histogram& timed(registry& r, std::string_view summary_name, std::string_view help, std::string_view api_name) {
    label_set labels{{"request", std::string(api_name)}};
    histogram& h = r.add_histogram(names::histogram_of(summary_name), help, labels, latency_buckets_ms());
    r.add_summary(summary_name, help, std::move(labels), h, kafka_quantiles());
    return h;
}

}  // namespace

request_metrics::request_metrics(registry& r, std::string_view api_name)
    : requests_(r.add_counter(names::requests, "Requests received, by API (Kafka's RequestsPerSec count).",
                              {{"request", std::string(api_name)}})),
      total_ms_(timed(r, names::total_time, "Milliseconds from a request's arrival to its response being queued.",
                      api_name)),
      queue_ms_(timed(r, names::queue_time, "Milliseconds a request waited before its handler started.",
                      api_name)),
      local_ms_(timed(r, names::local_time, "Milliseconds a request's handler ran on the I/O thread.", api_name)) {}

void request_metrics::started(std::chrono::steady_clock::duration queued) {
    requests_.inc();
    queue_ms_.observe(to_ms(queued));
}

void request_metrics::handled(std::chrono::steady_clock::duration local) { local_ms_.observe(to_ms(local)); }

void request_metrics::completed(std::chrono::steady_clock::time_point received) {
    total_ms_.observe(to_ms(std::chrono::steady_clock::now() - received));
}

broker_metrics::broker_metrics()
    : bytes_in_(registry_.add_counter(names::bytes_in, names::bytes_in_help)),
      bytes_out_(registry_.add_counter(names::bytes_out, names::bytes_out_help)),
      messages_in_(registry_.add_counter(names::messages_in, names::messages_in_help)),
      auth_ok_(registry_.add_counter(names::auth_ok, "SASL authentications that succeeded.")),
      auth_failed_(registry_.add_counter(names::auth_failed, "SASL authentications that failed.")) {}

broker_metrics::topic_counters& broker_metrics::topic(std::string_view name) {
    auto it = topics_.find(name);
    if (it != topics_.end()) return it->second;
    label_set labels{{"topic", std::string(name)}};
    topic_counters made{&registry_.add_counter(names::bytes_in, names::bytes_in_help, labels),
                        &registry_.add_counter(names::bytes_out, names::bytes_out_help, labels),
                        &registry_.add_counter(names::messages_in, names::messages_in_help, labels)};
    return topics_.emplace(std::string(name), made).first->second;
}

void broker_metrics::appended(std::string_view topic_name, uint64_t records, uint64_t bytes) {
    auto& t = topic(topic_name);
    t.bytes_in->inc(static_cast<double>(bytes));
    t.messages_in->inc(static_cast<double>(records));
    bytes_in_.inc(static_cast<double>(bytes));
    messages_in_.inc(static_cast<double>(records));
}

void broker_metrics::fetched(std::string_view topic_name, uint64_t bytes) {
    topic(topic_name).bytes_out->inc(static_cast<double>(bytes));
    bytes_out_.inc(static_cast<double>(bytes));
}

void broker_metrics::authenticated(bool succeeded) { (succeeded ? auth_ok_ : auth_failed_).inc(); }

request_metrics& broker_metrics::requests(protocol::api_key api) {
    auto& slot = apis_[api];
    if (!slot) slot = std::make_unique<request_metrics>(registry_, protocol::name(api));
    return *slot;
}

}  // namespace samsa::broker::metrics
