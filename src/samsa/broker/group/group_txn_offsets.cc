// group_coordinator: transactional offsets — TxnOffsetCommit and the
// transaction markers that complete them (Kafka's
// pendingTransactionalOffsetCommits). A transactional commit is written to
// __consumer_offsets in a transactional batch of the producer; it is neither
// visible to OffsetFetch nor counted until the COMMIT marker of that
// transaction reaches the group's partition, and an ABORT drops it. The
// member checks are KIP-447's: a producer committing for a consumer group
// proves it still belongs to the generation it read in, so a zombie of an
// older generation cannot commit.
#include <spdlog/spdlog.h>

#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/offsets_records.h"

namespace samsa::broker::group {

commit_result group_coordinator::txn_commit(const commit_request& req, txn_producer producer) {
    commit_result out;
    auto all = [&](error_code e) {
        out.errors.assign(req.partitions.size(), e);
        return out;
    };
    out.errors.assign(req.partitions.size(), error_code::none);
    if (loading_) return all(error_code::coordinator_load_in_progress);
    // Kafka creates the group (Empty) for a transactional commit too.
    group& g = get_or_create(req.group_id);
    if (g.in(group_state::dead)) return all(error_code::coordinator_not_available);
    if (req.group_instance_id && g.static_member(*req.group_instance_id) &&
        *g.static_member(*req.group_instance_id) != req.member_id)
        return all(error_code::fenced_instance_id);
    if (!req.member_id.empty() && !g.has(req.member_id)) {
        maybe_forget(req.group_id);
        return all(error_code::unknown_member_id);
    }
    if (req.generation() >= 0 && req.generation != g.generation()) {
        maybe_forget(req.group_id);
        return all(error_code::illegal_generation);
    }

    const timestamp_ms now = timers_.now();
    auto [records, written] = encode_commit_records(req, now, out);
    if (records.empty()) {
        maybe_forget(req.group_id);
        return out;
    }
    if (auto s = log_.append_transactional(partition_for(req.group_id), records, producer); !s) {
        spdlog::warn("group {}: writing {} transactional offset commit(s) of producer {} failed: {}", req.group_id,
                     records.size(), producer.id(), s.error().message);
        const error_code e = s.error().code == errc::too_large ? error_code::invalid_commit_offset_size
                             : s.error().code == errc::invalid_argument ? error_code::invalid_producer_epoch
                                                                        : error_code::not_coordinator;
        for (size_t i : written) out.errors[i] = e;
        maybe_forget(req.group_id);
        return out;
    }
    auto& pending = g.pending_txn_offsets()[producer.id];
    for (size_t i : written) {
        const auto& p = req.partitions[i];
        pending[{p.topic, p.partition()}] = committed_offset{p.committed, p.leader_epoch, p.metadata.value_or(""), now};
    }
    return out;
}

void group_coordinator::complete_txn_offsets(int32_t offsets_partition, producer_id producer, bool commit) {
    std::vector<std::string> touched;
    for (auto& [id, g] : groups_) {
        if (partition_for(id) != offsets_partition) continue;
        auto it = g->pending_txn_offsets().find(producer);
        if (it == g->pending_txn_offsets().end()) continue;
        if (commit) {
            for (auto& [tp, c] : it->second) g->offsets()[tp] = std::move(c);
        }
        g->pending_txn_offsets().erase(it);
        touched.push_back(id);
    }
    for (const auto& id : touched) maybe_forget(id);
}

bool group_coordinator::has_pending_txn_offset(const std::string& group_id, const std::string& topic,
                                               partition_id p) const {
    const group* g = find(group_id);
    return g && g->has_pending_txn_offset({topic, p()});
}

}  // namespace samsa::broker::group
