#pragma once
// group_fixture: a coordinator on a fake clock and an in-memory offsets log,
// with builders for the requests tests repeat. Answers are captured in
// slots that say whether (and with what) the coordinator has answered.
//
// Thread: the test's main thread.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "samsa/broker/group/group_coordinator.h"
#include "tests/broker/group/fake_group_timers.h"
#include "tests/broker/group/memory_offsets_log.h"

namespace samsa::broker::group::testing {

using namespace std::chrono_literals;

template<class T>
struct slot {
    std::shared_ptr<std::optional<T>> value = std::make_shared<std::optional<T>>();
    bool answered() const { return value->has_value(); }
    const T& operator*() const { return **value; }
    const T* operator->() const { return &**value; }
    auto callback() {
        return [v = value](T r) {
            EXPECT_FALSE(v->has_value()) << "answered twice";
            *v = std::move(r);
        };
    }
};

inline bytes b(std::string_view s) { return to_bytes(s); }

struct join_builder {
    join_request req;
    explicit join_builder(std::string group) {
        req.group_id = std::move(group);
        req.client_id = "client";
        req.client_host = "/127.0.0.1";
        req.protocol_type = "consumer";
        req.protocols = {{"range", b("sub")}};
        req.session_timeout = 10s;
        req.rebalance_timeout = 30s;
        req.require_known_member_id = true;
    }
    join_builder& member(std::string id) { req.member_id = std::move(id); return *this; }
    join_builder& client(std::string id) { req.client_id = std::move(id); return *this; }
    join_builder& instance(std::string id) { req.group_instance_id = std::move(id); return *this; }
    join_builder& protocols(std::vector<join_protocol> p) { req.protocols = std::move(p); return *this; }
    join_builder& session(std::chrono::milliseconds t) { req.session_timeout = t; return *this; }
    join_builder& rebalance(std::chrono::milliseconds t) { req.rebalance_timeout = t; return *this; }
    join_builder& old_client() { req.require_known_member_id = false; return *this; }
    operator join_request() const { return req; }  // NOLINT: a builder converts implicitly
};

class group_fixture : public ::testing::Test {
protected:
    group_config config() {
        group_config c;
        c.initial_rebalance_delay = 0ms;
        c.offsets_partitions = 5;
        return c;
    }
    void SetUp() override { make_coordinator(config()); }
    void make_coordinator(group_config c) {
        coordinator.reset();
        coordinator = std::make_unique<group_coordinator>(c, timers, log);
        coordinator->finish_loading();
    }

    slot<join_result> join(join_request req) {
        slot<join_result> s;
        coordinator->join(std::move(req), s.callback());
        return s;
    }
    // The v4+ dance: MEMBER_ID_REQUIRED, then the join proper. Returns the
    // slot of the second JoinGroup (pending while the round is open).
    slot<join_result> join_new(join_builder jb, std::string* member_id = nullptr) {
        auto first = join(jb);
        EXPECT_TRUE(first.answered());
        EXPECT_EQ(first->error, error_code::member_id_required);
        if (member_id) *member_id = first->member_id;
        return join(jb.member(first->member_id));
    }
    slot<sync_result> sync(const std::string& group, const std::string& member, generation_id gen,
                           std::vector<std::pair<std::string, bytes>> assignments = {}) {
        sync_request r;
        r.group_id = group;
        r.member_id = member;
        r.generation = gen;
        r.assignments = std::move(assignments);
        slot<sync_result> s;
        coordinator->sync(std::move(r), s.callback());
        return s;
    }
    error_code heartbeat(const std::string& group, const std::string& member, generation_id gen,
                         std::optional<std::string> instance = std::nullopt) {
        return coordinator->heartbeat({group, gen, member, std::move(instance)});
    }
    group_state state(const std::string& group_id) {
        const group* g = coordinator->find(group_id);
        return g ? g->state() : group_state::dead;
    }
    commit_request commit_req(std::string group, generation_id gen, std::string member,
                              std::vector<std::pair<std::string, int64_t>> tp_offsets, int32_t partition = 0) {
        commit_request r;
        r.group_id = std::move(group);
        r.generation = gen;
        r.member_id = std::move(member);
        for (auto& [t, o] : tp_offsets) r.partitions.push_back({t, partition_id(partition), offset(o), -1, "meta"});
        return r;
    }

    fake_group_timers timers;
    memory_offsets_log log;
    std::unique_ptr<group_coordinator> coordinator;
};

}  // namespace samsa::broker::group::testing
