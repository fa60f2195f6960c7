// The runtime's store provider for interactive queries: which tasks a query
// reads, and the InvalidStateStoreException family when it cannot read
// them (instance not running, task restoring, store migrated, partition
// not here), with no broker.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "samsa/streams/errors.h"
#include "samsa/streams/internal/runtime/queryable_store_registry.h"
#include "samsa/streams/internal/runtime/synchronized_key_value_store.h"
#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/store_query_parameters.h"

namespace samsa::streams {
namespace {

using internal::queryable_store_registry;
using internal::synchronized_key_value_store;
using view = read_only_key_value_store<std::string, std::string>;

class registry_test : public ::testing::Test {
protected:
    synchronized_key_value_store& open_store(int32_t partition) {
        auto s = std::make_unique<synchronized_key_value_store>(std::make_unique<in_memory_key_value_store>("s"));
        EXPECT_TRUE(s->init(store_context{}).has_value());
        stores_[partition] = std::move(s);
        return *stores_[partition];
    }
    void add_task(int32_t partition, bool running) {
        std::string id = "0_" + std::to_string(partition);
        registry_.add_task(id, partition, {{"s", &open_store(partition)}});
        registry_.set_task_running(id, running);
    }
    void put(int32_t partition, const std::string& k, const std::string& v) {
        bytes value = to_bytes(v);
        stores_[partition]->put(to_bytes(k), bytes_view(value));
    }
    view query(store_query_target t) {
        return view(registry_, std::move(t), serdes::string(), serdes::string(), "app-s-changelog");
    }

    queryable_store_registry registry_;
    std::map<int32_t, std::unique_ptr<synchronized_key_value_store>> stores_;
};

TEST_F(registry_test, reads_every_running_task_in_partition_order) {
    registry_.set_open(true, "RUNNING");
    add_task(1, true);
    add_task(0, true);
    put(0, "b", "0");
    put(1, "a", "1");
    view all = query({"s", std::nullopt, false});
    EXPECT_EQ(all.get("a"), "1");
    EXPECT_EQ(all.get("b"), "0");
    auto entries = to_vector(*all.all());
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].key, "b");  // partition 0 first, then 1 (not one key order)
    EXPECT_EQ(all.approximate_num_entries(), 2);
    EXPECT_EQ(query({"s", 1, false}).get("b"), std::nullopt);
    EXPECT_EQ(query({"s", 1, false}).get("a"), "1");
}

TEST_F(registry_test, a_restoring_task_is_stale) {
    registry_.set_open(true, "REBALANCING");
    add_task(0, false);
    put(0, "a", "1");
    EXPECT_THROW(query({"s", std::nullopt, false}).get("a"), invalid_state_store_exception);
    EXPECT_EQ(query({"s", std::nullopt, true}).get("a"), "1");
    registry_.set_task_running("0_0", true);
    EXPECT_EQ(query({"s", std::nullopt, false}).get("a"), "1");
}

TEST_F(registry_test, a_task_gone_means_the_store_migrated) {
    registry_.set_open(true, "RUNNING");
    add_task(0, true);
    view v = query({"s", std::nullopt, false});
    EXPECT_EQ(v.get("a"), std::nullopt);
    registry_.remove_task("0_0");
    EXPECT_THROW(v.get("a"), state_store_migrated_exception);
    EXPECT_THROW(query({"s", std::nullopt, true}).get("a"), state_store_migrated_exception);
}

TEST_F(registry_test, a_partition_that_is_not_here) {
    registry_.set_open(true, "RUNNING");
    add_task(0, true);
    EXPECT_THROW(query({"s", 3, false}).get("a"), invalid_state_store_partition_exception);
}

TEST_F(registry_test, nothing_is_read_while_the_instance_is_not_running) {
    add_task(0, true);
    registry_.set_open(false, "PENDING_SHUTDOWN");
    try {
        query({"s", std::nullopt, true}).get("a");
        FAIL();
    } catch (const state_store_not_available_exception& e) {
        EXPECT_NE(std::string(e.what()).find("PENDING_SHUTDOWN"), std::string::npos);
    }
}

// A writer on one thread and readers on others: every read sees a whole
// value (the store's lock), and removal waits for readers in flight.
TEST_F(registry_test, reads_are_safe_while_the_owner_writes) {
    registry_.set_open(true, "RUNNING");
    add_task(0, true);
    std::thread writer([this] {
        for (int i = 0; i < 2000; ++i) put(0, "k" + std::to_string(i % 50), std::string(100, char('a' + i % 26)));
    });
    std::vector<std::thread> readers;
    for (int r = 0; r < 2; ++r) {
        readers.emplace_back([this] {
            view v = query({"s", std::nullopt, false});
            for (int i = 0; i < 300; ++i) {
                for (auto& kv : to_vector(*v.all())) {
                    ASSERT_EQ(kv.value.size(), 100u);
                    ASSERT_EQ(kv.value.find_first_not_of(kv.value[0]), std::string::npos);
                }
            }
        });
    }
    writer.join();
    for (auto& t : readers) t.join();
}

}  // namespace
}  // namespace samsa::streams
