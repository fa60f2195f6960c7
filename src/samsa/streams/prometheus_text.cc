#include "samsa/streams/prometheus_text.h"

#include <algorithm>

#include "samsa/broker/metrics/registry.h"

namespace samsa::streams {

namespace {

// The JMX exporter's rule: anything a Prometheus name cannot hold becomes '_'.
std::string sanitized(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) c = '_';
    }
    return out;
}

bool is_counter(const metric_name& m) { return m.name.ends_with("-total"); }

}  // namespace

std::string prometheus_name(const metric_name& m) { return "kafka_streams_" + sanitized(m.group) + "_" + sanitized(m.name); }

// The broker's registry renders the format (families, escaping, NaN), so the
// two endpoints of samsa write the same dialect.
std::string to_prometheus_text(const metrics_snapshot& snapshot, const text_metrics_snapshot& text) {
    broker::metrics::registry out;
    for (const auto& [m, value] : text) {
        broker::metrics::label_set labels;
        for (const auto& [tag, tag_value] : m.tags) labels.emplace_back(sanitized(tag), tag_value);
        labels.emplace_back(sanitized(m.name), value);
        std::sort(labels.begin(), labels.end());
        out.set_gauge(prometheus_name(m) + "_info", "Kafka Streams " + m.group + " " + m.name, std::move(labels), 1);
    }
    for (const auto& [m, value] : snapshot) {
        broker::metrics::label_set labels;
        for (const auto& [tag, tag_value] : m.tags) labels.emplace_back(sanitized(tag), tag_value);
        const std::string name = prometheus_name(m);
        const std::string help = "Kafka Streams " + m.group + " " + m.name;
        if (is_counter(m)) out.add_counter(name, help, std::move(labels)).inc(value);
        else out.set_gauge(name, help, std::move(labels), value);
    }
    return out.text();
}

}  // namespace samsa::streams
