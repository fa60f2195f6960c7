// kafka_streams over fake clients (fake_clients.h), with real threads: its
// states, start errors, the clients it makes (exactly-once, configs), the
// uncaught exception handler, the global stream thread and its threads' OS
// names. A stream thread driven step by step is in stream_thread_test.cc.
// Loops are bounded by deadlines.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/streams/internal/runtime/global_stream_thread.h"
#include "samsa/streams/internal/runtime/state_directory.h"
#include "samsa/streams/kafka_streams.h"
#include "tests/streams/runtime/fake_clients.h"
#include "tests/streams/runtime/word_count.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams {
namespace {

using namespace internal;
using namespace testing_fakes;

int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// kafka_streams over the fakes, with real threads.
class streams_fixture {
public:
    std::map<std::string, std::string> props(const std::string& app) {
        return {{"application.id", app}, {"bootstrap.servers", "fake:1"}, {"state.dir", dir.string()},
                {"commit.interval.ms", "50"}, {"poll.ms", "5"}};
    }
    bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (pred()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return pred();
    }
    fake_cluster cluster;
    test_support::temp_dir dir{"ks-test"};
};

TEST(kafka_streams, runs_word_count_and_reports_states) {
    streams_fixture f;
    f.cluster.create("lines", 2);
    f.cluster.create("counts", 2);
    kafka_streams app(word_count_topology(), f.props("wc"), std::make_unique<fake_supplier>(f.cluster));
    std::mutex m;
    std::vector<std::pair<streams_state, streams_state>> transitions;
    app.set_state_listener([&](streams_state now, streams_state before) {
        std::lock_guard l(m);
        transitions.emplace_back(now, before);
    });
    EXPECT_EQ(app.state(), streams_state::created);
    app.start();
    f.cluster.append("lines", "k", "hello world hello", 1, 1);
    ASSERT_TRUE(f.wait_for([&] {
        for (const auto& r : f.cluster.all("counts")) {
            if (decode_string(r.key) == "hello" && decode_int64(r.value) == 2) return true;
        }
        return false;
    }));
    EXPECT_TRUE(f.wait_for([&] { return app.state() == streams_state::running; }));
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
    EXPECT_EQ(app.state(), streams_state::not_running);
    std::lock_guard l(m);
    ASSERT_GE(transitions.size(), 3u);
    EXPECT_EQ(transitions.front(), std::pair(streams_state::rebalancing, streams_state::created));
    EXPECT_EQ(transitions.back(), std::pair(streams_state::not_running, streams_state::pending_shutdown));
    // Offsets were committed on close.
    EXPECT_EQ(f.cluster.committed.at({"lines", 1}), samsa::offset(1));
}

TEST(kafka_streams, missing_source_topic_fails_start_with_a_clear_error) {
    streams_fixture f;
    kafka_streams app(word_count_topology(), f.props("wc"), std::make_unique<fake_supplier>(f.cluster));
    try {
        app.start();
        FAIL() << "expected streams_exception";
    } catch (const streams_exception& e) {
        EXPECT_NE(std::string(e.what()).find("Missing source topics: [lines]"), std::string::npos) << e.what();
    }
    EXPECT_EQ(app.state(), streams_state::error);
}

// exactly_once_v2 as Kafka 3.8 sets up its clients: a transactional producer
// per thread named <application.id>-<process id>-<thread index>, with the
// process id kept in the state directory (the same after a restart), and
// read_committed main and restore consumers.
TEST(kafka_streams, exactly_once_v2_makes_transactional_producers_and_read_committed_consumers) {
    streams_fixture f;
    f.cluster.create("lines", 1);
    f.cluster.create("counts", 1);
    auto props = f.props("wc");
    props["processing.guarantee"] = "exactly_once_v2";
    auto run_once = [&] {
        auto supplier = std::make_unique<fake_supplier>(f.cluster);
        fake_supplier* s = supplier.get();
        kafka_streams app(word_count_topology(), props, std::move(supplier));
        app.start();
        app.close(std::chrono::seconds(10));
        return s->configs;
    };
    std::vector<client_config> configs = run_once();
    std::string transactional_id;
    int consumers = 0;
    for (const auto& c : configs) {
        if (c.count("transactional.id")) {
            transactional_id = c.at("transactional.id");
            EXPECT_EQ(c.at("enable.idempotence"), "true");
        }
        if (c.count("client.id") && c.at("client.id").ends_with("consumer")) {
            ++consumers;
            EXPECT_EQ(c.count("isolation.level") ? c.at("isolation.level") : "", "read_committed")
                << c.at("client.id");
        }
    }
    EXPECT_EQ(consumers, 2) << "main and restore consumer";
    ASSERT_EQ(transactional_id.size(), std::string("wc--1").size() + 36) << transactional_id;
    EXPECT_TRUE(transactional_id.starts_with("wc-")) << transactional_id;
    EXPECT_TRUE(transactional_id.ends_with("-1")) << transactional_id;
    std::string again;
    for (const auto& c : run_once()) {
        if (c.count("transactional.id")) again = c.at("transactional.id");
    }
    EXPECT_EQ(again, transactional_id) << "the process id is kept in the state directory";
}

TEST(kafka_streams, at_least_once_makes_no_transactional_producer) {
    streams_fixture f;
    f.cluster.create("lines", 1);
    f.cluster.create("counts", 1);
    auto supplier = std::make_unique<fake_supplier>(f.cluster);
    fake_supplier* s = supplier.get();
    std::vector<client_config> configs;
    {
        kafka_streams app(word_count_topology(), f.props("wc"), std::move(supplier));
        app.start();
        app.close(std::chrono::seconds(10));
        configs = s->configs;
    }
    for (const auto& c : configs) {
        EXPECT_FALSE(c.count("transactional.id"));
        EXPECT_FALSE(c.count("isolation.level"));
    }
}

TEST(kafka_streams, passes_client_configs_and_uses_murmur2) {
    streams_fixture f;
    f.cluster.create("lines", 1);
    f.cluster.create("counts", 1);
    auto props = f.props("wc");
    props["consumer.fetch.wait.max.ms"] = "7";
    auto supplier = std::make_unique<fake_supplier>(f.cluster);
    fake_supplier* s = supplier.get();
    std::vector<client_config> configs;
    {
        kafka_streams app(word_count_topology(), props, std::move(supplier));
        app.start();
        app.close(std::chrono::seconds(10));
        configs = s->configs;  // the supplier dies with app
    }
    bool saw_consumer = false, saw_producer = false;
    for (const auto& c : configs) {
        if (c.count("group.id")) {
            saw_consumer = true;
            EXPECT_EQ(c.at("group.id"), "wc");
            EXPECT_EQ(c.at("fetch.wait.max.ms"), "7");
            EXPECT_EQ(c.at("partition.assignment.strategy"), "range");
            EXPECT_EQ(c.at("enable.auto.commit"), "false");
        }
        if (c.count("partitioner")) {
            saw_producer = true;
            EXPECT_EQ(c.at("partitioner"), "murmur2_random");
        }
    }
    EXPECT_TRUE(saw_consumer);
    EXPECT_TRUE(saw_producer);
}

topology failing_topology() {
    streams_builder b;
    b.stream("in", consumed<std::string, std::string>::with(serdes::string(), serdes::string()))
        .map_values([](const std::string& v) -> std::string {
            if (v == "boom") throw std::runtime_error("boom");
            return v;
        })
        .to("out", produced<std::string, std::string>::with(serdes::string(), serdes::string()));
    return b.build();
}

TEST(kafka_streams, uncaught_exception_handler_replaces_then_shuts_down) {
    streams_fixture f;
    f.cluster.create("in", 1);
    f.cluster.create("out", 1);
    f.cluster.append("in", "k", "boom", 1);
    kafka_streams app(failing_topology(), f.props("fail"), std::make_unique<fake_supplier>(f.cluster));
    std::atomic<int> calls{0};
    app.set_uncaught_exception_handler([&](std::exception_ptr) {
        return ++calls == 1 ? uncaught_exception_response::replace_thread
                            : uncaught_exception_response::shutdown_client;
    });
    app.start();
    ASSERT_TRUE(f.wait_for([&] { return app.state() == streams_state::error; }));
    EXPECT_EQ(calls.load(), 2);
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

topology global_join_topology() {
    streams_builder b;
    auto c = consumed<std::string, std::string>::with(serdes::string(), serdes::string());
    auto items = b.global_table("items", c, materialized<std::string, std::string>::as("items-store")
                                               .with_store_type(store_type::in_memory)
                                               .with_key_serde(serdes::string())
                                               .with_value_serde(serdes::string()));
    b.stream("orders", c)
        .join(items, [](const std::string&, const std::string& v) { return v; },
              [](const std::string& order, const std::string& item) { return order + "|" + item; })
        .to("mails", produced<std::string, std::string>::with(serdes::string(), serdes::string()));
    return b.build();
}

TEST(global_stream_thread, bootstraps_to_the_end_then_keeps_current) {
    streams_fixture f;
    f.cluster.create("items", 2);
    f.cluster.append("items", "i1", "pen", 1, 0);
    f.cluster.append("items", "i2", "ink", 1, 1);
    topology t = global_join_topology();
    auto config = *streams_config::parse(f.props("g"));
    state_directory dirs(config.state_dir, config.application_id);
    global_stream_thread g(config, t, dirs, std::make_unique<fake_reader>(f.cluster), wall_clock_ms);
    ASSERT_TRUE(g.initialize({{"items", 2}}));
    g.bootstrap();
    auto* store = g.stores().at("items-store");
    EXPECT_EQ(store->approximate_num_entries(), 2);
    f.cluster.append("items", "i3", "pad", 2, 0);
    size_t applied = 0;
    for (int i = 0; i < 5 && applied == 0; ++i) applied += g.poll_once(std::chrono::milliseconds(1));
    EXPECT_EQ(applied, 1u);
    EXPECT_EQ(store->approximate_num_entries(), 3);
}

TEST(kafka_streams, joins_a_stream_with_a_global_table) {
    streams_fixture f;
    f.cluster.create("items", 1);
    f.cluster.create("orders", 2);
    f.cluster.create("mails", 2);
    f.cluster.append("items", "i1", "pen", 1);
    f.cluster.append("orders", "o1", "i1", 5, 1);
    kafka_streams app(global_join_topology(), f.props("g"), std::make_unique<fake_supplier>(f.cluster));
    app.start();
    ASSERT_TRUE(f.wait_for([&] { return !f.cluster.all("mails").empty(); }));
    auto mails = f.cluster.all("mails");
    EXPECT_EQ(decode_string(mails[0].key), "o1");
    EXPECT_EQ(decode_string(mails[0].value), "i1|pen");
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

// The names the OS shows for this process's threads (/proc/self/task/*/comm).
std::set<std::string> os_thread_names() {
    std::set<std::string> names;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        if (std::getline(comm, name)) names.insert(name);
    }
    return names;
}

TEST(kafka_streams, names_its_os_threads_as_kafka_names_its_threads) {
    streams_fixture f;
    f.cluster.create("items", 1);
    f.cluster.create("orders", 1);
    f.cluster.create("mails", 1);
    kafka_streams app(global_join_topology(), f.props("g"), std::make_unique<fake_supplier>(f.cluster));
    app.start();
    ASSERT_TRUE(f.wait_for([&] { return app.state() == streams_state::running; }));
    // g-StreamThread-1 and g-GlobalStreamThread, cut to Linux's 15 characters.
    std::set<std::string> names = os_thread_names();
    EXPECT_EQ(names.count("g-StreamThread-"), 1u);
    EXPECT_EQ(names.count("g-GlobalStreamT"), 1u);
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

}  // namespace
}  // namespace samsa::streams
