#include <cstdio>
#include <memory>
#include <vector>

#include "bench/broker/scale_single.h"
#include "samsa/protocol/messages/heartbeat.h"
#include "samsa/protocol/messages/join_group.h"
#include "samsa/protocol/messages/leave_group.h"
#include "samsa/protocol/messages/sync_group.h"

namespace samsa::bench::scale {

using namespace std::chrono_literals;

namespace {

constexpr int16_t join_version = 5;  // v4+: MEMBER_ID_REQUIRED first; v5 is still non-flexible
constexpr int16_t sync_version = 3;
constexpr int16_t leave_version = 3;
constexpr int16_t heartbeat_version = 3;
constexpr std::chrono::milliseconds initial_delay{200};

// ConsumerProtocolSubscription v0 for one topic (version, topics, null user
// data), as a consumer sends it; the coordinator passes it to the leader.
bytes subscription() {
    const std::string topic = "scale-group-topic";
    bytes b{0, 0, 0, 0, 0, 1, 0, static_cast<uint8_t>(topic.size())};
    b.insert(b.end(), topic.begin(), topic.end());
    for (uint8_t x : {0xff, 0xff, 0xff, 0xff}) b.push_back(x);
    return b;
}

struct member {
    std::unique_ptr<ts::raw_client> conn;
    std::string id;
    int32_t correlation = 0;
};

protocol::join_group_request join_request(const std::string& group_id, const std::string& member_id) {
    protocol::join_group_request j;
    j.group_id = group_id;
    j.session_timeout_ms = 45000;
    j.rebalance_timeout_ms = 60000;
    j.member_id = member_id;
    j.protocol_type = "consumer";
    j.protocols.push_back({"range", subscription()});
    return j;
}

// Every member sends JoinGroup, then every answer is read (they all come when
// the rebalance completes), then SyncGroup: the followers first, the leader
// last with an (empty) assignment for each. The generation, or an error.
result<int32_t> join_and_sync(const std::string& group_id, std::vector<member>& members, double& sync_ms) {
    for (auto& m : members) {
        if (!m.conn->send_request(join_request(group_id, m.id), join_version, ++m.correlation))
            return make_error(errc::io_error, "JoinGroup not sent");
    }
    std::string leader;
    int32_t generation = -1;
    std::vector<std::string> everyone;
    for (auto& m : members) {
        auto r = m.conn->read_response<protocol::join_group_response>(join_version, m.correlation, 120s);
        if (!r) return r.error();
        if (r->error_code != protocol::error_code::none)
            return make_error(errc::invalid_argument, "JoinGroup: " + std::string(protocol::name(r->error_code)));
        leader = r->leader;
        generation = r->generation_id.value();
        if (!r->members.empty()) {
            for (const auto& x : r->members) everyone.push_back(x.member_id);
        }
    }
    if (everyone.size() != members.size())
        return make_error(errc::invalid_argument, "the leader saw " + std::to_string(everyone.size()) + " members, not " +
                                                      std::to_string(members.size()));
    const bytes empty_assignment{0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    const auto sync_start = clock::now();
    member* leader_member = nullptr;
    for (auto& m : members) {
        if (m.id == leader) {
            leader_member = &m;
            continue;
        }
        protocol::sync_group_request s;
        s.group_id = group_id;
        s.generation_id = generation_id(generation);
        s.member_id = m.id;
        if (!m.conn->send_request(s, sync_version, ++m.correlation))
            return make_error(errc::io_error, "SyncGroup not sent");
    }
    if (!leader_member) return make_error(errc::invalid_argument, "no member is the leader " + leader);
    protocol::sync_group_request s;
    s.group_id = group_id;
    s.generation_id = generation_id(generation);
    s.member_id = leader;
    for (const auto& id : everyone) s.assignments.push_back({id, empty_assignment});
    if (!leader_member->conn->send_request(s, sync_version, ++leader_member->correlation))
        return make_error(errc::io_error, "SyncGroup not sent");
    for (auto& m : members) {
        auto r = m.conn->read_response<protocol::sync_group_response>(sync_version, m.correlation, 120s);
        if (!r) return r.error();
        if (r->error_code != protocol::error_code::none)
            return make_error(errc::invalid_argument, "SyncGroup: " + std::string(protocol::name(r->error_code)));
    }
    sync_ms = ms_since(sync_start);
    return generation;
}

// Connects every member; a member's first JoinGroup gets its id
// (MEMBER_ID_REQUIRED) at once. Why not, or "".
std::string connect_members(uint16_t port, const std::string& group_id, std::vector<member>& members) {
    for (auto& m : members) {
        m.conn = std::make_unique<ts::raw_client>(port, 30s);
        if (!m.conn->connected()) return "connect: " + m.conn->connect_error();
        auto j = m.conn->call<protocol::join_group_response>(join_request(group_id, ""), join_version);
        if (!j || j->error_code != protocol::error_code::member_id_required)
            return "first JoinGroup: " + (j ? std::string(protocol::name(j->error_code)) : j.error().message);
        m.id = j->member_id;
    }
    return {};
}

}  // namespace

group_result measure_group(const broker_settings& settings, int n) {
    group_result r;
    auto s = settings;
    s.overrides.emplace_back("group.initial.rebalance.delay.ms", std::to_string(initial_delay.count()));
    r.delay_ms = static_cast<double>(initial_delay.count());
    auto broker = make_broker(s);
    if (!start_timed(*broker, 60s)) {
        r.error = "the broker did not start";
        return r;
    }
    // The first group write creates __consumer_offsets (offsets.topic.num.partitions
    // partitions, group_service.h): timed apart, with a group of one, so that
    // the figures below are the group's own.
    auto t_warm = clock::now();
    {
        std::vector<member> one(1);
        double unused = 0;
        if (auto st = connect_members(broker->port(), "scale-warm-up", one); !st.empty()) {
            r.error = st;
            return r;
        }
        auto g = join_and_sync("scale-warm-up", one, unused);
        if (!g) {
            r.error = "warm-up group: " + g.error().message;
            return r;
        }
    }
    r.first_group_ms = ms_since(t_warm);

    const std::string group_id = "scale-group";
    std::vector<member> members(static_cast<size_t>(n));
    auto t0 = clock::now();
    if (auto st = connect_members(broker->port(), group_id, members); !st.empty()) {
        r.error = st;
        return r;
    }
    auto generation = join_and_sync(group_id, members, r.sync_ms);
    if (!generation) {
        r.error = generation.error().message;
        return r;
    }
    r.join_ms = ms_since(t0);
    r.members = n;

    // One member (the last, usually not the leader) leaves; the others learn
    // of the rebalance from their next heartbeat and join again.
    auto t1 = clock::now();
    member leaving = std::move(members.back());
    members.pop_back();
    protocol::leave_group_request leave;
    leave.group_id = group_id;
    leave.members.push_back({leaving.id, std::nullopt, std::nullopt});
    auto left = leaving.conn->call<protocol::leave_group_response>(leave, leave_version);
    if (!left || left->error_code != protocol::error_code::none) {
        r.error = "LeaveGroup: " + (left ? std::string(protocol::name(left->error_code)) : left.error().message);
        return r;
    }
    for (auto& m : members) {
        protocol::heartbeat_request h;
        h.group_id = group_id;
        h.generation_id = generation_id(*generation);
        h.member_id = m.id;
        auto hb = m.conn->call<protocol::heartbeat_response>(h, heartbeat_version);
        if (!hb || hb->error_code != protocol::error_code::rebalance_in_progress) {
            r.error = "Heartbeat after a leave: " +
                      (hb ? std::string(protocol::name(hb->error_code)) : hb.error().message);
            return r;
        }
    }
    double rebalance_sync_ms = 0;
    auto again = join_and_sync(group_id, members, rebalance_sync_ms);
    if (!again) {
        r.error = "rebalance: " + again.error().message;
        return r;
    }
    r.rebalance_ms = ms_since(t1);
    r.generation = *again;
    members.clear();
    broker->stop();
    return r;
}

}  // namespace samsa::bench::scale
