// Fetch: read stored batches from each partition as they are (no
// re-encoding), within the partition and response byte limits, and answer
// with the high watermark, last stable offset and log start offset. If fewer
// than min_bytes are available the request is parked (purgatory/
// fetch_purgatory.h) until appends (and transaction markers) bring enough, or
// max_wait_ms passes; a parked fetch re-reads only when a partition it
// watches moved past the offset it waits at and the bytes appended since it
// parked could reach min_bytes.
//
// read_committed (isolation level 1): batches stop at the last stable offset
// (the first offset of the oldest open transaction), and the answer lists the
// aborted transactions that overlap the batches returned (from the segments'
// .txnindex), so the consumer drops their records; it skips control batches
// itself. The LSO needs the partition's producer state, loaded on first use.
//
// v13+ name topics by id: the ids are resolved to names first, and a topic
// whose id the broker does not know is answered UNKNOWN_TOPIC_ID on each of
// its partitions (the response echoes the id), as Kafka does.
//
// Zero-copy: a partition's batches that fill at least min_file_range_bytes
// are not read; the response names the range of the segment file they are
// in (storage::partition_log::read_file_range, whole batches below the high
// watermark or the LSO) and holds the file open until the connection has
// sent it: sendfile on plaintext listeners, a read then encryption on TLS
// ones (net/connection.h). Smaller sets, a first batch over the limits and
// read_committed reads under an open transaction are read as before.
//
// Fetch sessions (KIP-227, v7+): the rules are in fetch_sessions.h. An
// incremental fetch reads every partition of its session and answers those
// that changed; the decision is taken when the answer is sent, so a parked
// fetch answers what changed by then.

#include <set>

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/handlers/fetch_sessions.h"
#include "samsa/broker/purgatory/fetch_purgatory.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/handlers/quota_handlers.h"
#include "samsa/broker/metrics/broker_metrics.h"
#include "samsa/broker/producer/producer_state_manager.h"
#include "samsa/broker/topics/topic_properties.h"
#include "samsa/protocol/messages/fetch.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

// Record sets from this size on stay in their segment files and go to the
// socket with sendfile; smaller ones are read and copied into the frame (one
// syscall either way, and a small copy costs less than an iovec of its own).
constexpr size_t min_file_range_bytes = request_context::min_spliced_records_bytes;

struct fetch_outcome {
    protocol::fetch_response response;
    std::vector<bytes> buffers;  // the records the response points at
    // Records left in their segment files (raw_records::external, the id is
    // the index here): the connection sends them with sendfile.
    std::vector<storage::file_read_result> ranges;
    size_t total_bytes = 0;
    bool has_error = false;
};

// The producer state knows the open transactions; loading it tells the log
// its last stable offset. A failure is logged; read_committed readers then
// get KAFKA_STORAGE_ERROR for the partition, as Produce does.
void load_stable_offset(broker& b, const std::string& topic, partition_id partition, storage::partition_log& log) {
    const topic_metadata* meta = b.topics().find(topic);
    if (!meta) return;
    if (auto state = b.producers().state_for(topic, partition, meta->id, log); !state)
        spdlog::error("{}", state.error().message);
}

// Topics the sender may not Read (Kafka: TOPIC_AUTHORIZATION_FAILED per
// partition, with nothing about the partition: no offsets).
using denied_topics = std::set<std::string, std::less<>>;

// v13+: fills each topic's name from its id; an unknown id leaves the name
// empty (no topic has an empty name), which read_partitions answers with
// UNKNOWN_TOPIC_ID.
void resolve_topic_ids(broker& b, protocol::fetch_request& request) {
    for (auto& t : request.topics) {
        const topic_metadata* meta = b.topics().table().find(t.topic_id);
        t.topic = meta ? meta->name : std::string();
    }
    for (auto& t : request.forgotten_topics_data) {
        const topic_metadata* meta = b.topics().table().find(t.topic_id);
        t.topic = meta ? meta->name : std::string();
    }
}

denied_topics topics_denied_for_read(const request_context& ctx, const protocol::fetch_request& request) {
    denied_topics out;
    for (const auto& t : request.topics) {
        if (t.topic.empty()) continue;  // an unknown topic id: answered as such
        if (!authorized_on_topic(ctx, acl_op::read, t.topic)) out.insert(t.topic);
    }
    return out;
}

bool from_follower(const protocol::fetch_request& request) {
    return request.replica_id >= 0 || request.replica_state.replica_id >= 0;
}

// Kafka's KafkaApis: zstd came with Fetch v10 (KIP-110), so a consumer
// fetching below v10 from a topic whose compression.type is zstd gets
// UNSUPPORTED_COMPRESSION_TYPE for its partitions instead of batches it
// could not read. Kafka looks at the topic's setting, not at the batches.
bool zstd_topic_for_old_fetcher(broker& b, const protocol::fetch_request& request, int16_t version,
                                const std::string& topic) {
    if (version >= 10 || from_follower(request)) return false;
    const topic_metadata* meta = b.topics().find(topic);
    if (!meta) return false;
    return meta->properties.compression.codec == record::compression_codec::zstd;
}

// One partition's records into `pd` (and `out`): a file range when the set
// is large enough to be worth a sendfile, else the bytes read; for
// read_committed the aborted transactions overlapping what is returned.
status read_records(storage::partition_log& log, offset from, size_t limit, bool min_one, offset end, bool committed,
                    protocol::fetch_partition_data& pd, fetch_outcome& out) {
    auto range = log.read_file_range(from, limit, min_file_range_bytes, end);
    if (!range) return range.error();
    std::optional<storage::read_result> read;
    if (!*range) {
        auto r = log.read(from, limit, min_one, end);
        if (!r) return r.error();
        if (r->records.empty()) return ok();
        read = std::move(*r);
    }
    const offset next = *range ? (*range)->next_offset : read->next_offset;
    if (committed) {
        auto aborted = log.collect_aborted_txns(from, next);
        if (!aborted) return aborted.error();
        for (const auto& t : *aborted) pd.aborted_transactions->push_back({t.producer, t.first_offset});
    }
    if (*range) {
        out.total_bytes += (*range)->size;
        pd.records = protocol::raw_records::external((*range)->size, out.ranges.size());
        out.ranges.push_back(std::move(**range));
    } else {
        out.total_bytes += read->records.size();
        out.buffers.push_back(std::move(read->records));
        pd.records = protocol::raw_records(out.buffers.back());
    }
    return ok();
}

// version: the request's; from v13 it named its topics by id.
fetch_outcome read_partitions(broker& b, const protocol::fetch_request& request, const denied_topics& denied,
                              int16_t version) {
    const bool by_id = version >= 13;
    fetch_outcome out;
    size_t response_budget = request.max_bytes > 0 ? static_cast<size_t>(request.max_bytes) : 0;
    out.response.responses.reserve(request.topics.size());
    for (const auto& topic : request.topics) {
        protocol::fetchable_topic_response tr;
        tr.topic = topic.topic;
        tr.topic_id = topic.topic_id;
        for (const auto& part : topic.partitions) {
            protocol::fetch_partition_data pd;
            pd.partition_index = part.partition;
            // Empty, never null, even with an error: Kafka answers error
            // partitions with empty records and librdkafka refuses null ones.
            pd.records = protocol::raw_records(bytes_view{});
            if (request.isolation_level == 1) pd.aborted_transactions.emplace();
            if (topic.topic.empty() && by_id) {
                pd.error_code = error_code::unknown_topic_id;
                pd.high_watermark = offset(-1);
                out.has_error = true;
                tr.partitions.push_back(std::move(pd));
                continue;
            }
            if (denied.contains(topic.topic)) {
                // Not an error that ends the wait: Kafka answers it beside
                // the partitions it may read, when they have data.
                pd.error_code = error_code::topic_authorization_failed;
                pd.high_watermark = offset(-1);
                tr.partitions.push_back(std::move(pd));
                continue;
            }
            storage::partition_log* log = b.topics().log(topic.topic, part.partition);
            if (!log) {
                pd.error_code = error_code::unknown_topic_or_partition;
                pd.high_watermark = offset(-1);
                out.has_error = true;
                tr.partitions.push_back(std::move(pd));
                continue;
            }
            if (zstd_topic_for_old_fetcher(b, request, version, topic.topic)) {
                pd.error_code = error_code::unsupported_compression_type;
                pd.high_watermark = offset(-1);
                out.has_error = true;
                tr.partitions.push_back(std::move(pd));
                continue;
            }
            const bool committed = request.isolation_level == 1;
            // read_uncommitted readers do not need it: an unknown LSO is reported as the HW.
            if (committed && !log->stable_offset_known()) load_stable_offset(b, topic.topic, part.partition, *log);
            if (committed && !log->stable_offset_known()) {
                pd.error_code = error_code::kafka_storage_error;  // the open transactions are unknown
                pd.high_watermark = offset(-1);
                out.has_error = true;
                tr.partitions.push_back(std::move(pd));
                continue;
            }
            pd.high_watermark = log->high_watermark();
            pd.last_stable_offset = log->last_stable_offset();
            pd.log_start_offset = log->log_start_offset();
            const offset end = committed ? pd.last_stable_offset : log->high_watermark();
            if (part.fetch_offset < log->log_start_offset() || part.fetch_offset > log->high_watermark()) {
                pd.error_code = error_code::offset_out_of_range;
                out.has_error = true;
                tr.partitions.push_back(std::move(pd));
                continue;
            }
            size_t limit = std::min(static_cast<size_t>(std::max(part.partition_max_bytes, 0)),
                                    response_budget - std::min(response_budget, out.total_bytes));
            bool min_one = out.total_bytes == 0;  // KIP-74: progress even past the limits
            if (part.fetch_offset < end && (limit > 0 || min_one) && part.partition_max_bytes > 0) {
                if (auto st = read_records(*log, part.fetch_offset, limit, min_one, end, committed, pd, out); !st) {
                    pd.error_code = to_error_code(st.error(), operation::fetch);
                    out.has_error = true;
                    spdlog::warn("fetch {}-{} at {}: {}", topic.topic, part.partition(), part.fetch_offset(),
                                 st.error().message);
                }
            }
            tr.partitions.push_back(std::move(pd));
        }
        out.response.responses.push_back(std::move(tr));
    }
    return out;
}

// BytesOutPerSec: the stored batches an answer carries, per topic.
void count_bytes_out(broker& b, const protocol::fetch_response& response) {
    for (const auto& t : response.responses) {
        size_t n = 0;
        for (const auto& p : t.partitions) n += p.records.size();
        if (n > 0) b.metrics().fetched(t.topic, n);
    }
}

// consumer_byte_rate: the answer's bytes count; over the quota the answer is
// empty but for the throttle time (and does not count), as Kafka's
// getThrottledResponse, and the connection is muted for that time.
int64_t steady_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A follower's fetch (its sessions are privileged in the cache).
void answer(request_context& ctx, fetch_outcome outcome) {
    const auto bytes = static_cast<double>(outcome.total_bytes);
    int32_t throttle = record_quota(ctx, security::quota::quota_kind::fetch, bytes);
    if (throttle > 0) {
        ctx.b->quotas().unrecord(security::quota::quota_kind::fetch, ctx.session, ctx.header.client_id.value_or(""),
                                 bytes, security::quota::quota_manager::now_ms());
        protocol::fetch_response throttled;
        throttled.throttle_time_ms = throttle;
        throttled.session_id = outcome.response.session_id;
        ctx.respond(throttled);
        return;
    }
    count_bytes_out(*ctx.b, outcome.response);
    ctx.respond_with_records(outcome.response, std::move(outcome.buffers), [&](uint64_t id) {
        storage::file_read_result& r = outcome.ranges.at(id);
        const int fd = r.log->fd();
        return std::optional(frame_part::file_range(std::move(r.log), fd, r.position, r.size));
    });
}

// The session's part of the answer (fetch_sessions.h), then the answer.
void finish_and_answer(request_context& ctx, const fetch_session_plan& plan, const protocol::fetch_request& request,
                       fetch_outcome outcome) {
    finish_fetch_session(ctx.b->fetch_sessions(), plan, request, outcome.response, ctx.version() >= 13,
                         from_follower(request), steady_now_ms());
    answer(ctx, std::move(outcome));
}

class parked_fetch final : public parked_request {
public:
    // `found`: the bytes the first read found (fewer than min_bytes).
    parked_fetch(request_context ctx, protocol::fetch_request request, denied_topics denied, fetch_session_plan plan,
                 size_t found)
        : ctx_(std::move(ctx)), request_(std::move(request)), denied_(std::move(denied)), plan_(plan), found_(found) {
        for (const auto& t : request_.topics) {
            if (t.topic.empty() || denied_.contains(t.topic)) continue;
            for (const auto& p : t.partitions) {
                waiting_point w{t.topic, p.partition, p.fetch_offset, offset(-1), 0};
                if (const storage::partition_log* log = ctx_.b->topics().log(t.topic, p.partition)) {
                    const auto& active = *log->segments().back();
                    w.segment = active.base_offset();
                    w.size = active.size_bytes();
                }
                waiting_.push_back(std::move(w));
            }
        }
    }

    bool try_answer(bool deadline) override {
        if (!ctx_.slot.connection_alive()) {
            ctx_.slot.skip();
            return true;
        }
        auto outcome = read_partitions(*ctx_.b, request_, denied_, ctx_.version());
        if (!deadline && !outcome.has_error &&
            outcome.total_bytes < static_cast<size_t>(std::max(request_.min_bytes, 0))) {
            return false;
        }
        finish_and_answer(ctx_, plan_, request_, std::move(outcome));
        return true;
    }

    std::vector<watched_partition> watched() const override {
        std::vector<watched_partition> out;
        out.reserve(waiting_.size());
        for (const auto& w : waiting_) out.push_back({w.topic, w.partition});
        return out;
    }

    // Kafka's DelayedFetch.tryComplete, from positions: the partition's end
    // (LSO for read_committed) must have passed the offset the fetch waits
    // at, and the bytes appended to the watched partitions since it parked,
    // with what it found then, must reach min_bytes. Over-counting (bytes
    // above the LSO, past partition_max_bytes) only costs a read.
    bool worth_trying(std::string_view topic, partition_id partition) override {
        const storage::partition_log* log = ctx_.b->topics().log(topic, partition);
        if (!log) return true;  // deleted: answered with the error
        const waiting_point* notified = nullptr;
        for (const auto& w : waiting_) {
            if (w.partition == partition && w.topic == topic) notified = &w;
        }
        if (!notified) return true;
        const bool committed = request_.isolation_level == 1;
        const offset end = committed ? log->last_stable_offset() : log->high_watermark();
        if (end <= notified->fetch_offset && log->log_start_offset() <= notified->fetch_offset) return false;
        size_t available = found_;
        for (const auto& w : waiting_) {
            const storage::partition_log* l = ctx_.b->topics().log(w.topic, w.partition);
            if (!l) return true;
            const auto& active = *l->segments().back();
            // A roll (or a new log) since parking: the count is unknown.
            if (active.base_offset() != w.segment) return true;
            available += static_cast<size_t>(active.size_bytes() - std::min(active.size_bytes(), w.size));
        }
        return available >= static_cast<size_t>(std::max(request_.min_bytes, 0));
    }

private:
    // Where a watched partition stood when the fetch parked: the offset it
    // waits at, and the end of the log (active segment and its size).
    struct waiting_point {
        std::string topic;
        partition_id partition;
        offset fetch_offset;
        offset segment;
        uint64_t size;
    };

    request_context ctx_;
    protocol::fetch_request request_;
    denied_topics denied_;
    fetch_session_plan plan_;
    size_t found_;
    std::vector<waiting_point> waiting_;
};

}  // namespace

void handle_fetch(request_context ctx) {
    auto request = ctx.decode<protocol::fetch_request>();
    if (!request) return;
    broker& b = *ctx.b;
    const bool by_id = ctx.version() >= 13;
    if (by_id) resolve_topic_ids(b, *request);
    fetch_session_plan plan;
    if (ctx.version() >= 7) {
        plan = plan_fetch_session(b.fetch_sessions(), *request, by_id, from_follower(*request), steady_now_ms());
        if (plan.error != error_code::none) {
            protocol::fetch_response response;
            response.error_code = plan.error;
            ctx.respond(response);
            return;
        }
    }
    auto denied = topics_denied_for_read(ctx, *request);
    auto outcome = read_partitions(b, *request, denied, ctx.version());
    bool enough = outcome.total_bytes >= static_cast<size_t>(std::max(request->min_bytes, 0));
    bool nothing_readable = denied.size() == request->topics.size();
    if (enough || outcome.has_error || nothing_readable || request->max_wait_ms <= 0 || request->topics.empty() ||
        b.stopping()) {
        finish_and_answer(ctx, plan, *request, std::move(outcome));
        return;
    }
    auto wait = std::chrono::milliseconds(request->max_wait_ms);
    const size_t found = outcome.total_bytes;
    outcome = {};  // release what the first read holds (files) while parked
    b.waiters().park(
        std::make_unique<parked_fetch>(std::move(ctx), std::move(*request), std::move(denied), plan, found), wait);
}

}  // namespace samsa::broker
