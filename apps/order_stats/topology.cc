#include "order_stats/topology.h"

#include <charconv>
#include <ctime>

#include <nlohmann/json.hpp>

#include "order_mail/records.h"
#include "samsa/streams/kgrouped_stream.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/time_windowed_kstream.h"

namespace samsa::apps::order_stats {

namespace {

using order = order_mail::order;
using str = std::string;
namespace s = samsa::streams;

bool digits(std::string_view text, size_t at, size_t n, int& out) {
    if (at + n > text.size()) return false;
    auto [p, ec] = std::from_chars(text.data() + at, text.data() + at + n, out);
    return ec == std::errc() && p == text.data() + at + n;
}

}  // namespace

std::optional<int64_t> parse_created_at(std::string_view t) {
    if (t.empty()) return std::nullopt;
    int64_t ms = 0;
    if (auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), ms); ec == std::errc() && p == t.data() + t.size()) {
        return ms;
    }
    // YYYY-MM-DDTHH:MM:SS[.fff...]Z
    int year, month, day, hour, minute, second;
    if (!digits(t, 0, 4, year) || t.size() < 20 || t[4] != '-' || !digits(t, 5, 2, month) || t[7] != '-' ||
        !digits(t, 8, 2, day) || (t[10] != 'T' && t[10] != ' ') || !digits(t, 11, 2, hour) || t[13] != ':' ||
        !digits(t, 14, 2, minute) || t[16] != ':' || !digits(t, 17, 2, second)) {
        return std::nullopt;
    }
    size_t at = 19;
    int64_t fraction_ms = 0;
    if (t[at] == '.') {
        int64_t scale = 100;
        for (++at; at < t.size() && t[at] >= '0' && t[at] <= '9'; ++at) {
            fraction_ms += (t[at] - '0') * scale;
            scale /= 10;
        }
    }
    if (at + 1 != t.size() || t[at] != 'Z') return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<int64_t>(timegm(&tm)) * 1000 + fraction_ms;
}

s::timestamp_extractor_ptr order_time_extractor() {
    return s::make_timestamp_extractor([](const s::extractor_record& r, int64_t) {
        const order* o = r.value<order>();
        if (o != nullptr) {
            if (auto t = parse_created_at(o->created_at)) return *t;
        }
        return r.timestamp;
    });
}

std::string to_json(const window_count& c) {
    nlohmann::ordered_json j;
    j["customerId"] = c.customer_id;
    j["windowStart"] = c.window_start;
    j["windowEnd"] = c.window_end;
    j["orders"] = c.orders;
    return j.dump();
}

std::optional<window_count> window_count_from_json(std::string_view text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    try {
        return window_count{j.at("customerId").get<str>(), j.at("windowStart").get<int64_t>(),
                            j.at("windowEnd").get<int64_t>(), j.at("orders").get<int64_t>()};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

s::topology build_order_stats_topology(const order_stats_options& options) {
    s::streams_builder b;
    auto orders = s::consumed<str, order>::with(s::serdes::string(), s::serdes::fast_json<order>())
                      .with_timestamp_extractor(order_time_extractor());
    auto store = s::materialized<str, int64_t>::as("orders-per-customer")
                     .with_key_serde(s::serdes::string())
                     .with_value_serde(s::serdes::int64());
    store.type = options.stores;
    auto counts = b.stream(order_topic, orders)
                      .select_key([](const str&, const order& o) { return o.customer_id; })
                      .group_by_key(s::grouped<str, order>::with(s::serdes::string(), s::serdes::fast_json<order>()))
                      .windowed_by(s::time_windows::of_size_and_grace(options.window_size.count(), options.grace.count()))
                      .count(s::named{}, store);
    counts.suppress(s::suppressed<s::windowed<str>>::until_window_closes(s::buffer_config::unbounded()))
        .to_stream()
        .map([](const s::windowed<str>& k, const int64_t& n) {
            window_count c{k.key(), k.window().start(), k.window().end(), n};
            return s::key_value<str, str>{c.customer_id, to_json(c)};
        })
        .to(order_stats_topic, s::produced<str, str>::with(s::serdes::string(), s::serdes::string()));
    return b.build();
}

std::map<std::string, std::string> order_stats_properties(const std::string& bootstrap_servers,
                                                          const std::string& application_id,
                                                          const std::string& state_dir) {
    std::map<std::string, std::string> p{
        {"application.id", application_id},
        {"bootstrap.servers", bootstrap_servers},
        {"default.deserialization.exception.handler", "logAndContinue"},
    };
    if (!state_dir.empty()) p["state.dir"] = state_dir;
    return p;
}

}  // namespace samsa::apps::order_stats
