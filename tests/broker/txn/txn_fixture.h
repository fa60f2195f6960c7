#pragma once
// txn_fixture: a transaction coordinator on a fake clock, with its
// __transaction_state as a vector (that can be told to fail) and the
// markers it writes recorded (a partition can be made to refuse them).
//
// Thread: the test's main thread.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "samsa/broker/txn/txn_coordinator.h"
#include "tests/broker/group/fake_group_timers.h"

namespace samsa::broker::txn::testing {

using namespace std::chrono_literals;
using group::testing::fake_group_timers;

class memory_txn_log : public txn_log {
public:
    status append(int32_t partition, bytes key, std::optional<bytes> value) override {
        if (fail_appends) return make_error(errc::io_error, "disk full (test)");
        entries.push_back({partition, std::move(key), std::move(value)});
        return ok();
    }
    void replay_into(txn_coordinator& c) const {
        for (const auto& e : entries) {
            std::optional<bytes_view> v;
            if (e.value) v = bytes_view(*e.value);
            EXPECT_TRUE(c.load_record(e.key, v));
        }
        c.finish_loading();
    }
    struct entry {
        int32_t partition;
        bytes key;
        std::optional<bytes> value;
    };
    std::vector<entry> entries;
    bool fail_appends = false;
};

class recorded_markers : public txn_markers {
public:
    status write(const topic_partition& tp, const marker& m) override {
        if (failing.contains(tp)) return make_error(errc::io_error, "cannot write (test)");
        if (missing.contains(tp)) return make_error(errc::not_found, "gone (test)");
        written.push_back({tp, m});
        return ok();
    }
    struct entry {
        topic_partition tp;
        marker m;
    };
    std::vector<entry> written;
    std::set<topic_partition> failing;
    std::set<topic_partition> missing;
};

struct txn_fixture : ::testing::Test {
    fake_group_timers timers;
    memory_txn_log log;
    recorded_markers markers;
    int64_t next_id = 1000;
    txn_config config = [] {
        txn_config c;
        c.log_partitions = 5;
        return c;
    }();
    std::unique_ptr<txn_coordinator> c = make();

    std::unique_ptr<txn_coordinator> make() {
        auto co = std::make_unique<txn_coordinator>(config, timers, log, markers,
                                                    [this]() -> result<producer_id> { return producer_id(next_id++); });
        return co;
    }
    void SetUp() override { c->finish_loading(); }

    // A restarted coordinator that replays the log.
    void restart() {
        c->shutdown();
        c = make();
        log.replay_into(*c);
    }

    init_result init(const std::string& id, std::optional<producer_and_epoch> expected = std::nullopt,
                     int32_t timeout_ms = 60000) {
        return c->init_producer_id(id, timeout_ms, expected);
    }
    static topic_partition tp(const std::string& topic, int32_t p) { return {topic, partition_id(p)}; }
};

}  // namespace samsa::broker::txn::testing
