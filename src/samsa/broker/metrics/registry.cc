#include "samsa/broker/metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "samsa/base/assert.h"

namespace samsa::broker::metrics {

namespace {

bool valid_name(std::string_view n) {
    if (n.empty()) return false;
    for (size_t i = 0; i < n.size(); ++i) {
        char c = n[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                  (i > 0 && c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

std::string escape_help(std::string_view help) {
    std::string out;
    for (char c : help) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

// `{a="x",b="y"}`, with one extra label (le, quantile) when given; empty
// when there is no label at all.
std::string label_text(const label_set& labels, std::string_view extra_name = {}, std::string_view extra_value = {}) {
    if (labels.empty() && extra_name.empty()) return {};
    std::string out = "{";
    bool first = true;
    auto add = [&](std::string_view n, std::string_view v) {
        if (!first) out += ',';
        first = false;
        out += n;
        out += "=\"";
        out += escape_label_value(v);
        out += '"';
    };
    for (const auto& [n, v] : labels) add(n, v);
    if (!extra_name.empty()) add(extra_name, extra_value);
    out += '}';
    return out;
}

void write_sample(std::string& out, std::string_view name, std::string_view suffix, const std::string& labels,
                  double value) {
    out += name;
    out += suffix;
    out += labels;
    out += ' ';
    out += format_value(value);
    out += '\n';
}

void write_histogram(std::string& out, std::string_view name, const label_set& labels, const histogram& h) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < h.bucket_counts().size(); ++i) {
        cumulative += h.bucket_counts()[i];
        const std::string le = i < h.upper_bounds().size() ? format_value(h.upper_bounds()[i]) : "+Inf";
        write_sample(out, name, "_bucket", label_text(labels, "le", le), static_cast<double>(cumulative));
    }
    write_sample(out, name, "_sum", label_text(labels), h.sum());
    write_sample(out, name, "_count", label_text(labels), static_cast<double>(h.count()));
}

void write_summary(std::string& out, std::string_view name, const label_set& labels, const summary_view& s) {
    for (double q : s.quantiles) {
        write_sample(out, name, "", label_text(labels, "quantile", format_value(q)), s.source->quantile(q));
    }
    write_sample(out, name, "_sum", label_text(labels), s.source->sum());
    write_sample(out, name, "_count", label_text(labels), static_cast<double>(s.source->count()));
}

}  // namespace

std::string_view name(metric_type type) {
    switch (type) {
        case metric_type::counter: return "counter";
        case metric_type::gauge: return "gauge";
        case metric_type::histogram: return "histogram";
        case metric_type::summary: return "summary";
    }
    return "untyped";
}

histogram::histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
    SAMSA_ASSERT(std::is_sorted(bounds_.begin(), bounds_.end()), "histogram bounds must ascend");
    counts_.assign(bounds_.size() + 1, 0);
}

void histogram::observe(double v) {
    auto at = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
    ++counts_[static_cast<size_t>(at)];
    ++count_;
    sum_ += v;
}

double histogram::quantile(double q) const {
    if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
    const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(count_);
    uint64_t below = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
        if (counts_[i] == 0 || static_cast<double>(below + counts_[i]) < rank) {
            below += counts_[i];
            continue;
        }
        if (i == bounds_.size()) return bounds_.empty() ? sum_ / static_cast<double>(count_) : bounds_.back();
        const double lower = i == 0 ? std::min(0.0, bounds_[0]) : bounds_[i - 1];
        const double fraction = (rank - static_cast<double>(below)) / static_cast<double>(counts_[i]);
        return lower + (bounds_[i] - lower) * fraction;
    }
    return bounds_.empty() ? sum_ / static_cast<double>(count_) : bounds_.back();
}

registry::family& registry::family_for(std::string_view name, std::string_view help, metric_type type) {
    SAMSA_ASSERT(valid_name(name), "bad metric name");
    auto it = families_.find(name);
    if (it == families_.end()) it = families_.emplace(std::string(name), family{type, std::string(help), {}}).first;
    SAMSA_ASSERT(it->second.type == type, "a metric name used with two types");
    return it->second;
}

counter& registry::add_counter(std::string_view name, std::string_view help, label_set labels) {
    auto& members = family_for(name, help, metric_type::counter).members;
    auto it = members.try_emplace(std::move(labels), std::in_place_type<counter>).first;
    return std::get<counter>(it->second);
}

gauge& registry::add_gauge(std::string_view name, std::string_view help, label_set labels) {
    auto& members = family_for(name, help, metric_type::gauge).members;
    auto it = members.try_emplace(std::move(labels), std::in_place_type<gauge>).first;
    return std::get<gauge>(it->second);
}

histogram& registry::add_histogram(std::string_view name, std::string_view help, label_set labels,
                                   std::vector<double> upper_bounds) {
    auto& members = family_for(name, help, metric_type::histogram).members;
    auto it = members.find(labels);
    if (it == members.end()) {
        it = members.emplace(std::move(labels), std::make_unique<histogram>(std::move(upper_bounds))).first;
    }
    return *std::get<std::unique_ptr<histogram>>(it->second);
}

void registry::add_summary(std::string_view name, std::string_view help, label_set labels, const histogram& source,
                           std::vector<double> quantiles) {
    auto& members = family_for(name, help, metric_type::summary).members;
    members.insert_or_assign(std::move(labels), summary_view{&source, std::move(quantiles)});
}

std::string registry::text() const { return render_text({this}); }

std::string render_text(std::initializer_list<const registry*> registries) {
    using family = registry::family;
    std::map<std::string_view, std::vector<const family*>> merged;
    for (const registry* r : registries) {
        for (const auto& [n, f] : r->families_) merged[n].push_back(&f);
    }
    std::string out;
    for (const auto& [n, parts] : merged) {
        const family& first = *parts.front();
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", n, escape_help(first.help), n, name(first.type));
        for (const family* f : parts) {
            if (f->type != first.type) continue;  // a clash between registries: the first one's type wins
            for (const auto& [labels, s] : f->members) {
                if (const auto* c = std::get_if<counter>(&s)) write_sample(out, n, "", label_text(labels), c->value());
                else if (const auto* g = std::get_if<gauge>(&s)) write_sample(out, n, "", label_text(labels), g->value());
                else if (const auto* h = std::get_if<std::unique_ptr<histogram>>(&s)) write_histogram(out, n, labels, **h);
                else write_summary(out, n, labels, std::get<summary_view>(s));
            }
        }
    }
    return out;
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", v);
}

}  // namespace samsa::broker::metrics
