#include "samsa/broker/handlers/fetch_sessions.h"

#include <algorithm>
#include <limits>

namespace samsa::broker {

namespace {

using protocol::error_code;

constexpr int32_t no_session = 0;
constexpr int32_t initial_epoch = 0;
constexpr int32_t final_epoch = -1;

// Kafka's FetchMetadata.nextEpoch: wraps to 1, never back to 0.
int32_t next_epoch(int32_t epoch) {
    if (epoch < 0) return epoch;
    return epoch == std::numeric_limits<int32_t>::max() ? 1 : epoch + 1;
}

// Kafka's CachedPartition.maybeUpdateResponseData: a partition is answered in
// an incremental fetch when it has records or an error, or when an offset the
// client tracks moved; the session remembers what was answered.
bool changed_since_last_answer(session_partition& cached, const protocol::fetch_partition_data& data) {
    bool changed = data.error_code != error_code::none || (data.records.data && data.records.size() > 0);
    if (cached.high_watermark != data.high_watermark()) {
        changed = true;
        cached.high_watermark = data.high_watermark();
    }
    if (cached.last_stable_offset != data.last_stable_offset()) {
        changed = true;
        cached.last_stable_offset = data.last_stable_offset();
    }
    if (cached.log_start_offset != data.log_start_offset()) {
        changed = true;
        cached.log_start_offset = data.log_start_offset();
    }
    return changed;
}

std::map<session_key, session_partition> partitions_of(const protocol::fetch_request& request) {
    std::map<session_key, session_partition> out;
    for (const auto& t : request.topics) {
        for (const auto& p : t.partitions) out[{t.topic, p.partition()}] = {t.topic_id, p};
    }
    return out;
}

// The session's partitions as a request's topics (one entry per topic).
std::vector<protocol::fetch_topic> topics_of(const fetch_session& session) {
    std::vector<protocol::fetch_topic> out;
    for (const auto& [key, part] : session.partitions) {
        if (out.empty() || out.back().topic != key.first) {
            out.emplace_back();
            out.back().topic = key.first;
            out.back().topic_id = part.topic_id;
        }
        out.back().partitions.push_back(part.request);
    }
    return out;
}

void apply_changes(fetch_session& session, const protocol::fetch_request& request) {
    for (const auto& t : request.topics) {
        for (const auto& p : t.partitions) {
            auto& cached = session.partitions[{t.topic, p.partition()}];
            cached.topic_id = t.topic_id;
            cached.request = p;
        }
    }
    for (const auto& f : request.forgotten_topics_data) {
        for (int32_t p : f.partitions) session.partitions.erase({f.topic, p});
    }
}

}  // namespace

fetch_session_cache::fetch_session_cache(size_t max_slots, uint64_t seed)
    : max_slots_(max_slots), rng_(static_cast<std::mt19937::result_type>(seed)) {}

fetch_session* fetch_session_cache::find(int32_t id) {
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : &it->second;
}

bool fetch_session_cache::remove(int32_t id) { return sessions_.erase(id) > 0; }

int32_t fetch_session_cache::new_id() {
    std::uniform_int_distribution<int32_t> ids(1, std::numeric_limits<int32_t>::max());
    for (;;) {
        int32_t id = ids(rng_);
        if (!sessions_.contains(id)) return id;
    }
}

// Kafka's FetchSessionCache.tryEvict, by its two rules.
bool fetch_session_cache::make_room(bool privileged, size_t partition_count, int64_t now_ms) {
    if (sessions_.size() < max_slots_) return true;
    if (sessions_.empty()) return false;  // no slots at all
    auto stale = sessions_.end();
    auto smallest_consumer = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        const auto& s = it->second;
        if (s.last_used_ms + eviction_ms <= now_ms &&
            (stale == sessions_.end() || s.last_used_ms < stale->second.last_used_ms)) {
            stale = it;
        }
        if (!s.privileged && (smallest_consumer == sessions_.end() ||
                              s.partitions.size() < smallest_consumer->second.partitions.size())) {
            smallest_consumer = it;
        }
    }
    if (stale != sessions_.end()) {
        sessions_.erase(stale);
        return true;
    }
    if (smallest_consumer != sessions_.end() &&
        (privileged || smallest_consumer->second.partitions.size() < partition_count)) {
        sessions_.erase(smallest_consumer);
        return true;
    }
    return false;
}

int32_t fetch_session_cache::create(bool privileged, bool uses_topic_ids,
                                    std::map<session_key, session_partition> partitions, int64_t now_ms) {
    if (!make_room(privileged, partitions.size(), now_ms)) return no_session;
    int32_t id = new_id();
    fetch_session s;
    s.id = id;
    s.epoch = next_epoch(initial_epoch);
    s.privileged = privileged;
    s.uses_topic_ids = uses_topic_ids;
    s.created_ms = now_ms;
    s.last_used_ms = now_ms;
    s.partitions = std::move(partitions);
    sessions_.emplace(id, std::move(s));
    return id;
}

fetch_session_plan plan_fetch_session(fetch_session_cache& cache, protocol::fetch_request& request,
                                      bool uses_topic_ids, bool privileged, int64_t now_ms) {
    fetch_session_plan plan;
    const bool full = request.session_epoch == initial_epoch || request.session_epoch == final_epoch;
    if (full) {
        // Any session named by a full fetch is closed.
        if (request.session_id != no_session) cache.remove(request.session_id);
        plan.create_session = request.session_epoch == initial_epoch && cache.max_slots() > 0;
        return plan;
    }
    fetch_session* session = cache.find(request.session_id);
    if (!session) {
        plan.error = error_code::fetch_session_id_not_found;
        return plan;
    }
    if (session->epoch != request.session_epoch) {
        plan.error = error_code::invalid_fetch_session_epoch;
        return plan;
    }
    if (session->uses_topic_ids != uses_topic_ids) {
        plan.error = error_code::fetch_session_topic_id_error;
        return plan;
    }
    (void)privileged;
    apply_changes(*session, request);
    session->epoch = next_epoch(session->epoch);
    session->last_used_ms = now_ms;
    request.topics = topics_of(*session);
    plan.session_id = session->id;
    return plan;
}

void finish_fetch_session(fetch_session_cache& cache, const fetch_session_plan& plan,
                          const protocol::fetch_request& request, protocol::fetch_response& response,
                          bool uses_topic_ids, bool privileged, int64_t now_ms) {
    if (plan.error != error_code::none) return;
    if (plan.create_session) {
        auto partitions = partitions_of(request);
        for (const auto& t : response.responses) {
            for (const auto& p : t.partitions) {
                auto it = partitions.find({t.topic, p.partition_index()});
                if (it != partitions.end()) changed_since_last_answer(it->second, p);
            }
        }
        response.session_id = cache.create(privileged, uses_topic_ids, std::move(partitions), now_ms);
        return;
    }
    if (plan.session_id == no_session) return;  // sessionless
    response.session_id = plan.session_id;
    fetch_session* session = cache.find(plan.session_id);
    if (!session) return;  // evicted meanwhile: everything is answered
    for (auto& t : response.responses) {
        std::erase_if(t.partitions, [&](const protocol::fetch_partition_data& p) {
            auto it = session->partitions.find({t.topic, p.partition_index()});
            return it != session->partitions.end() && !changed_since_last_answer(it->second, p);
        });
    }
    std::erase_if(response.responses, [](const auto& t) { return t.partitions.empty(); });
}

}  // namespace samsa::broker
