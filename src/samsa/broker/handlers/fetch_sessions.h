#pragma once
// Fetch sessions (KIP-227), with the rules of Kafka's FetchSession.scala:
// a client that fetches many partitions sends them all once (a full fetch at
// session epoch 0), gets a session id, and from then on sends only what
// changed (incremental fetches at epochs 1, 2, ...: partitions added or
// moved, partitions forgotten); the broker answers only the partitions whose
// data or offsets changed.
//
//   session_id  epoch   meaning
//   0           -1      sessionless full fetch (no session is created)
//   0           0       full fetch that creates a session (id 0 if no room)
//   N           -1      closes session N, then a sessionless full fetch
//   N           0       closes session N, then a full fetch with a new one
//   N           >0      incremental fetch in session N; the epoch must be
//                       the session's (else INVALID_FETCH_SESSION_EPOCH;
//                       an unknown N is FETCH_SESSION_ID_NOT_FOUND)
//
// A session that names topics by id (Fetch v13+) is used only by such
// requests, and the reverse (FETCH_SESSION_TOPIC_ID_ERROR).
//
// The cache holds at most max.incremental.fetch.session.cache.slots sessions
// (1000). When full, a new session may evict, in this order: a session
// unused for 120 s (the least recently used), else the smallest consumer
// session if the newcomer is a follower or has more partitions; otherwise
// the newcomer gets no session (id 0) and fetches sessionless.
//
// Thread: the I/O thread (no locks).

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/fetch.h"

namespace samsa::broker {

// One partition of a session: what the client last asked for it and what the
// broker last answered, to tell whether it changed.
struct session_partition {
    samsa::uuid topic_id;
    protocol::fetch_partition request;
    int64_t high_watermark = -1;
    int64_t last_stable_offset = -1;
    int64_t log_start_offset = -1;
};

using session_key = std::pair<std::string, int32_t>;  // topic name, partition

struct fetch_session {
    int32_t id = 0;
    int32_t epoch = 1;  // the epoch the next incremental fetch must carry
    bool privileged = false;  // a follower's session
    bool uses_topic_ids = false;
    int64_t created_ms = 0;
    int64_t last_used_ms = 0;
    std::map<session_key, session_partition> partitions;
};

class fetch_session_cache {
public:
    static constexpr int64_t eviction_ms = 120'000;  // Kafka's minimum eviction time

    explicit fetch_session_cache(size_t max_slots, uint64_t seed = std::random_device{}());

    fetch_session* find(int32_t id);
    bool remove(int32_t id);
    size_t size() const { return sessions_.size(); }
    size_t max_slots() const { return max_slots_; }

    // A new session holding `partitions`, or 0 when the cache has no room
    // and nothing may be evicted for it.
    int32_t create(bool privileged, bool uses_topic_ids, std::map<session_key, session_partition> partitions,
                   int64_t now_ms);

private:
    bool make_room(bool privileged, size_t partition_count, int64_t now_ms);
    int32_t new_id();

    size_t max_slots_;
    std::mt19937 rng_;
    std::unordered_map<int32_t, fetch_session> sessions_;
};

// How one Fetch request is served: decided before reading, finished after.
struct fetch_session_plan {
    protocol::error_code error = protocol::error_code::none;  // answer only this, with session id 0
    bool create_session = false;   // a full fetch at epoch 0: create it with the answer
    int32_t session_id = 0;        // an incremental fetch's session
};

// Kafka's FetchManager.newContext. For an incremental fetch, applies the
// request's partitions and forgotten topics to the session, advances its
// epoch and rewrites request.topics to every partition of the session
// (names and ids resolved, as request.topics must be already).
fetch_session_plan plan_fetch_session(fetch_session_cache& cache, protocol::fetch_request& request,
                                      bool uses_topic_ids, bool privileged, int64_t now_ms);

// After reading: creates the planned session (response.session_id), or, for
// an incremental fetch, keeps in the response only the partitions that
// changed since the session last answered them and remembers the new values.
void finish_fetch_session(fetch_session_cache& cache, const fetch_session_plan& plan,
                          const protocol::fetch_request& request, protocol::fetch_response& response,
                          bool uses_topic_ids, bool privileged, int64_t now_ms);

}  // namespace samsa::broker
