#include "samsa/broker/txn/txn_coordinator.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"
#include "samsa/base/crash_point.h"
#include "samsa/broker/group/offsets_records.h"
#include "samsa/broker/txn/txn_records.h"

namespace samsa::broker::txn {

namespace {

constexpr std::array<std::string_view, 8> state_names = {
    "Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "Dead", "PrepareEpochFence"};

txn_log_value to_value(const txn_metadata& m) {
    txn_log_value v;
    v.producer_id = m.producer();
    v.producer_epoch = m.epoch();
    v.transaction_timeout_ms = m.timeout_ms;
    v.transaction_status = static_cast<int8_t>(m.state);
    if (m.state != txn_state::empty) {
        // Kafka writes null partitions only while Empty.
        v.transaction_partitions.emplace();
        for (const auto& tp : m.partitions) {
            if (v.transaction_partitions->empty() || v.transaction_partitions->back().topic != tp.topic)
                v.transaction_partitions->push_back({tp.topic, {}});
            v.transaction_partitions->back().partition_ids.push_back(tp.partition());
        }
    }
    v.last_update_timestamp_ms = m.last_update();
    v.start_timestamp_ms = m.start();
    return v;
}

// Kafka's appendTransactionToLog error mapping: the client finds the
// coordinator again (storage failure) or retries.
error_code append_error(const error& e) {
    switch (e.code) {
    case errc::too_large: return error_code::unknown_server_error;
    case errc::io_error:
    case errc::closed: return error_code::not_coordinator;
    default: return error_code::coordinator_not_available;
    }
}

bool completed(txn_state s) { return s == txn_state::complete_commit || s == txn_state::complete_abort; }

}  // namespace

std::string_view state_name(txn_state s) {
    auto i = static_cast<size_t>(s);
    return i < state_names.size() ? state_names[i] : "Unknown";
}

std::optional<txn_state> state_from_name(std::string_view name) {
    for (size_t i = 0; i < state_names.size(); ++i) {
        if (state_names[i] == name) return static_cast<txn_state>(i);
    }
    return std::nullopt;
}

std::optional<txn_state> state_from_id(int8_t id) {
    if (id < 0 || static_cast<size_t>(id) >= state_names.size()) return std::nullopt;
    return static_cast<txn_state>(id);
}

txn_coordinator::txn_coordinator(txn_config config, group::group_timers& timers, txn_log& log, txn_markers& markers,
                                 id_source next_producer_id)
    : config_(config), timers_(timers), log_(log), markers_(markers), next_producer_id_(std::move(next_producer_id)) {}

txn_coordinator::~txn_coordinator() { shutdown(); }

int32_t txn_coordinator::partition_for(const std::string& transactional_id) const {
    // Kafka's partitionFor for transactional ids is the groups' one.
    return group::offsets_partition_for(transactional_id, config_.log_partitions);
}

error_code txn_coordinator::persist(const txn_metadata& next) {
    auto s = log_.append(partition_for(next.transactional_id), encode_txn_key(next.transactional_id),
                         encode_txn_value(to_value(next)));
    if (!s) {
        spdlog::warn("transactional id {}: writing its {} state failed: {}", next.transactional_id,
                     state_name(next.state), s.error().message);
        return append_error(s.error());
    }
    txns_[next.transactional_id] = next;
    return error_code::none;
}

init_result txn_coordinator::init_producer_id(const std::string& transactional_id, int32_t timeout_ms,
                                              std::optional<producer_and_epoch> expected) {
    if (loading_) return {error_code::coordinator_load_in_progress};
    if (transactional_id.empty()) return {error_code::invalid_request};
    if (timeout_ms <= 0 || timeout_ms > config_.max_timeout_ms) return {error_code::invalid_transaction_timeout};
    const timestamp_ms now = timers_.now();
    auto it = txns_.find(transactional_id);
    if (it == txns_.end()) {
        auto id = next_producer_id_();
        if (!id) {
            spdlog::error("InitProducerId for {}: {}", transactional_id, id.error().message);
            return {error_code::kafka_storage_error};
        }
        txn_metadata m;
        m.transactional_id = transactional_id;
        m.producer = *id;
        m.timeout_ms = timeout_ms;
        m.last_update = now;
        it = txns_.emplace(transactional_id, std::move(m)).first;
    }
    txn_metadata& cur = it->second;
    if (expected) {
        // Kafka's isValidProducerId: a just-created id, the current producer
        // id, or the previous one with an exhausted epoch (a retried bump).
        const bool valid = cur.epoch() == -1 || expected->producer == cur.producer ||
                           (expected->producer == cur.last_producer && epoch_exhausted(expected->epoch));
        if (!valid) return {error_code::producer_fenced};
    }
    switch (cur.state) {
    case txn_state::prepare_commit:
    case txn_state::prepare_abort:
        return {error_code::concurrent_transactions};
    case txn_state::ongoing: {
        // Fence the open transaction: abort it under a bumped epoch, then
        // let the client retry, which bumps the epoch once more (Kafka).
        if (cur.epoch() == INT16_MAX) return {error_code::unknown_server_error};
        spdlog::info("transactional id {}: InitProducerId fences producer {} epoch {} and aborts its transaction",
                     transactional_id, cur.producer(), cur.epoch());
        const error_code e = end(cur, {cur.producer, producer_epoch(static_cast<int16_t>(cur.epoch() + 1))},
                                 /*commit=*/false, /*from_client=*/false);
        return {e == error_code::none ? error_code::concurrent_transactions : e};
    }
    case txn_state::empty:
    case txn_state::complete_commit:
    case txn_state::complete_abort: {
        txn_metadata next = cur;
        if (epoch_exhausted(cur.epoch) && (!expected || expected->epoch == cur.epoch)) {
            auto id = next_producer_id_();
            if (!id) {
                spdlog::error("InitProducerId for {}: {}", transactional_id, id.error().message);
                return {error_code::kafka_storage_error};
            }
            next.last_producer = cur.producer;
            next.producer = *id;
            next.epoch = producer_epoch(0);
            next.last_epoch = expected ? cur.epoch : producer_epoch(-1);
        } else {
            const producer_epoch bumped(static_cast<int16_t>(cur.epoch() + 1));
            next.last_producer = cur.producer;
            if (!expected) {
                next.epoch = bumped;
                next.last_epoch = producer_epoch(-1);
            } else if (cur.epoch() == -1 || expected->epoch == cur.epoch) {
                next.epoch = bumped;
                next.last_epoch = cur.epoch;
            } else if (expected->epoch == cur.last_epoch) {
                // A retry of a bump whose answer was lost: the same epoch again.
            } else {
                spdlog::info("transactional id {}: expected epoch {} is neither the current {} nor the previous {}",
                             transactional_id, expected->epoch(), cur.epoch(), cur.last_epoch());
                return {error_code::producer_fenced};
            }
        }
        next.timeout_ms = timeout_ms;
        next.state = txn_state::empty;
        next.partitions.clear();
        next.start = timestamp_ms(-1);
        next.last_update = now;
        if (auto e = persist(next); e != error_code::none) return {e};
        spdlog::info("transactional id {}: producer id {} epoch {} (partition {} of {})", transactional_id,
                     next.producer(), next.epoch(), partition_for(transactional_id), transaction_state_topic);
        return {error_code::none, next.producer, next.epoch};
    }
    case txn_state::dead:
    case txn_state::prepare_epoch_fence:
        break;
    }
    SAMSA_ASSERT(false, "a transactional id in a state that is never kept (Dead, PrepareEpochFence)");
    return {error_code::unknown_server_error};
}

error_code txn_coordinator::add_partitions(const std::string& transactional_id, producer_and_epoch producer,
                                           const std::vector<topic_partition>& partitions) {
    if (loading_) return error_code::coordinator_load_in_progress;
    if (transactional_id.empty()) return error_code::invalid_request;
    auto it = txns_.find(transactional_id);
    if (it == txns_.end() || it->second.producer != producer.producer) return error_code::invalid_producer_id_mapping;
    const txn_metadata& cur = it->second;
    if (cur.epoch != producer.epoch) return error_code::producer_fenced;
    if (cur.state == txn_state::prepare_commit || cur.state == txn_state::prepare_abort)
        return error_code::concurrent_transactions;
    if (cur.state == txn_state::ongoing &&
        std::all_of(partitions.begin(), partitions.end(), [&](const auto& tp) { return cur.partitions.contains(tp); }))
        return error_code::none;
    txn_metadata next = cur;
    const timestamp_ms now = timers_.now();
    if (cur.state != txn_state::ongoing) next.start = now;
    next.state = txn_state::ongoing;
    next.partitions.insert(partitions.begin(), partitions.end());
    next.last_update = now;
    return persist(next);
}

error_code txn_coordinator::end_txn(const std::string& transactional_id, producer_and_epoch producer, bool commit) {
    if (loading_) return error_code::coordinator_load_in_progress;
    if (transactional_id.empty()) return error_code::invalid_request;
    auto it = txns_.find(transactional_id);
    if (it == txns_.end()) return error_code::invalid_producer_id_mapping;
    return end(it->second, producer, commit, /*from_client=*/true);
}

error_code txn_coordinator::end(txn_metadata& m, producer_and_epoch producer, bool commit, bool from_client) {
    if (producer.producer != m.producer) return error_code::invalid_producer_id_mapping;
    // Clients must match the epoch; the coordinator's own aborts bump it.
    if ((from_client && producer.epoch != m.epoch) || producer.epoch < m.epoch) return error_code::producer_fenced;
    switch (m.state) {
    case txn_state::ongoing: {
        txn_metadata next = m;
        if (producer.epoch != m.epoch) {
            next.epoch = producer.epoch;  // the fence's bump (Kafka's isEpochFence)
            next.last_epoch = producer_epoch(-1);
        }
        next.state = commit ? txn_state::prepare_commit : txn_state::prepare_abort;
        next.last_update = timers_.now();
        const std::string id = m.transactional_id;  // `m` is replaced by persist
        if (auto e = persist(next); e != error_code::none) return e;
        crash_point("txn.after_prepare");
        complete(id);
        crash_point("txn.after_complete");
        return error_code::none;
    }
    case txn_state::complete_commit: return commit ? error_code::none : error_code::invalid_txn_state;
    case txn_state::complete_abort: return commit ? error_code::invalid_txn_state : error_code::none;
    case txn_state::prepare_commit: return commit ? error_code::concurrent_transactions : error_code::invalid_txn_state;
    case txn_state::prepare_abort: return commit ? error_code::invalid_txn_state : error_code::concurrent_transactions;
    case txn_state::empty: return error_code::invalid_txn_state;
    case txn_state::dead:
    case txn_state::prepare_epoch_fence: break;
    }
    SAMSA_ASSERT(false, "a transactional id in a state that is never kept (Dead, PrepareEpochFence)");
    return error_code::unknown_server_error;
}

void txn_coordinator::complete(const std::string& transactional_id) {
    auto it = txns_.find(transactional_id);
    if (it == txns_.end()) return;
    txn_metadata& m = it->second;
    if (m.state != txn_state::prepare_commit && m.state != txn_state::prepare_abort) return;
    const bool commit = m.state == txn_state::prepare_commit;
    const marker mk{m.producer, m.epoch, commit ? record::control_type::commit : record::control_type::abort,
                    config_.coordinator_epoch};
    std::set<topic_partition> left;
    bool first = true;
    for (const auto& tp : m.partitions) {
        auto s = markers_.write(tp, mk);
        if (first) crash_point("txn.after_first_marker");
        first = false;
        if (s) continue;
        if (s.error().code == errc::not_found) {
            spdlog::info("transactional id {}: {}-{} no longer exists; its marker is skipped", transactional_id,
                         tp.topic, tp.partition());
            continue;
        }
        spdlog::warn("transactional id {}: writing the {} marker into {}-{} failed: {}; retrying", transactional_id,
                     commit ? "COMMIT" : "ABORT", tp.topic, tp.partition(), s.error().message);
        left.insert(tp);
    }
    // Kafka drops a partition from the prepared transaction once its marker is in.
    m.partitions = std::move(left);
    if (!m.partitions.empty()) {
        schedule_marker_retry();
        return;
    }
    crash_point("txn.before_complete");
    txn_metadata next = m;
    next.state = commit ? txn_state::complete_commit : txn_state::complete_abort;
    next.last_update = timers_.now();
    if (persist(next) != error_code::none) schedule_marker_retry();
}

void txn_coordinator::schedule_marker_retry() {
    if (retry_timer_ != group::no_timer || stopped_) return;
    retry_timer_ = timers_.schedule(config_.marker_retry, [this] {
        retry_timer_ = group::no_timer;
        std::vector<std::string> prepared;
        for (const auto& [id, m] : txns_) {
            if (m.state == txn_state::prepare_commit || m.state == txn_state::prepare_abort) prepared.push_back(id);
        }
        for (const auto& id : prepared) complete(id);
    });
}

error_code txn_coordinator::verify(const std::string& transactional_id, producer_and_epoch producer,
                                   const topic_partition& tp) const {
    if (loading_) return error_code::coordinator_load_in_progress;
    auto it = txns_.find(transactional_id);
    if (it == txns_.end() || it->second.producer != producer.producer) return error_code::invalid_producer_id_mapping;
    const txn_metadata& m = it->second;
    if (m.epoch != producer.epoch) return error_code::producer_fenced;
    if (m.state == txn_state::prepare_commit || m.state == txn_state::prepare_abort)
        return error_code::concurrent_transactions;
    if (m.state != txn_state::ongoing || !m.partitions.contains(tp)) return error_code::invalid_txn_state;
    return error_code::none;
}

const txn_metadata* txn_coordinator::describe(const std::string& transactional_id) const {
    auto it = txns_.find(transactional_id);
    return it == txns_.end() ? nullptr : &it->second;
}

list_result txn_coordinator::list(const std::vector<std::string>& states, const std::vector<int64_t>& producer_ids,
                                  int64_t duration_ms) const {
    list_result out;
    if (loading_) {
        out.error = error_code::coordinator_load_in_progress;
        return out;
    }
    std::set<txn_state> wanted;
    for (const auto& name : states) {
        if (auto s = state_from_name(name)) {
            wanted.insert(*s);
        } else {
            out.unknown_state_filters.push_back(name);
        }
    }
    const timestamp_ms now = timers_.now();
    for (const auto& [id, m] : txns_) {
        if (!producer_ids.empty() &&
            std::find(producer_ids.begin(), producer_ids.end(), m.producer()) == producer_ids.end())
            continue;
        if (!states.empty() && !wanted.contains(m.state)) continue;
        if (duration_ms >= 0 && now() - m.start() <= duration_ms) continue;
        out.transactions.push_back({id, m.producer, m.state});
    }
    return out;
}

void txn_coordinator::abort_timed_out() {
    const timestamp_ms now = timers_.now();
    std::vector<std::string> expired;
    for (const auto& [id, m] : txns_) {
        if (m.state == txn_state::ongoing && m.start() + m.timeout_ms < now()) expired.push_back(id);
    }
    for (const auto& id : expired) {
        txn_metadata& m = txns_.at(id);
        if (m.epoch() == INT16_MAX) continue;  // cannot happen: exhausted epochs get a new producer id
        spdlog::info("transactional id {}: aborting the transaction of producer {} epoch {}, open for {} ms "
                     "(transaction.timeout.ms {})",
                     id, m.producer(), m.epoch(), now() - m.start(), m.timeout_ms);
        const error_code e = end(m, {m.producer, producer_epoch(static_cast<int16_t>(m.epoch() + 1))},
                                 /*commit=*/false, /*from_client=*/false);
        if (e != error_code::none)
            spdlog::warn("transactional id {}: aborting the timed-out transaction failed: {}", id, protocol::name(e));
    }
}

void txn_coordinator::expire_ids() {
    const timestamp_ms now = timers_.now();
    std::vector<std::string> expired;
    for (const auto& [id, m] : txns_) {
        const bool idle = m.state == txn_state::empty || completed(m.state);
        if (idle && m.last_update() <= now() - config_.id_expiration_ms) expired.push_back(id);
    }
    for (const auto& id : expired) {
        auto s = log_.append(partition_for(id), encode_txn_key(id), std::nullopt);
        if (!s) {
            spdlog::warn("transactional id {}: writing its expiration failed: {}", id, s.error().message);
            continue;
        }
        spdlog::info("transactional id {} expired (transactional.id.expiration.ms {})", id, config_.id_expiration_ms);
        txns_.erase(id);
    }
}

status txn_coordinator::load_record(bytes_view key, std::optional<bytes_view> value) {
    auto id = decode_txn_key(key);
    if (!id) return id.error();
    if (!value) {
        txns_.erase(*id);
        return ok();
    }
    auto v = decode_txn_value(*value);
    if (!v) return v.error();
    auto state = state_from_id(v->transaction_status);
    if (!state || *state == txn_state::dead || *state == txn_state::prepare_epoch_fence)
        return make_error(errc::corrupt, fmt::format("transactional id {}: state {} is never written", *id,
                                                     v->transaction_status));
    txn_metadata m;
    m.transactional_id = *id;
    m.producer = producer_id(v->producer_id);
    m.epoch = producer_epoch(v->producer_epoch);
    m.timeout_ms = v->transaction_timeout_ms;
    m.state = *state;
    m.start = timestamp_ms(v->start_timestamp_ms);
    m.last_update = timestamp_ms(v->last_update_timestamp_ms);
    if (m.state != txn_state::empty && v->transaction_partitions) {
        for (const auto& t : *v->transaction_partitions) {
            for (int32_t p : t.partition_ids) m.partitions.insert({t.topic, partition_id(p)});
        }
    }
    txns_[*id] = std::move(m);
    return ok();
}

void txn_coordinator::finish_loading() {
    loading_ = false;
    std::vector<std::string> prepared;
    size_t ongoing = 0;
    for (const auto& [id, m] : txns_) {
        if (m.state == txn_state::prepare_commit || m.state == txn_state::prepare_abort) prepared.push_back(id);
        if (m.state == txn_state::ongoing) ++ongoing;
    }
    spdlog::info("transaction coordinator loaded: {} transactional id(s), {} ongoing, {} to complete", txns_.size(),
                 ongoing, prepared.size());
    for (const auto& id : prepared) {
        spdlog::info("transactional id {}: completing its {} transaction after a restart", id,
                     state_name(txns_.at(id).state));
        complete(id);
    }
    schedule_abort_timer();
    schedule_expiration_timer();
}

void txn_coordinator::schedule_abort_timer() {
    if (stopped_) return;
    abort_timer_ = timers_.schedule(config_.abort_interval, [this] {
        abort_timer_ = group::no_timer;
        abort_timed_out();
        schedule_abort_timer();
    });
}

void txn_coordinator::schedule_expiration_timer() {
    if (stopped_) return;
    expiration_timer_ = timers_.schedule(config_.expiration_interval, [this] {
        expiration_timer_ = group::no_timer;
        expire_ids();
        schedule_expiration_timer();
    });
}

void txn_coordinator::shutdown() {
    stopped_ = true;
    timers_.cancel(abort_timer_);
    timers_.cancel(expiration_timer_);
    timers_.cancel(retry_timer_);
    abort_timer_ = expiration_timer_ = retry_timer_ = group::no_timer;
}

}  // namespace samsa::broker::txn
