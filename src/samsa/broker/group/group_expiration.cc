// group_coordinator: committed offsets expire (KIP-211), by Kafka 3.8's
// rules (GroupMetadata.removeExpiredOffsets,
// GroupMetadataManager.cleanupGroupMetadata):
//
//   group                                 an offset expires when
//   Empty, with a protocol type           now - (time it became Empty) >= retention
//                                         (its commit time when that is unknown)
//   Stable "consumer" group whose         now - commit time >= retention, for topics
//     subscriptions can be read           no member subscribes to
//   no protocol type (standalone          now - commit time >= retention
//     consumers committing only)
//   anything else (rebalancing, ...)      never
//
// Expired offsets get tombstones in __consumer_offsets, so a restart does
// not bring them back; an Empty group left with no offsets is Dead and
// forgotten, with a group tombstone when it ever had a generation (a
// generation-0 group only stored offsets). The tombstones are written
// before memory changes: a failed write leaves everything for the next run.
#include <spdlog/spdlog.h>

#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/offsets_records.h"

namespace samsa::broker::group {

std::vector<topic_partition> group_coordinator::expired_offsets(const group& g, timestamp_ms now) const {
    bool since_empty = false;
    std::set<std::string> subscribed;  // their offsets are kept
    if (g.protocol_type() && g.in(group_state::empty)) {
        since_empty = true;
    } else if (g.protocol_type() == std::optional<std::string>("consumer") && g.in(group_state::stable)) {
        auto topics = g.subscribed_topic_names();
        if (!topics) return {};
        subscribed = std::move(*topics);
    } else if (g.protocol_type()) {
        return {};
    }
    std::vector<topic_partition> out;
    for (const auto& [tp, c] : g.offsets()) {
        if (subscribed.contains(tp.first)) continue;
        timestamp_ms base = since_empty && g.state_timestamp()() >= 0 ? g.state_timestamp() : c.commit_timestamp;
        if (now() - base() >= config_.offsets_retention.count()) out.push_back(tp);
    }
    return out;
}

size_t group_coordinator::expire_group_offsets(const std::string& group_id, timestamp_ms now) {
    auto it = groups_.find(group_id);
    if (it == groups_.end()) return 0;
    group& g = *it->second;
    auto expired = expired_offsets(g, now);
    bool dies = g.in(group_state::empty) && g.empty() && g.offsets().size() == expired.size() &&
                g.pending_txn_offsets().empty() && g.pending_members().empty();
    std::vector<offsets_record> records;
    for (const auto& tp : expired)
        records.push_back({encode_key(offset_commit_key{group_id, tp.first, tp.second}), std::nullopt});
    if (dies && g.generation()() > 0) records.push_back({encode_key(group_metadata_key{group_id}), std::nullopt});
    if (records.empty() && !dies) return 0;
    if (auto s = log_.append(partition_for(group_id), records); !s) {
        spdlog::warn("group {}: writing {} tombstone(s) for expired offsets failed: {}", group_id, records.size(),
                     s.error().message);
        return 0;
    }
    for (const auto& tp : expired) g.offsets().erase(tp);
    if (dies) {
        spdlog::info("group {} is Dead: empty and its offsets expired", group_id);
        drop_group(it);
    }
    return expired.size();
}

size_t group_coordinator::expire_offsets() {
    if (loading_) return 0;
    timestamp_ms now = timers_.now();
    std::vector<std::string> ids;
    for (const auto& [id, g] : groups_) ids.push_back(id);
    size_t removed = 0;
    for (const auto& id : ids) removed += expire_group_offsets(id, now);
    if (removed > 0) spdlog::info("removed {} expired offset(s)", removed);
    return removed;
}

// Kafka's "delete-expired-group-metadata" task: first run right away, then
// every check interval.
void group_coordinator::schedule_offset_expiration() {
    timers_.cancel(expiration_timer_);
    auto delay = expiration_timer_ == no_timer ? std::chrono::milliseconds(0) : config_.offsets_retention_check_interval;
    expiration_timer_ = timers_.schedule(delay, [this] {
        expire_offsets();
        schedule_offset_expiration();
    });
}

}  // namespace samsa::broker::group
