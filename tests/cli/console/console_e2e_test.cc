// `samsa console` end to end: the real samsa-broker, data made with the real
// `samsa` tool, the console as a child process, its JSON API read with
// cpp-httplib, and every view of the page checked in headless Chromium
// (console_page_check.js, puppeteer-core), with a screenshot per view in
// <build>/tests/artifacts/console/.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.h"
#include "tests/cli/console/console_process.h"
#include "tests/support/temp_dir.h"

namespace samsa::cli::testing {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

fs::path source_root() {
    const char* dir = std::getenv("SAMSA_SOURCE_DIR");
    return dir != nullptr ? fs::path(dir) : fs::path(SAMSA_DEFAULT_SOURCE_DIR);
}

// GET or POST against the console; the status and the parsed body.
struct http_answer {
    int status = 0;
    nlohmann::json body;
};

http_answer http_get(uint16_t port, const std::string& path) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30, 0);
    auto res = client.Get(path.c_str());
    if (!res) return {};
    return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
}

http_answer http_post(uint16_t port, const std::string& path, const std::string& body) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30, 0);
    auto res = client.Post(path.c_str(), body, "application/json");
    if (!res) return {};
    return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
}

// The console picks its own port (console_process reads it from its output).
std::vector<std::string> console_args(const std::string& bootstrap, std::vector<std::string> more = {}) {
    std::vector<std::string> args{samsa_binary(), "console", "--bootstrap-server", bootstrap, "--listen",
                                  "127.0.0.1:0", "--lag-interval-ms", "300", "--timeout", "5000"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

class cli_integration_console : public cli_integration_test {};

TEST_F(cli_integration_console, every_view_shows_the_cluster_in_headless_chromium) {
    const std::string topic = "console-orders";
    const std::string group = "console-billing";
    create_topic(topic, 2);
    // Three JSON records with headers into partition 0; the group reads one.
    auto produced = samsa({"produce", "--topic", topic, "--partition", "0", "--property", "parse.key=true",
                           "--property", "parse.headers=true"},
                          "trace:abc-123,source:test\tk1\t{\"customer\":\"alice-console\",\"amount\":42}\n"
                          "trace:abc-124\tk2\t{\"customer\":\"bob-console\",\"amount\":7}\n"
                          "trace:abc-125\tk3\tplain text value\n");
    ASSERT_SAMSA_OK(produced);
    auto consumed = samsa({"consume", "--topic", topic, "--group", group, "--from-beginning", "--max-messages", "1",
                           "--timeout-ms", "10000"});
    ASSERT_SAMSA_OK(consumed);

    // A stand-in for the application's metrics endpoint (samsa.metrics.listener):
    // the key selector ran in two tasks, at 5 and 7.5 records/s.
    httplib::Server app_metrics;
    app_metrics.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(
            "kafka_streams_stream_processor_node_metrics_process_rate{processor_node_id=\"KSTREAM-KEY-SELECT-0000000013\","
            "task_id=\"0_0\",thread_id=\"order-mail-StreamThread-1\"} 5\n"
            "kafka_streams_stream_processor_node_metrics_process_rate{processor_node_id=\"KSTREAM-KEY-SELECT-0000000013\","
            "task_id=\"0_1\",thread_id=\"order-mail-StreamThread-1\"} 7.5\n",
            "text/plain; version=0.0.4");
    });
    int metrics_port = app_metrics.bind_to_any_port("127.0.0.1");
    ASSERT_GT(metrics_port, 0);
    std::thread metrics_serving([&] { app_metrics.listen_after_bind(); });
    struct stop_metrics {
        httplib::Server& server;
        std::thread& thread;
        ~stop_metrics() {
            server.stop();
            thread.join();
        }
    } stop_metrics_at_exit{app_metrics, metrics_serving};
    std::string metrics_url = "http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics";

    test_support::temp_dir dir("console");
    auto topology_file = dir.path() / "order-mail.txt";
    fs::copy_file(source_root() / "tests/streams/golden/01-order-mail.txt", topology_file);
    console_process console(console_args(bootstrap(),
                                         {"--topology", "order-mail=" + topology_file.string(), "--metrics",
                                          "order-mail=" + metrics_url}),
                            dir.path() / "console.log");
    ASSERT_TRUE(console.start(std::chrono::seconds(15))) << console.log_text();
    const uint16_t port = console.port();
    auto topology = http_get(port, "/api/topologies/order-mail");
    ASSERT_EQ(topology.status, 200) << topology.body.dump();
    EXPECT_EQ(topology.body["metrics_url"], metrics_url);
    EXPECT_DOUBLE_EQ(topology.body["node_rates"]["KSTREAM-KEY-SELECT-0000000013"].get<double>(), 12.5)
        << topology.body.dump();

    // The API first: exact numbers.
    auto g = http_get(port, "/api/groups/" + group);
    ASSERT_EQ(g.status, 200) << g.body.dump();
    EXPECT_EQ(g.body["total_lag"], 2);
    auto records = http_get(port, "/api/topics/" + topic + "/records?partition=0&offset=1&limit=1");
    ASSERT_EQ(records.status, 200) << records.body.dump();
    ASSERT_EQ(records.body["records"].size(), 1u);
    EXPECT_EQ(records.body["records"][0]["key"], "k2");
    EXPECT_EQ(records.body["records"][0]["headers"][0]["value"], "abc-124");
    auto by_time = http_get(port, "/api/topics/" + topic + "/records?partition=0&timestamp=0");
    ASSERT_EQ(by_time.status, 200) << by_time.body.dump();
    EXPECT_EQ(by_time.body["from_offset"], 0);
    EXPECT_EQ(by_time.body["records"].size(), 3u);
    auto future = http_get(port, "/api/topics/" + topic + "/records?partition=0&timestamp=4102444800000");
    ASSERT_EQ(future.status, 200) << future.body.dump();
    EXPECT_EQ(future.body["from_offset"], 3);
    EXPECT_TRUE(future.body["records"].empty());

    fs::path shots = SAMSA_CONSOLE_SCREENSHOT_DIR;
    nlohmann::json want{{"topic", topic},
                        {"record_text", "alice-console"},
                        {"header_text", "trace: abc-123"},
                        {"group", group},
                        {"lag", 2},
                        {"bootstrap_host", "127.0.0.1"},
                        {"topology", "order-mail"},
                        {"topology_node", "KSTREAM-KEY-SELECT-0000000013"},
                        {"topology_rate", "12.5 rec/s"},
                        {"paste_name", "word-count"},
                        {"paste_text", read_file(source_root() / "tests/streams/golden/02-word-count.txt")},
                        {"paste_node", "KSTREAM-FLATMAPVALUES-0000000001"}};
    test_support::command_options options;
    options.timeout = std::chrono::seconds(90);
    options.env["NODE_PATH"] = (source_root() / "tests/clients/node/node_modules").string();
    auto check = test_support::run_command(
        {"node", (source_root() / "tests/cli/console/console_page_check.js").string(),
         "http://127.0.0.1:" + std::to_string(port) + "/", shots.string(), want.dump()},
        options);
    EXPECT_TRUE(check.ok()) << check.describe() << "\nconsole log:\n" << console.log_text();
    for (const auto* view : {"topics", "topic", "records", "groups", "group", "brokers", "streams", "topology"}) {
        EXPECT_TRUE(fs::exists(shots / (std::string(view) + ".png"))) << view;
    }
    EXPECT_TRUE(console.running()) << console.log_text();
    EXPECT_EQ(console.stop(), 0) << console.log_text();
}

TEST_F(cli_integration_console, bad_input_gets_a_json_error_and_the_console_keeps_serving) {
    create_topic("console-small", 1);
    test_support::temp_dir dir("console");
    console_process console(console_args(bootstrap()), dir.path() / "console.log");
    ASSERT_TRUE(console.start(std::chrono::seconds(15))) << console.log_text();
    const uint16_t port = console.port();

    struct bad_get {
        std::string path;
        int status;
        std::string code;
        std::string message_part;
    };
    const bad_get cases[] = {
        {"/api/topics/no-such-topic", 404, "not_found", "does not exist"},
        {"/api/topics/console-small/records?partition=5", 404, "not_found", "has no partition 5"},
        {"/api/topics/console-small/records?offset=-1", 400, "invalid_argument", "offset"},
        {"/api/topics/console-small/records?offset=10", 400, "out_of_range", "past the end"},
        {"/api/topics/console-small/records?timestamp=soon", 400, "invalid_argument", "timestamp"},
        {"/api/groups/no-such-group", 404, "not_found", "does not exist"},
        {"/api/brokers/x/configs", 400, "invalid_argument", "broker id"},
        {"/api/topologies/nothing", 404, "not_found", "no topology"},
        {"/api/no-such-api", 404, "not_found", "no such API"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.path);
        auto a = http_get(port, c.path);
        EXPECT_EQ(a.status, c.status) << a.body.dump();
        EXPECT_EQ(a.body["error"]["code"], c.code);
        EXPECT_NE(a.body["error"]["message"].get<std::string>().find(c.message_part), std::string::npos)
            << a.body.dump();
    }
    auto garbage = http_post(port, "/api/topologies", R"({"name":"x","text":"Sub-topology: 0\n  Source: s\n"})");
    EXPECT_EQ(garbage.status, 400);
    EXPECT_NE(garbage.body["error"]["message"].get<std::string>().find("line 2"), std::string::npos)
        << garbage.body.dump();
    auto not_json = http_post(port, "/api/topologies", "{{{");
    EXPECT_EQ(not_json.status, 400);
    auto page = http_get(port, "/api/topics");
    EXPECT_EQ(page.status, 200);
    EXPECT_TRUE(console.running());
    EXPECT_EQ(console.stop(), 0) << console.log_text();
}

TEST_F(cli_integration_console, an_unreachable_cluster_is_an_error_in_the_api_not_a_crash) {
    test_support::temp_dir dir("console");
    uint16_t nothing_there = test_support::pick_free_port();
    console_process console(
        console_args("127.0.0.1:" + std::to_string(nothing_there), {"--connect-grace", "500"}),
        dir.path() / "console.log");
    ASSERT_TRUE(console.start(std::chrono::seconds(15))) << console.log_text();
    const uint16_t port = console.port();
    auto a = http_get(port, "/api/topics");
    EXPECT_EQ(a.status, 503) << a.body.dump();
    EXPECT_TRUE(a.body["error"]["message"].is_string()) << a.body.dump();
    // The page itself is still served.
    httplib::Client client("127.0.0.1", port);
    auto index = client.Get("/");
    ASSERT_TRUE(index);
    EXPECT_EQ(index->status, 200);
    EXPECT_NE(index->body.find("Samsa console"), std::string::npos);
    EXPECT_TRUE(console.running());
    EXPECT_EQ(console.stop(), 0) << console.log_text();
}

TEST_F(cli_integration_console, a_cluster_that_goes_away_is_an_error_until_it_is_back) {
    test_support::broker_process own_broker;
    ASSERT_TRUE(own_broker.start()) << own_broker.failure();
    test_support::temp_dir dir("console");
    console_process console(console_args(own_broker.bootstrap()), dir.path() / "console.log");
    ASSERT_TRUE(console.start(std::chrono::seconds(15))) << console.log_text();
    const uint16_t port = console.port();
    EXPECT_EQ(http_get(port, "/api/topics").status, 200);

    own_broker.stop();
    auto down = http_get(port, "/api/topics");
    EXPECT_EQ(down.status, 503) << down.body.dump();
    EXPECT_TRUE(down.body["error"]["message"].is_string()) << down.body.dump();
    EXPECT_TRUE(console.running()) << console.log_text();

    ASSERT_TRUE(own_broker.start()) << own_broker.failure();
    // librdkafka reconnects on its own; a few bounded tries.
    int status = 0;
    for (int i = 0; i < 10 && status != 200; ++i) status = http_get(port, "/api/cluster").status;
    EXPECT_EQ(status, 200);
    EXPECT_EQ(console.stop(), 0) << console.log_text();
}

TEST_F(cli_integration_console, draws_a_topology_read_from_a_running_application_url) {
    // A stand-in for a streams application that serves its describe() text.
    httplib::Server app;
    std::string served = read_file(source_root() / "tests/streams/golden/02-word-count.txt");
    std::mutex served_mutex;
    app.Get("/topology", [&](const httplib::Request&, httplib::Response& res) {
        std::lock_guard lock(served_mutex);
        res.set_content(served, "text/plain");
    });
    int app_port = app.bind_to_any_port("127.0.0.1");
    ASSERT_GT(app_port, 0);
    std::thread serving([&] { app.listen_after_bind(); });

    test_support::temp_dir dir("console");
    console_process console(
        console_args(bootstrap(), {"--topology", "wc=http://127.0.0.1:" + std::to_string(app_port) + "/topology"}),
        dir.path() / "console.log");
    bool started = console.start(std::chrono::seconds(15));
    EXPECT_TRUE(started) << console.log_text();
    if (started) {
        const uint16_t port = console.port();
        auto a = http_get(port, "/api/topologies/wc");
        EXPECT_EQ(a.status, 200) << a.body.dump();
        EXPECT_NE(a.body.dump().find("KSTREAM-FLATMAPVALUES-0000000001"), std::string::npos);
        {
            std::lock_guard lock(served_mutex);
            served = "not a topology any more";
        }
        auto broken = http_get(port, "/api/topologies/wc");
        EXPECT_EQ(broken.status, 400) << broken.body.dump();
        app.stop();
        serving.join();
        auto gone = http_get(port, "/api/topologies/wc");
        EXPECT_EQ(gone.status, 503) << gone.body.dump();
        EXPECT_NE(gone.body["error"]["message"].get<std::string>().find("did not answer"), std::string::npos);
        EXPECT_EQ(console.stop(), 0) << console.log_text();
    } else {
        app.stop();
        serving.join();
    }
}

}  // namespace
}  // namespace samsa::cli::testing
