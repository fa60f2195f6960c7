// group_coordinator: loading __consumer_offsets at start-up. Records are
// applied in log order; a later record for the same key replaces an earlier
// one, a null value deletes. A group metadata record brings back the group
// as it was stored: Stable with its members and assignments (each member
// then has one session timeout to heartbeat, as after a Kafka coordinator
// failover), or Empty.
#include <spdlog/spdlog.h>

#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/offsets_records.h"

namespace samsa::broker::group {

status group_coordinator::load_record(bytes_view key, std::optional<bytes_view> value,
                                      std::optional<producer_id> txn) {
    auto k = decode_key(key);
    if (!k) return k.error();
    if (const auto* ck = std::get_if<offset_commit_key>(&*k)) {
        const topic_partition tp{ck->topic, ck->partition};
        if (!value) {
            if (group* g = find_mutable(ck->group)) {
                g->offsets().erase(tp);
                g->supersede_pending(tp);
                maybe_forget(ck->group);
            }
            return ok();
        }
        auto v = decode_offset_commit_value(*value);
        if (!v) return v.error();
        committed_offset c{offset(v->offset), v->leader_epoch, v->metadata, timestamp_ms(v->commit_timestamp)};
        group& g = get_or_create(ck->group);
        if (txn) {
            g.pending_txn_offsets()[*txn][tp] = std::move(c);
        } else {
            g.offsets()[tp] = std::move(c);
            g.supersede_pending(tp);
        }
        return ok();
    }
    if (txn) return make_error(errc::corrupt, "a group metadata record in a transactional batch");
    const auto& gk = std::get<group_metadata_key>(*k);
    if (!value) {
        if (group* g = find_mutable(gk.group)) {
            g->clear_members();
            g->restore(generation_id(0), std::nullopt, std::nullopt, std::nullopt, group_state::empty,
                       timestamp_ms(-1));
            maybe_forget(gk.group);
        }
        return ok();
    }
    auto v = decode_group_metadata_value(*value);
    if (!v) return v.error();
    group& g = get_or_create(gk.group);
    g.clear_members();
    for (auto& r : v->members) {
        auto m = std::make_unique<group_member>();
        m->member_id = r.member_id;
        m->group_instance_id = r.group_instance_id;
        m->client_id = r.client_id;
        m->client_host = r.client_host;
        m->session_timeout = std::chrono::milliseconds(r.session_timeout);
        m->rebalance_timeout = std::chrono::milliseconds(r.rebalance_timeout > 0 ? r.rebalance_timeout : r.session_timeout);
        m->protocol_type = v->protocol_type;
        m->protocols.push_back({v->protocol.value_or(""), std::move(r.subscription)});
        m->assignment = std::move(r.assignment);
        g.add(std::move(m));
    }
    std::optional<std::string> type;
    if (!v->protocol_type.empty() || !v->members.empty()) type = v->protocol_type;
    std::optional<std::string> leader = v->members.empty() ? std::nullopt : v->leader;
    g.restore(generation_id(v->generation), type, v->members.empty() ? std::nullopt : v->protocol, leader,
              v->members.empty() ? group_state::empty : group_state::stable,
              timestamp_ms(v->current_state_timestamp));
    return ok();
}

void group_coordinator::finish_loading() {
    loading_ = false;
    schedule_offset_expiration();
    size_t members = 0;
    for (auto& [id, g] : groups_) {
        for (const auto& [mid, m] : g->members()) {
            schedule_heartbeat(*g, *m);
            ++members;
        }
    }
    spdlog::info("group coordinator loaded: {} group(s), {} member(s) restored", groups_.size(), members);
}

}  // namespace samsa::broker::group
