#pragma once
// registry: counters, gauges and histograms with labels, and their rendering
// as Prometheus' text exposition format 0.0.4, which every scraper reads:
//
//   # HELP kafka_server_brokertopicmetrics_bytesin_total Bytes appended by Produce.
//   # TYPE kafka_server_brokertopicmetrics_bytesin_total counter
//   kafka_server_brokertopicmetrics_bytesin_total 2048
//   kafka_server_brokertopicmetrics_bytesin_total{topic="orders"} 2048
//
// A family (one name) has one type and help text; its series differ by
// labels. Metrics are made once (add_*) and then updated through the
// reference returned, which stays valid as long as the registry, so a hot
// path pays one add, not a lookup. A summary is a view of a histogram held
// elsewhere: its quantiles are estimated from the histogram's buckets
// (linear inside a bucket, as Prometheus' histogram_quantile does), so one
// observation feeds both a histogram and Kafka-style percentiles.
//
// Several registries render as one exposition (render_text): the broker keeps
// its counters in one and builds the gauges it reads from its state into a
// fresh one per scrape, so a deleted topic's gauges simply stop appearing.
//
// Thread: none of its own and no locks; the owner's thread only (the broker's
// I/O thread renders it too, see broker_metrics.h).

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace samsa::broker::metrics {

// Label name -> value, in the order written.
using label_set = std::vector<std::pair<std::string, std::string>>;

enum class metric_type { counter, gauge, histogram, summary };
std::string_view name(metric_type type);

class counter {
public:
    void inc(double by = 1) { value_ += by; }
    double value() const { return value_; }

private:
    double value_ = 0;
};

class gauge {
public:
    void set(double v) { value_ = v; }
    void inc(double by = 1) { value_ += by; }
    double value() const { return value_; }

private:
    double value_ = 0;
};

class histogram {
public:
    // Ascending upper bounds; the +Inf bucket is implied.
    explicit histogram(std::vector<double> upper_bounds);
    void observe(double v);
    const std::vector<double>& upper_bounds() const { return bounds_; }
    // Per bucket, not cumulative; one more entry than upper_bounds() (+Inf).
    const std::vector<uint64_t>& bucket_counts() const { return counts_; }
    uint64_t count() const { return count_; }
    double sum() const { return sum_; }
    // q in [0, 1]; NaN with no observation. A quantile in the +Inf bucket
    // answers the highest finite bound (what histogram_quantile does).
    double quantile(double q) const;

private:
    std::vector<double> bounds_;
    std::vector<uint64_t> counts_;
    uint64_t count_ = 0;
    double sum_ = 0;
};

struct summary_view {
    const histogram* source = nullptr;
    std::vector<double> quantiles;
};

class registry {
public:
    registry() = default;
    registry(const registry&) = delete;
    registry& operator=(const registry&) = delete;
    registry(registry&&) = default;
    registry& operator=(registry&&) = default;

    // The same name and labels again answer the metric made first. A name
    // used with another type is a programmer error (asserted).
    counter& add_counter(std::string_view name, std::string_view help, label_set labels = {});
    gauge& add_gauge(std::string_view name, std::string_view help, label_set labels = {});
    histogram& add_histogram(std::string_view name, std::string_view help, label_set labels,
                             std::vector<double> upper_bounds);
    // `source` must outlive the registry's rendering.
    void add_summary(std::string_view name, std::string_view help, label_set labels, const histogram& source,
                     std::vector<double> quantiles);
    // Shorthand for a gauge read at scrape time.
    void set_gauge(std::string_view name, std::string_view help, label_set labels, double value) {
        add_gauge(name, help, std::move(labels)).set(value);
    }

    // This registry alone in the text format.
    std::string text() const;

private:
    using series = std::variant<counter, gauge, std::unique_ptr<histogram>, summary_view>;
    struct family {
        metric_type type;
        std::string help;
        std::map<label_set, series> members;
    };
    family& family_for(std::string_view name, std::string_view help, metric_type type);

    std::map<std::string, family, std::less<>> families_;

    friend std::string render_text(std::initializer_list<const registry*> registries);
};

// The registries as one exposition, families sorted by name; a family in
// several registries is written once (the first one's help and type).
std::string render_text(std::initializer_list<const registry*> registries);

// Label values escaped as the format wants (\\, \", \n).
std::string escape_label_value(std::string_view value);
// A value as the format writes it: shortest round-trip form, +Inf, -Inf, NaN.
std::string format_value(double v);

}  // namespace samsa::broker::metrics
