#pragma once
// quota_manager: Kafka's ClientQuotaManager for one node. Each request is
// recorded against the sender's quota (bytes produced, bytes fetched, or
// handler time as a percentage of one thread) in a rate over
// quota.window.num samples of quota.window.size.seconds; when the rate is
// over the quota the answer is the throttle time Kafka gives:
//
//   throttle = (rate - quota) / quota * window      (QuotaUtils.throttleTime)
//
// where window is the time the samples span (at least num-1 whole samples).
// The request time quota's throttle is capped at one sample window, as
// Kafka's ClientRequestQuotaManager does; byte rates are not capped.
//
// Which quota applies to (user, client-id), first match, as Kafka's
// DefaultQuotaCallback: user+client, user+default client, user, default
// user+client, default user+default client, default user, client, default
// client. The match also decides who shares a rate: a user quota is shared
// by all that user's clients; a default user quota is per user.
//
// Thread: the I/O thread.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "samsa/broker/security/principal.h"
#include "samsa/broker/security/quota/quota_store.h"

namespace samsa::broker::security::quota {

enum class quota_kind { produce, fetch, request };

// Kafka's SampledStat Rate: samples of one window each; values older than
// all the samples are forgotten.
class rate_window {
public:
    rate_window(int samples, int64_t window_ms) : samples_(samples), window_ms_(window_ms) {}
    void record(double value, int64_t now_ms);
    // Per second, over window_span_ms(now).
    double rate(int64_t now_ms);
    int64_t window_span_ms(int64_t now_ms);

private:
    struct sample {
        int64_t start_ms;
        double total;
    };
    void purge(int64_t now_ms);

    int samples_;
    int64_t window_ms_;
    std::deque<sample> samples_list_;
};

class quota_manager {
public:
    quota_manager(const quota_store& store, int samples, std::chrono::seconds window)
        : store_(store), samples_(samples), window_ms_(window.count() * 1000) {}

    // Records `value` (bytes, or for request: the percentage of a thread
    // used, nanos * 100 / 1e9) and answers the throttle time in ms (0 when
    // no quota applies or the rate is within it).
    int64_t record(quota_kind kind, const session& who, const std::string& client_id, double value,
                   int64_t now_ms);
    // Takes back a value recorded for an answer that was not given (a
    // throttled Fetch answers empty).
    void unrecord(quota_kind kind, const session& who, const std::string& client_id, double value, int64_t now_ms) {
        record(kind, who, client_id, -value, now_ms);
    }
    // The quota that applies (for tests and tools), or nullopt.
    std::optional<double> quota_for(quota_kind kind, const session& who, const std::string& client_id) const;

    static int64_t now_ms();

private:
    struct match {
        double limit;
        std::string user_tag, client_tag;  // who shares the rate
    };
    std::optional<match> resolve(quota_kind kind, const std::string& user, const std::string& client_id) const;

    const quota_store& store_;
    int samples_;
    int64_t window_ms_;
    std::map<std::tuple<quota_kind, std::string, std::string>, rate_window> rates_;
};

}  // namespace samsa::broker::security::quota
