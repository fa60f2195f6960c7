#include "samsa/broker/security/quota/quota_manager.h"

#include <algorithm>
#include <cmath>

namespace samsa::broker::security::quota {

namespace {

std::string_view key_of(quota_kind kind) {
    switch (kind) {
    case quota_kind::produce: return producer_byte_rate;
    case quota_kind::fetch: return consumer_byte_rate;
    case quota_kind::request: return request_percentage;
    }
    return {};
}

entity_component user(std::optional<std::string> name) { return {std::string(user_type), std::move(name)}; }
entity_component client(std::optional<std::string> name) { return {std::string(client_id_type), std::move(name)}; }

}  // namespace

void rate_window::purge(int64_t now_ms) {
    const int64_t expire_age = samples_ * window_ms_;
    while (!samples_list_.empty() && now_ms - samples_list_.front().start_ms >= expire_age) samples_list_.pop_front();
}

void rate_window::record(double value, int64_t now_ms) {
    purge(now_ms);
    if (samples_list_.empty() || now_ms >= samples_list_.back().start_ms + window_ms_) {
        samples_list_.push_back({now_ms, 0});
        while (static_cast<int>(samples_list_.size()) > samples_) samples_list_.pop_front();
    }
    samples_list_.back().total += value;
}

int64_t rate_window::window_span_ms(int64_t now_ms) {
    purge(now_ms);
    int64_t elapsed = samples_list_.empty() ? 0 : now_ms - samples_list_.front().start_ms;
    int64_t full = elapsed / window_ms_;
    int64_t min_full = samples_ - 1;
    if (full < min_full) elapsed += (min_full - full) * window_ms_;
    return std::max<int64_t>(elapsed, 1);
}

double rate_window::rate(int64_t now_ms) {
    int64_t span = window_span_ms(now_ms);
    double total = 0;
    for (const auto& s : samples_list_) total += s.total;
    return total / (static_cast<double>(span) / 1000.0);
}

int64_t quota_manager::now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::optional<quota_manager::match> quota_manager::resolve(quota_kind kind, const std::string& u,
                                                           const std::string& c) const {
    const auto key = key_of(kind);
    // Kafka's precedence; each candidate says which tags share the rate.
    const std::tuple<quota_entity, std::string, std::string> candidates[] = {
        {{client(c), user(u)}, u, c},
        {{client(std::nullopt), user(u)}, u, c},
        {{user(u)}, u, ""},
        {{client(c), user(std::nullopt)}, u, c},
        {{client(std::nullopt), user(std::nullopt)}, u, c},
        {{user(std::nullopt)}, u, ""},
        {{client(c)}, "", c},
        {{client(std::nullopt)}, "", c},
    };
    for (const auto& [entity, user_tag, client_tag] : candidates) {
        if (auto v = store_.value(entity, key)) return match{*v, user_tag, client_tag};
    }
    return std::nullopt;
}

std::optional<double> quota_manager::quota_for(quota_kind kind, const session& who, const std::string& client_id) const {
    auto m = resolve(kind, who.principal.name, client_id);
    if (!m) return std::nullopt;
    return m->limit;
}

int64_t quota_manager::record(quota_kind kind, const session& who, const std::string& client_id, double value,
                              int64_t now) {
    if (store_.all().empty()) return 0;
    auto m = resolve(kind, who.principal.name, client_id);
    if (!m) return 0;
    auto key = std::make_tuple(kind, m->user_tag, m->client_tag);
    auto it = rates_.try_emplace(key, samples_, window_ms_).first;
    it->second.record(value, now);
    double observed = it->second.rate(now);
    if (observed <= m->limit) return 0;
    double throttle = (observed - m->limit) / m->limit * static_cast<double>(it->second.window_span_ms(now));
    auto ms = static_cast<int64_t>(std::llround(throttle));
    if (kind == quota_kind::request) ms = std::min(ms, window_ms_);
    return ms;
}

}  // namespace samsa::broker::security::quota
