// group_coordinator: membership — JoinGroup, SyncGroup, Heartbeat,
// LeaveGroup, rebalance rounds and timeouts. Kafka's GroupCoordinator
// (classic protocol) is the reference for every rule and error code; the
// table of states and transitions is docs/group_coordinator.md.
#include "samsa/broker/group/group_coordinator.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "samsa/broker/group/offsets_records.h"
#include "samsa/base/uuid.h"

namespace samsa::broker::group {

namespace {

std::string dashed_uuid() {
    auto id = samsa::uuid::random();
    std::string hex;
    for (size_t i = 0; i < id.data.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
        hex += fmt::format("{:02x}", id.data[i]);
    }
    return hex;
}

}  // namespace

group_coordinator::group_coordinator(group_config config, group_timers& timers, offsets_log& log)
    : config_(std::move(config)), timers_(timers), log_(log) {}

group_coordinator::~group_coordinator() { shutdown(); }

group* group_coordinator::find_mutable(const std::string& group_id) {
    auto it = groups_.find(group_id);
    return it == groups_.end() ? nullptr : it->second.get();
}

const group* group_coordinator::find(const std::string& group_id) const {
    auto it = groups_.find(group_id);
    return it == groups_.end() ? nullptr : it->second.get();
}

group& group_coordinator::get_or_create(const std::string& group_id) {
    auto& slot = groups_[group_id];
    if (!slot) slot = std::make_unique<group>(group_id);
    return *slot;
}

int32_t group_coordinator::partition_for(const std::string& group_id) const {
    return offsets_partition_for(group_id, config_.offsets_partitions);
}

std::string group_coordinator::new_member_id(const std::string& client_id) {
    ++member_counter_;
    return client_id + "-" + dashed_uuid();
}

// --- JoinGroup ---------------------------------------------------------------

void group_coordinator::join(join_request req, join_callback done) {
    auto fail = [&](error_code e) {
        join_result r;
        r.error = e;
        r.member_id = req.member_id;
        done(std::move(r));
    };
    if (loading_) return fail(error_code::coordinator_load_in_progress);
    if (req.group_id.empty()) return fail(error_code::invalid_group_id);
    if (req.session_timeout < config_.min_session_timeout || req.session_timeout > config_.max_session_timeout)
        return fail(error_code::invalid_session_timeout);
    if (req.rebalance_timeout.count() <= 0) req.rebalance_timeout = req.session_timeout;
    if (req.protocol_type.empty() || req.protocols.empty()) return fail(error_code::inconsistent_group_protocol);
    size_t metadata_bytes = 0;
    for (const auto& p : req.protocols) metadata_bytes += p.metadata.size() + p.name.size();
    if (metadata_bytes > config_.max_member_metadata_bytes) {
        spdlog::warn("JoinGroup of group {} by {}: {} bytes of protocol metadata, over the {} byte limit",
                     req.group_id, req.client_id, metadata_bytes, config_.max_member_metadata_bytes);
        return fail(error_code::invalid_request);
    }

    group* g = find_mutable(req.group_id);
    if (!g) {
        // Only a new member may create the group.
        if (!req.member_id.empty()) return fail(error_code::unknown_member_id);
        g = &get_or_create(req.group_id);
    }
    // Kafka's acceptJoiningMember.
    bool known = g->has(req.member_id);
    bool accept = g->in(group_state::empty) || g->in(group_state::dead) ||
                  (g->in(group_state::preparing_rebalance)
                       ? (known && g->find(req.member_id)->is_awaiting_join()) ||
                             g->awaiting_join_count() < static_cast<size_t>(config_.max_size)
                       : known || g->size() < static_cast<size_t>(config_.max_size));
    if (!accept) {
        spdlog::info("group {} is full ({} members, group.max.size {}): refusing a member", g->id(), g->size(),
                     config_.max_size);
        fail(error_code::group_max_size_reached);
        maybe_forget(req.group_id);
        return;
    }
    if (req.member_id.empty()) {
        join_new_member(*g, req, done);
    } else {
        join_current_member(*g, req, done);
    }
    maybe_forget(req.group_id);
}

void group_coordinator::join_new_member(group& g, join_request& req, join_callback& done) {
    join_result r;
    if (g.in(group_state::dead)) {
        r.error = error_code::coordinator_not_available;
        return done(std::move(r));
    }
    if (!g.supports_protocols(req.protocol_type, req.protocols)) {
        r.error = error_code::inconsistent_group_protocol;
        return done(std::move(r));
    }
    std::string id = new_member_id(req.client_id);
    if (req.group_instance_id) return join_static_member(g, req, done, id);
    if (req.require_known_member_id) {
        // KIP-394: the member must come back with its id, so that a client
        // that gives up before hearing the answer leaves no ghost member.
        g.pending_members().insert(id);
        schedule_pending_expiry(g, id, req.session_timeout);
        r.error = error_code::member_id_required;
        r.member_id = id;
        return done(std::move(r));
    }
    add_member_and_rebalance(g, req, std::move(done), id);
}

void group_coordinator::join_static_member(group& g, join_request& req, join_callback& done,
                                           const std::string& new_id) {
    const std::string* current = g.static_member(*req.group_instance_id);
    if (!current) return add_member_and_rebalance(g, req, std::move(done), new_id);

    // A static member came back with a new member id: it takes the old one's
    // place (and assignment); the old id is fenced.
    std::string old_id = *current;
    auto old = g.replace_static_member(*req.group_instance_id, new_id);
    cancel_member_timers(*old);
    spdlog::info("static member {} of group {} replaced: member id {} -> {}", *req.group_instance_id, g.id(), old_id,
                 new_id);
    if (old->awaiting_join) {
        join_result fenced;
        fenced.error = error_code::fenced_instance_id;
        fenced.member_id = old_id;
        std::exchange(old->awaiting_join, {})(std::move(fenced));
    }
    if (old->awaiting_sync) {
        sync_result fenced;
        fenced.error = error_code::fenced_instance_id;
        std::exchange(old->awaiting_sync, {})(std::move(fenced));
    }
    group_member& m = *g.find(new_id);
    bool same_protocols = old->matches(req.protocols);
    switch (g.state()) {
    case group_state::stable:
        if (same_protocols && !g.is_leader(new_id)) {
            // Nothing changes for the others: the member resumes with the
            // assignment it had, through an ordinary SyncGroup.
            m.client_id = req.client_id;
            m.client_host = req.client_host;
            m.session_timeout = req.session_timeout;
            m.rebalance_timeout = req.rebalance_timeout;
            schedule_heartbeat(g, m);
            auto r = current_join_result(g, m, false);
            if (auto s = store_group(g); !s)
                spdlog::warn("group {}: storing the replaced static member failed: {}", g.id(), s.error().message);
            return done(std::move(r));
        }
        return update_member_and_rebalance(g, m, req, std::move(done));
    case group_state::completing_rebalance:
        return update_member_and_rebalance(g, m, req, std::move(done));
    case group_state::preparing_rebalance:
        return update_member_and_rebalance(g, m, req, std::move(done));
    case group_state::empty:
    case group_state::dead:
        return update_member_and_rebalance(g, m, req, std::move(done));
    }
}

void group_coordinator::join_current_member(group& g, join_request& req, join_callback& done) {
    join_result r;
    r.member_id = req.member_id;
    if (g.in(group_state::dead)) {
        r.error = error_code::coordinator_not_available;
        return done(std::move(r));
    }
    if (!g.supports_protocols(req.protocol_type, req.protocols)) {
        r.error = error_code::inconsistent_group_protocol;
        return done(std::move(r));
    }
    if (g.is_pending(req.member_id)) {
        // Back with the id MEMBER_ID_REQUIRED gave it.
        g.pending_members().erase(req.member_id);
        if (auto it = pending_timers_.find({g.id(), req.member_id}); it != pending_timers_.end()) {
            timers_.cancel(it->second);
            pending_timers_.erase(it);
        }
        return add_member_and_rebalance(g, req, std::move(done), req.member_id);
    }
    if (req.group_instance_id) {
        const std::string* current = g.static_member(*req.group_instance_id);
        if (current && *current != req.member_id) {
            r.error = error_code::fenced_instance_id;
            return done(std::move(r));
        }
    }
    group_member* m = g.find(req.member_id);
    if (!m) {
        r.error = error_code::unknown_member_id;
        return done(std::move(r));
    }
    if (m->group_instance_id != req.group_instance_id) {
        r.error = error_code::fenced_instance_id;
        return done(std::move(r));
    }
    switch (g.state()) {
    case group_state::preparing_rebalance:
        return update_member_and_rebalance(g, *m, req, std::move(done));
    case group_state::completing_rebalance:
        if (m->matches(req.protocols)) {
            // The member missed its JoinGroup answer; send it again.
            return done(current_join_result(g, *m, g.is_leader(m->member_id)));
        }
        return update_member_and_rebalance(g, *m, req, std::move(done));
    case group_state::stable:
        if (g.is_leader(m->member_id) || !m->matches(req.protocols)) {
            // The leader rejoining (e.g. its subscription's topics changed)
            // or new metadata: a new round.
            return update_member_and_rebalance(g, *m, req, std::move(done));
        }
        schedule_heartbeat(g, *m);
        return done(current_join_result(g, *m, false));
    case group_state::empty:
    case group_state::dead:
        r.error = error_code::unknown_member_id;
        return done(std::move(r));
    }
}

void group_coordinator::add_member_and_rebalance(group& g, join_request& req, join_callback done,
                                                 const std::string& member_id) {
    auto m = std::make_unique<group_member>();
    m->member_id = member_id;
    m->group_instance_id = req.group_instance_id;
    m->client_id = req.client_id;
    m->client_host = req.client_host;
    m->session_timeout = req.session_timeout;
    m->rebalance_timeout = req.rebalance_timeout;
    m->protocol_type = req.protocol_type;
    m->protocols = std::move(req.protocols);
    m->awaiting_join = std::move(done);
    m->is_new = true;
    group_member& ref = *m;
    g.add(std::move(m));
    g.new_member_added = true;
    // A new member that goes away before the round completes is dropped
    // after the new-member timeout (Kafka's NewMemberJoinTimeoutMs).
    schedule_heartbeat(g, ref);
    maybe_prepare_rebalance(g, "adding new member");
    maybe_complete_join(g);
}

void group_coordinator::update_member_and_rebalance(group& g, group_member& m, join_request& req,
                                                    join_callback done) {
    if (m.awaiting_join) {
        // A second JoinGroup while the first waits: answer the first so that
        // no request is left without a response.
        join_result stale;
        stale.error = error_code::rebalance_in_progress;
        stale.member_id = m.member_id;
        std::exchange(m.awaiting_join, {})(std::move(stale));
    }
    m.protocols = std::move(req.protocols);
    m.client_id = req.client_id;
    m.client_host = req.client_host;
    m.session_timeout = req.session_timeout;
    m.rebalance_timeout = req.rebalance_timeout;
    m.awaiting_join = std::move(done);
    // While it waits for the round, the rebalance timeout governs it.
    if (!m.is_new) {
        timers_.cancel(m.heartbeat_timer);
        m.heartbeat_timer = no_timer;
    }
    maybe_prepare_rebalance(g, "updating metadata of member");
    maybe_complete_join(g);
}

join_result group_coordinator::current_join_result(const group& g, const group_member& m, bool with_members) const {
    join_result r;
    r.generation = g.generation();
    r.protocol_type = g.protocol_type();
    r.protocol_name = g.protocol_name();
    r.leader = g.leader().value_or("");
    r.member_id = m.member_id;
    if (with_members && g.protocol_name()) {
        for (const auto& [id, other] : g.members()) {
            const bytes* md = other->metadata_for(*g.protocol_name());
            r.members.push_back({id, other->group_instance_id, md ? *md : bytes{}});
        }
    }
    return r;
}

// --- rebalance rounds --------------------------------------------------------

void group_coordinator::maybe_prepare_rebalance(group& g, const char* reason) {
    if (g.in(group_state::stable) || g.in(group_state::completing_rebalance) || g.in(group_state::empty))
        prepare_rebalance(g, reason);
}

void group_coordinator::prepare_rebalance(group& g, const char* reason) {
    if (g.in(group_state::completing_rebalance))
        reset_and_propagate_assignment_error(g, error_code::rebalance_in_progress);
    timers_.cancel(g.join_timer);
    g.join_timer = no_timer;
    bool initial = g.in(group_state::empty);
    g.transition_to(group_state::preparing_rebalance, timers_.now());
    spdlog::info("preparing to rebalance group {} in state PreparingRebalance with old generation {} ({})", g.id(),
                 g.generation()(), reason);
    auto rebalance_timeout = g.rebalance_timeout();
    if (initial && config_.initial_rebalance_delay.count() > 0) {
        // Kafka's InitialDelayedJoin: wait a little for more members before
        // the first round, in steps of the delay while members keep coming,
        // within the rebalance timeout.
        auto first = std::min(config_.initial_rebalance_delay, rebalance_timeout);
        g.in_initial_delay = true;
        g.new_member_added = false;
        g.initial_delay_remaining = std::max(rebalance_timeout - first, std::chrono::milliseconds(0));
        schedule_join_timer(g, first);
    } else {
        g.in_initial_delay = false;
        schedule_join_timer(g, rebalance_timeout);
    }
}

void group_coordinator::schedule_join_timer(group& g, std::chrono::milliseconds delay) {
    timers_.cancel(g.join_timer);
    g.join_timer = timers_.schedule(delay, [this, id = g.id()] { on_join_timer(id); });
}

void group_coordinator::on_join_timer(const std::string& group_id) {
    group* g = find_mutable(group_id);
    if (!g) return;
    g->join_timer = no_timer;
    if (g->in(group_state::completing_rebalance)) {
        // The round's SyncGroup deadline (Kafka's pending-sync timeout):
        // members that never sent SyncGroup are dropped, which starts a new
        // round if the leader is among them.
        std::vector<std::string> silent;
        for (const auto& [id, m] : g->members())
            if (!m->is_awaiting_sync()) silent.push_back(id);
        for (const auto& id : silent) {
            spdlog::info("member {} of group {} sent no SyncGroup within the rebalance timeout; removing it", id,
                         group_id);
            remove_member_and_update_group(*g, id, "no SyncGroup within the rebalance timeout");
            g = find_mutable(group_id);
            if (!g) return;
        }
        return;
    }
    if (!g->in(group_state::preparing_rebalance)) return;
    if (g->in_initial_delay) {
        if (g->new_member_added && g->initial_delay_remaining.count() > 0) {
            auto next = std::min(config_.initial_rebalance_delay, g->initial_delay_remaining);
            g->initial_delay_remaining -= next;
            g->new_member_added = false;
            schedule_join_timer(*g, next);
            return;
        }
        g->in_initial_delay = false;
    }
    complete_join(*g);
    maybe_forget(group_id);
}

void group_coordinator::maybe_complete_join(group& g) {
    if (g.in(group_state::preparing_rebalance) && !g.in_initial_delay && g.all_members_joined()) complete_join(g);
}

void group_coordinator::complete_join(group& g) {
    timers_.cancel(g.join_timer);
    g.join_timer = no_timer;
    // Members that did not rejoin in time leave the group.
    std::vector<std::string> missing;
    for (const auto& [id, m] : g.members())
        if (!m->is_awaiting_join()) missing.push_back(id);
    for (const auto& id : missing) {
        spdlog::info("member {} of group {} did not rejoin within the rebalance timeout; removing it", id, g.id());
        auto m = g.remove(id);
        cancel_member_timers(*m);
        if (m->awaiting_sync) {
            sync_result gone;
            gone.error = error_code::unknown_member_id;
            std::exchange(m->awaiting_sync, {})(std::move(gone));
        }
    }
    if (g.in(group_state::dead)) return;
    g.init_next_generation(timers_.now());
    if (g.in(group_state::empty)) {
        spdlog::info("group {} with generation {} is now empty", g.id(), g.generation()());
        if (auto s = store_group(g); !s)
            spdlog::warn("group {}: storing the empty group failed: {}", g.id(), s.error().message);
        return;
    }
    spdlog::info("stabilized group {} generation {} ({} members, protocol {})", g.id(), g.generation()(), g.size(),
                 g.protocol_name().value_or("-"));
    std::vector<std::pair<join_callback, join_result>> answers;
    for (const auto& [id, m] : g.members()) {
        auto r = current_join_result(g, *m, g.is_leader(id));
        m->is_new = false;
        // Awaiting SyncGroup now: kept alive until the round's deadline.
        timers_.cancel(m->heartbeat_timer);
        m->heartbeat_timer = no_timer;
        answers.emplace_back(std::exchange(m->awaiting_join, {}), std::move(r));
    }
    // The leader must send the assignment within the rebalance timeout.
    schedule_join_timer(g, g.rebalance_timeout());
    for (auto& [cb, r] : answers)
        if (cb) cb(std::move(r));
}

void group_coordinator::reset_and_propagate_assignment_error(group& g, error_code error) {
    for (const auto& [id, m] : g.members()) m->assignment.clear();
    propagate_assignment(g, error);
}

void group_coordinator::propagate_assignment(group& g, error_code error) {
    std::vector<std::pair<sync_callback, sync_result>> answers;
    for (const auto& [id, m] : g.members()) {
        if (!m->awaiting_sync) continue;
        sync_result r;
        r.error = error;
        r.protocol_type = g.protocol_type();
        r.protocol_name = g.protocol_name();
        if (error == error_code::none) r.assignment = m->assignment;
        answers.emplace_back(std::exchange(m->awaiting_sync, {}), std::move(r));
        schedule_heartbeat(g, *m);
    }
    if (error == error_code::none) {
        // Members that have not sent SyncGroup yet: their sessions run from now.
        for (const auto& [id, m] : g.members())
            if (m->heartbeat_timer == no_timer) schedule_heartbeat(g, *m);
    }
    for (auto& [cb, r] : answers) cb(std::move(r));
}

// --- SyncGroup ---------------------------------------------------------------

void group_coordinator::sync(sync_request req, sync_callback done) {
    auto fail = [&](error_code e) {
        sync_result r;
        r.error = e;
        done(std::move(r));
    };
    if (loading_) return fail(error_code::coordinator_load_in_progress);
    group* g = find_mutable(req.group_id);
    if (!g) return fail(error_code::unknown_member_id);
    if (g->in(group_state::dead)) return fail(error_code::coordinator_not_available);
    if (req.group_instance_id) {
        const std::string* current = g->static_member(*req.group_instance_id);
        if (current && *current != req.member_id) return fail(error_code::fenced_instance_id);
    }
    group_member* m = g->find(req.member_id);
    if (!m) return fail(error_code::unknown_member_id);
    if (req.generation != g->generation()) return fail(error_code::illegal_generation);
    if ((req.protocol_type && g->protocol_type() != req.protocol_type) ||
        (req.protocol_name && g->protocol_name() != req.protocol_name))
        return fail(error_code::inconsistent_group_protocol);

    switch (g->state()) {
    case group_state::empty:
    case group_state::dead:
        return fail(error_code::unknown_member_id);
    case group_state::preparing_rebalance:
        return fail(error_code::rebalance_in_progress);
    case group_state::stable: {
        schedule_heartbeat(*g, *m);
        sync_result r;
        r.protocol_type = g->protocol_type();
        r.protocol_name = g->protocol_name();
        r.assignment = m->assignment;
        return done(std::move(r));
    }
    case group_state::completing_rebalance:
        break;
    }
    if (m->awaiting_sync) {
        sync_result stale;
        stale.error = error_code::rebalance_in_progress;
        std::exchange(m->awaiting_sync, {})(std::move(stale));
    }
    m->awaiting_sync = std::move(done);
    if (!g->is_leader(m->member_id)) return;  // followers wait for the leader

    for (const auto& [id, member] : g->members()) member->assignment.clear();
    for (auto& [id, assignment] : req.assignments) {
        if (group_member* target = g->find(id)) target->assignment = std::move(assignment);
    }
    if (auto s = store_group(*g); !s) {
        spdlog::warn("group {}: storing generation {} failed ({}); starting a new round", g->id(), g->generation()(),
                     s.error().message);
        reset_and_propagate_assignment_error(*g, error_code::coordinator_not_available);
        maybe_prepare_rebalance(*g, "failed to store the assignment");
        return;
    }
    timers_.cancel(g->join_timer);
    g->join_timer = no_timer;
    g->transition_to(group_state::stable, timers_.now());
    spdlog::info("assignment received from leader {} for group {} for generation {}; the group is stable",
                 m->member_id, g->id(), g->generation()());
    propagate_assignment(*g, error_code::none);
}

// --- Heartbeat ---------------------------------------------------------------

error_code group_coordinator::heartbeat(const heartbeat_request& req) {
    // Kafka answers NONE while loading: the member keeps its session and
    // learns about any rebalance once the group is loaded.
    if (loading_) return error_code::none;
    group* g = find_mutable(req.group_id);
    if (!g) return error_code::unknown_member_id;
    if (g->in(group_state::dead)) return error_code::coordinator_not_available;
    if (req.group_instance_id) {
        const std::string* current = g->static_member(*req.group_instance_id);
        if (current && *current != req.member_id) return error_code::fenced_instance_id;
    }
    group_member* m = g->find(req.member_id);
    if (!m) return error_code::unknown_member_id;
    if (req.generation != g->generation()) return error_code::illegal_generation;
    switch (g->state()) {
    case group_state::empty:
    case group_state::dead:
        return error_code::unknown_member_id;
    case group_state::preparing_rebalance:
        if (!m->is_awaiting_join()) schedule_heartbeat(*g, *m);
        return error_code::rebalance_in_progress;
    case group_state::completing_rebalance:
    case group_state::stable:
        if (!m->is_awaiting_sync()) schedule_heartbeat(*g, *m);
        return error_code::none;
    }
    return error_code::none;
}

// --- LeaveGroup --------------------------------------------------------------

leave_result group_coordinator::leave(const std::string& group_id, const std::vector<leave_member>& members) {
    leave_result out;
    if (loading_) {
        out.error = error_code::coordinator_load_in_progress;
        return out;
    }
    group* g = find_mutable(group_id);
    if (g && g->in(group_state::dead)) {
        out.error = error_code::coordinator_not_available;
        return out;
    }
    for (const auto& lm : members) {
        leave_member_result r{lm.member_id, lm.group_instance_id, error_code::none};
        g = find_mutable(group_id);
        if (!g) {
            r.error = error_code::unknown_member_id;
            out.members.push_back(std::move(r));
            continue;
        }
        std::string id = lm.member_id;
        if (lm.group_instance_id) {
            const std::string* current = g->static_member(*lm.group_instance_id);
            if (!current) {
                r.error = error_code::unknown_member_id;
            } else if (!id.empty() && *current != id) {
                r.error = error_code::fenced_instance_id;
            } else {
                id = *current;  // an admin may remove a static member by instance id alone
            }
        }
        if (r.error == error_code::none) {
            if (g->is_pending(id)) {
                remove_pending_member_and_update_group(*g, id);
            } else if (!g->has(id)) {
                r.error = error_code::unknown_member_id;
            } else {
                spdlog::info("member {} is leaving group {}", id, group_id);
                remove_member_and_update_group(*g, id, "member left the group");
            }
        }
        out.members.push_back(std::move(r));
    }
    return out;
}

void group_coordinator::remove_member_and_update_group(group& g, const std::string& member_id, const char* reason) {
    auto m = g.remove(member_id);
    if (!m) return;
    cancel_member_timers(*m);
    if (m->awaiting_join) {
        join_result gone;
        gone.error = error_code::unknown_member_id;
        gone.member_id = member_id;
        std::exchange(m->awaiting_join, {})(std::move(gone));
    }
    if (m->awaiting_sync) {
        sync_result gone;
        gone.error = error_code::unknown_member_id;
        std::exchange(m->awaiting_sync, {})(std::move(gone));
    }
    switch (g.state()) {
    case group_state::dead:
    case group_state::empty:
        break;
    case group_state::stable:
    case group_state::completing_rebalance:
        maybe_prepare_rebalance(g, reason);
        maybe_complete_join(g);  // the others may all be waiting already (or gone)
        break;
    case group_state::preparing_rebalance:
        maybe_complete_join(g);
        break;
    }
}

void group_coordinator::remove_pending_member_and_update_group(group& g, const std::string& member_id) {
    g.pending_members().erase(member_id);
    if (auto it = pending_timers_.find({g.id(), member_id}); it != pending_timers_.end()) {
        timers_.cancel(it->second);
        pending_timers_.erase(it);
    }
    maybe_complete_join(g);
}

// --- timeouts ----------------------------------------------------------------

void group_coordinator::schedule_heartbeat(group& g, group_member& m) {
    timers_.cancel(m.heartbeat_timer);
    auto timeout = m.is_new ? std::max(config_.new_member_join_timeout, m.session_timeout) : m.session_timeout;
    m.heartbeat_timer = timers_.schedule(
        timeout, [this, gid = g.id(), mid = m.member_id] { on_heartbeat_expired(gid, mid); });
}

void group_coordinator::schedule_pending_expiry(group& g, const std::string& member_id,
                                                std::chrono::milliseconds timeout) {
    auto key = std::make_pair(g.id(), member_id);
    if (auto it = pending_timers_.find(key); it != pending_timers_.end()) timers_.cancel(it->second);
    pending_timers_[key] = timers_.schedule(timeout, [this, key] {
        pending_timers_.erase(key);
        group* g = find_mutable(key.first);
        if (g && g->is_pending(key.second)) {
            spdlog::info("pending member {} of group {} did not come back; forgetting it", key.second, key.first);
            remove_pending_member_and_update_group(*g, key.second);
            maybe_forget(key.first);
        }
    });
}

void group_coordinator::on_heartbeat_expired(const std::string& group_id, const std::string& member_id) {
    group* g = find_mutable(group_id);
    if (!g) return;
    group_member* m = g->find(member_id);
    if (!m) return;
    m->heartbeat_timer = no_timer;
    spdlog::info("member {} in group {} has failed (session timeout {} ms); removing it from the group", member_id,
                 group_id, m->session_timeout.count());
    remove_member_and_update_group(*g, member_id, "session timeout of a member");
    maybe_forget(group_id);
}

void group_coordinator::cancel_member_timers(group_member& m) {
    timers_.cancel(m.heartbeat_timer);
    m.heartbeat_timer = no_timer;
}

// --- persistence -------------------------------------------------------------

status group_coordinator::store_group(group& g) {
    group_metadata_value v;
    v.protocol_type = g.protocol_type().value_or("");
    v.generation = g.generation()();
    v.protocol = g.protocol_name();
    v.leader = g.leader();
    v.current_state_timestamp = g.state_timestamp()();
    for (const auto& [id, m] : g.members()) {
        member_metadata_record r;
        r.member_id = id;
        r.group_instance_id = m->group_instance_id;
        r.client_id = m->client_id;
        r.client_host = m->client_host;
        r.rebalance_timeout = static_cast<int32_t>(m->rebalance_timeout.count());
        r.session_timeout = static_cast<int32_t>(m->session_timeout.count());
        if (g.protocol_name())
            if (const bytes* md = m->metadata_for(*g.protocol_name())) r.subscription = *md;
        r.assignment = m->assignment;
        v.members.push_back(std::move(r));
    }
    std::vector<offsets_record> records;
    records.push_back({encode_key(group_metadata_key{g.id()}), encode_value(v)});
    return log_.append(partition_for(g.id()), records);
}

void group_coordinator::maybe_forget(const std::string& group_id) {
    auto it = groups_.find(group_id);
    if (it == groups_.end()) return;
    const group& g = *it->second;
    if (g.in(group_state::empty) && g.empty() && g.offsets().empty() && g.pending_txn_offsets().empty() &&
        g.generation()() == 0 && !g.join_timer) {
        auto& pending = it->second->pending_members();
        if (!pending.empty()) return;
        groups_.erase(it);
    }
}

void group_coordinator::shutdown() {
    for (auto& [gid, g] : groups_) {
        timers_.cancel(g->join_timer);
        g->join_timer = no_timer;
        for (const auto& [id, m] : g->members()) {
            cancel_member_timers(*m);
            if (m->awaiting_join) {
                join_result r;
                r.error = error_code::not_coordinator;
                r.member_id = id;
                std::exchange(m->awaiting_join, {})(std::move(r));
            }
            if (m->awaiting_sync) {
                sync_result r;
                r.error = error_code::not_coordinator;
                std::exchange(m->awaiting_sync, {})(std::move(r));
            }
        }
    }
    for (auto& [key, t] : pending_timers_) timers_.cancel(t);
    pending_timers_.clear();
    timers_.cancel(expiration_timer_);
    expiration_timer_ = no_timer;
}

}  // namespace samsa::broker::group
