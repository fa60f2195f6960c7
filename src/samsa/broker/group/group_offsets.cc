// group_coordinator: committed offsets — OffsetCommit, OffsetFetch,
// OffsetDelete. Kafka's rules: members commit with their generation; a
// standalone consumer (no group management) commits with generation -1 to a
// group that has no members; every commit is written to __consumer_offsets
// before it is acknowledged or visible.
#include <set>

#include <spdlog/spdlog.h>

#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/offsets_records.h"

namespace samsa::broker::group {

namespace {

// How a failed append reaches the client (Kafka's commit error mapping).
error_code append_error(const error& e) {
    switch (e.code) {
    case errc::too_large: return error_code::invalid_commit_offset_size;
    default: return error_code::not_coordinator;  // a storage failure: find the coordinator again
    }
}

}  // namespace

group_coordinator::commit_records group_coordinator::encode_commit_records(const commit_request& req,
                                                                           timestamp_ms now,
                                                                           commit_result& out) const {
    commit_records c;
    for (size_t i = 0; i < req.partitions.size(); ++i) {
        const auto& p = req.partitions[i];
        if (p.metadata && p.metadata->size() > static_cast<size_t>(config_.max_metadata_bytes)) {
            out.errors[i] = error_code::offset_metadata_too_large;
            continue;
        }
        offset_commit_value v;
        v.offset = p.committed();
        v.leader_epoch = p.leader_epoch;
        v.metadata = p.metadata.value_or("");
        v.commit_timestamp = now();
        c.records.push_back({encode_key(offset_commit_key{req.group_id, p.topic, p.partition()}), encode_value(v)});
        c.written.push_back(i);
    }
    return c;
}

commit_result group_coordinator::commit(const commit_request& req) {
    commit_result out;
    out.errors.assign(req.partitions.size(), error_code::none);
    auto all = [&](error_code e) {
        out.errors.assign(req.partitions.size(), e);
        return out;
    };
    if (loading_) return all(error_code::coordinator_load_in_progress);

    group* g = find_mutable(req.group_id);
    if (!g) {
        // A standalone consumer's commit creates the group, Empty, with
        // offsets only; anything else is an old generation.
        if (req.generation() >= 0) return all(error_code::illegal_generation);
        g = &get_or_create(req.group_id);
    } else if (g->in(group_state::dead)) {
        return all(error_code::coordinator_not_available);
    } else if (req.group_instance_id && g->static_member(*req.group_instance_id) &&
               *g->static_member(*req.group_instance_id) != req.member_id) {
        return all(error_code::fenced_instance_id);
    } else if (req.generation() < 0 && g->in(group_state::empty)) {
        // simple commit
    } else if (g->in(group_state::completing_rebalance)) {
        return all(error_code::rebalance_in_progress);
    } else if (!g->has(req.member_id)) {
        return all(error_code::unknown_member_id);
    } else if (req.generation != g->generation()) {
        return all(error_code::illegal_generation);
    } else {
        group_member* m = g->find(req.member_id);
        if (!m->is_awaiting_join() && !m->is_awaiting_sync()) schedule_heartbeat(*g, *m);
    }

    timestamp_ms now = timers_.now();
    auto [records, written] = encode_commit_records(req, now, out);
    if (records.empty()) {
        maybe_forget(req.group_id);
        return out;
    }
    if (auto s = log_.append(partition_for(req.group_id), records); !s) {
        spdlog::warn("group {}: writing {} offset commit(s) failed: {}", req.group_id, records.size(),
                     s.error().message);
        for (size_t i : written) out.errors[i] = append_error(s.error());
        maybe_forget(req.group_id);
        return out;
    }
    for (size_t i : written) {
        const auto& p = req.partitions[i];
        g->offsets()[{p.topic, p.partition()}] = committed_offset{p.committed, p.leader_epoch, p.metadata.value_or(""), now};
        g->supersede_pending({p.topic, p.partition()});
    }
    return out;
}

fetch_result group_coordinator::fetch(const std::string& group_id, const std::optional<std::vector<fetch_topic>>& topics) {
    fetch_result out;
    if (loading_) {
        out.error = error_code::coordinator_load_in_progress;
        return out;
    }
    const group* g = find(group_id);
    auto lookup = [&](const std::string& topic, partition_id p) {
        fetched_offset f;
        f.topic = topic;
        f.partition = p;
        if (g) {
            auto it = g->offsets().find({topic, p()});
            if (it != g->offsets().end()) {
                f.committed = it->second.committed;
                f.leader_epoch = it->second.leader_epoch;
                f.metadata = it->second.metadata;
            }
        }
        return f;
    };
    if (topics) {
        for (const auto& t : *topics)
            for (auto p : t.partitions) out.partitions.push_back(lookup(t.topic, p));
    } else if (g) {
        for (const auto& [tp, c] : g->offsets()) out.partitions.push_back(lookup(tp.first, partition_id(tp.second)));
    }
    return out;
}

offset_delete_result group_coordinator::delete_offsets(const std::string& group_id,
                                                       const std::vector<commit_partition>& partitions) {
    offset_delete_result out;
    if (loading_) {
        out.error = error_code::coordinator_load_in_progress;
        return out;
    }
    group* g = find_mutable(group_id);
    if (!g || g->in(group_state::dead)) {
        out.error = error_code::group_id_not_found;
        return out;
    }
    // Topics the live members still read (consumer groups only).
    std::set<std::string> subscribed;
    bool all_subscribed = false;
    if (!g->in(group_state::empty)) {
        if (g->protocol_type() != std::optional<std::string>("consumer")) {
            out.error = error_code::non_empty_group;
            return out;
        }
        auto topics = g->subscribed_topic_names();
        all_subscribed = !topics;  // cannot tell: keep every offset
        if (topics) subscribed = std::move(*topics);
    }
    std::vector<offsets_record> records;
    std::vector<size_t> deleted;
    for (size_t i = 0; i < partitions.size(); ++i) {
        const auto& p = partitions[i];
        out.partitions.emplace_back(p, error_code::none);
        if (all_subscribed || subscribed.contains(p.topic)) {
            out.partitions.back().second = error_code::group_subscribed_to_topic;
            continue;
        }
        if (g->offsets().contains({p.topic, p.partition()})) {
            records.push_back({encode_key(offset_commit_key{group_id, p.topic, p.partition()}), std::nullopt});
            deleted.push_back(i);
        }
    }
    if (!records.empty()) {
        if (auto s = log_.append(partition_for(group_id), records); !s) {
            spdlog::warn("group {}: writing {} offset tombstone(s) failed: {}", group_id, records.size(),
                         s.error().message);
            for (size_t i : deleted) out.partitions[i].second = append_error(s.error());
            return out;
        }
        for (size_t i : deleted) {
            g->offsets().erase({partitions[i].topic, partitions[i].partition()});
            g->supersede_pending({partitions[i].topic, partitions[i].partition()});
        }
    }
    return out;
}

}  // namespace samsa::broker::group
