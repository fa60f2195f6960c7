// group_coordinator: the admin side — ListGroups, DescribeGroups,
// DeleteGroups — with Kafka's answers (an unknown group is described as
// "Dead" with no error; only an Empty group can be deleted).
#include <spdlog/spdlog.h>

#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/offsets_records.h"

namespace samsa::broker::group {

std::pair<error_code, std::vector<listed_group>> group_coordinator::list(const std::vector<std::string>& states) const {
    if (loading_) return {error_code::coordinator_load_in_progress, {}};
    std::vector<group_state> wanted;
    for (const auto& s : states) {
        group_state st;
        if (parse_group_state(s, st)) wanted.push_back(st);
    }
    std::vector<listed_group> out;
    for (const auto& [id, g] : groups_) {
        if (!states.empty() && std::find(wanted.begin(), wanted.end(), g->state()) == wanted.end()) continue;
        out.push_back({id, g->protocol_type().value_or(""), std::string(kafka_name(g->state()))});
    }
    return {error_code::none, std::move(out)};
}

described_group group_coordinator::describe(const std::string& group_id) const {
    described_group d;
    d.group_id = group_id;
    if (loading_) {
        d.error = error_code::coordinator_load_in_progress;
        return d;
    }
    const group* g = find(group_id);
    if (!g) {
        d.state = std::string(kafka_name(group_state::dead));
        return d;
    }
    d.state = std::string(kafka_name(g->state()));
    d.protocol_type = g->protocol_type().value_or("");
    bool stable = g->in(group_state::stable);
    if (stable) d.protocol_data = g->protocol_name().value_or("");
    for (const auto& [id, m] : g->members()) {
        described_member dm;
        dm.member_id = id;
        dm.group_instance_id = m->group_instance_id;
        dm.client_id = m->client_id;
        dm.client_host = m->client_host;
        if (stable) {
            if (const bytes* md = g->protocol_name() ? m->metadata_for(*g->protocol_name()) : nullptr)
                dm.metadata = *md;
            dm.assignment = m->assignment;
        }
        d.members.push_back(std::move(dm));
    }
    return d;
}

error_code group_coordinator::delete_group(const std::string& group_id) {
    if (loading_) return error_code::coordinator_load_in_progress;
    auto it = groups_.find(group_id);
    if (it == groups_.end() || it->second->in(group_state::dead)) return error_code::group_id_not_found;
    group& g = *it->second;
    if (!g.in(group_state::empty)) return error_code::non_empty_group;
    // Offsets an open transaction committed would come back with its marker.
    if (!g.pending_txn_offsets().empty()) return error_code::non_empty_group;
    // Offsets first, then the group: a replay that stops in between still
    // sees a consistent (offset-less) group.
    std::vector<offsets_record> records;
    for (const auto& [tp, c] : g.offsets())
        records.push_back({encode_key(offset_commit_key{group_id, tp.first, tp.second}), std::nullopt});
    records.push_back({encode_key(group_metadata_key{group_id}), std::nullopt});
    if (auto s = log_.append(partition_for(group_id), records); !s) {
        spdlog::warn("deleting group {} failed: {}", group_id, s.error().message);
        return error_code::not_coordinator;
    }
    drop_group(it);
    spdlog::info("group {} deleted", group_id);
    return error_code::none;
}

void group_coordinator::drop_group(std::map<std::string, std::unique_ptr<group>>::iterator it) {
    const std::string& group_id = it->first;
    for (auto& [key, t] : pending_timers_)
        if (key.first == group_id) timers_.cancel(t);
    std::erase_if(pending_timers_, [&](const auto& e) { return e.first.first == group_id; });
    timers_.cancel(it->second->join_timer);
    it->second->transition_to(group_state::dead, timers_.now());
    groups_.erase(it);
}

}  // namespace samsa::broker::group
