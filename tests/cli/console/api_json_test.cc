// The console's JSON bodies and request parsing, without a cluster.
#include <gtest/gtest.h>

#include "samsa/cli/console/api_json.h"
#include "samsa/cli/console/console_command.h"
#include "samsa/cli/console/lag_history.h"
#include "samsa/cli/console/record_query.h"
#include "samsa/cli/console/node_rates.h"
#include "samsa/cli/console/topology_store.h"

namespace samsa::cli::console {
namespace {

TEST(console_api_json, errors_carry_a_code_a_message_and_an_http_status) {
    auto j = error_json(make_error(errc::not_found, "topic 'x' does not exist"));
    EXPECT_EQ(j["error"]["code"], "not_found");
    EXPECT_EQ(j["error"]["message"], "topic 'x' does not exist");
    EXPECT_EQ(http_status_of(errc::not_found), 404);
    EXPECT_EQ(http_status_of(errc::invalid_argument), 400);
    EXPECT_EQ(http_status_of(errc::out_of_range), 400);
    EXPECT_EQ(http_status_of(errc::timed_out), 503);
    EXPECT_EQ(http_status_of(errc::corrupt), 500);
}

TEST(console_api_json, topic_shows_partitions_offsets_record_counts_and_configs) {
    kafka::partition_info p0{partition_id(0), node_id(1), {1}, {1}, ""};
    kafka::partition_info p1{partition_id(1), node_id(1), {1}, {1}, ""};
    std::vector<partition_offsets> parts{{p0, {offset(2), offset(10)}}, {p1, {}}};
    std::vector<kafka::config_entry> configs{{"cleanup.policy", "compact", "DYNAMIC_TOPIC_CONFIG", false, false, false},
                                             {"sasl.secret", std::nullopt, "DEFAULT_CONFIG", true, true, true}};
    auto j = topic_json("orders", parts, configs);
    EXPECT_EQ(j["name"], "orders");
    ASSERT_EQ(j["partitions"].size(), 2u);
    EXPECT_EQ(j["partitions"][0]["start_offset"], 2);
    EXPECT_EQ(j["partitions"][0]["end_offset"], 10);
    EXPECT_EQ(j["partitions"][0]["records"], 8);
    EXPECT_TRUE(j["partitions"][1]["end_offset"].is_null());
    EXPECT_TRUE(j["partitions"][1]["records"].is_null());
    EXPECT_EQ(j["configs"][0]["value"], "compact");
    EXPECT_TRUE(j["configs"][1]["value"].is_null());
    EXPECT_EQ(j["configs"][1]["sensitive"], true);
}

TEST(console_api_json, topic_list_and_cluster) {
    kafka::cluster_metadata md;
    md.brokers.push_back({node_id(1), "127.0.0.1", 9092});
    md.topics.push_back({"__consumer_offsets", {{}}, ""});
    md.topics.push_back({"orders", {{}, {}}, ""});
    auto topics = topic_list_json(md, {std::nullopt, 5});
    ASSERT_EQ(topics["topics"].size(), 2u);
    EXPECT_EQ(topics["topics"][0]["internal"], true);
    EXPECT_TRUE(topics["topics"][0]["records"].is_null());
    EXPECT_EQ(topics["topics"][1]["partitions"], 2);
    EXPECT_EQ(topics["topics"][1]["records"], 5);
    auto cluster = cluster_json("127.0.0.1:9092", md);
    EXPECT_EQ(cluster["brokers"][0]["id"], 1);
    EXPECT_EQ(cluster["brokers"][0]["port"], 9092);
    EXPECT_EQ(cluster["topic_count"], 2);
}

TEST(console_api_json, records_keep_nulls_headers_and_survive_bytes_that_are_not_utf8) {
    kafka::record r;
    r.topic = "orders";
    r.partition = partition_id(0);
    r.offset = offset(7);
    r.timestamp = timestamp_ms(1700000000000);
    r.ts_type = kafka::timestamp_type::create_time;
    r.value = std::string("{\"id\":1}");
    r.headers = {{"trace", std::string("abc")}, {"empty", std::nullopt}};
    kafka::record binary = r;
    binary.offset = offset(8);
    binary.value = std::string("\xff\xfe bytes", 8);
    auto j = records_json({"orders", 0}, {offset(0), offset(9)}, 7, {r, binary});
    EXPECT_EQ(j["from_offset"], 7);
    EXPECT_EQ(j["end_offset"], 9);
    const auto& first = j["records"][0];
    EXPECT_EQ(first["offset"], 7);
    EXPECT_TRUE(first["key"].is_null());
    EXPECT_EQ(first["value"], "{\"id\":1}");
    EXPECT_EQ(first["timestamp_type"], "CreateTime");
    EXPECT_EQ(first["headers"][0]["key"], "trace");
    EXPECT_EQ(first["headers"][0]["value"], "abc");
    EXPECT_TRUE(first["headers"][1]["value"].is_null());
    std::string body;
    ASSERT_NO_THROW(body = dump_json(j));
    EXPECT_NE(body.find("\"offset\":8"), std::string::npos);
}

TEST(console_api_json, group_lag_per_partition_and_total) {
    kafka::group_description g;
    g.group_id = "billing";
    g.state = "Stable";
    g.coordinator = node_id(1);
    g.members.push_back({"m-1", "client", "/127.0.0.1", "", {{"orders", 0}}});
    partition_lag owned{{"orders", 0}, offset(3), offset(10), "m-1", "/127.0.0.1", "client"};
    partition_lag unknown_end{{"gone", 0}, offset(4), offset(-1), "", "", ""};
    partition_lag uncommitted{{"orders", 1}, offset(-1), offset(6), "", "", ""};
    auto j = group_json(g, {owned, unknown_end, uncommitted});
    EXPECT_EQ(j["group"], "billing");
    EXPECT_EQ(j["total_lag"], 7);
    EXPECT_EQ(j["partitions"][0]["lag"], 7);
    EXPECT_TRUE(j["partitions"][1]["lag"].is_null());
    EXPECT_TRUE(j["partitions"][2]["committed_offset"].is_null());
    EXPECT_EQ(j["members"][0]["assignment"][0]["topic"], "orders");
    EXPECT_TRUE(j["members"][0]["group_instance_id"].is_null());
    auto list = group_list_json({{"billing", "Stable", false}});
    EXPECT_EQ(list["groups"][0]["state"], "Stable");
}

TEST(console_record_query, reads_partition_offset_timestamp_and_limit) {
    auto q = parse_record_query({{"partition", "2"}, {"offset", "40"}, {"limit", "10"}});
    ASSERT_TRUE(q) << q.error().message;
    EXPECT_EQ(q->partition, 2);
    EXPECT_EQ(q->offset, 40);
    EXPECT_FALSE(q->timestamp_ms);
    EXPECT_EQ(q->limit, 10);

    auto t = parse_record_query({{"timestamp", "2024-05-01T12:00:00Z"}});
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(t->timestamp_ms, 1714564800000);
    EXPECT_EQ(t->partition, 0);
    EXPECT_EQ(t->limit, 50);

    auto defaults = parse_record_query({{"offset", ""}});
    ASSERT_TRUE(defaults);
    EXPECT_FALSE(defaults->offset);
}

TEST(console_record_query, refuses_bad_values_naming_them) {
    const std::multimap<std::string, std::string> bad[] = {
        {{"offset", "-3"}}, {{"offset", "abc"}}, {{"partition", "x"}}, {{"limit", "0"}},
        {{"limit", "100000"}}, {{"timestamp", "yesterday"}}, {{"offset", "1"}, {"timestamp", "5"}}};
    for (const auto& params : bad) {
        auto q = parse_record_query(params);
        ASSERT_FALSE(q) << params.begin()->first << "=" << params.begin()->second;
        EXPECT_EQ(q.error().code, errc::invalid_argument);
    }
}

TEST(console_lag_history, keeps_the_window_and_forgets_deleted_groups) {
    lag_history h(std::chrono::milliseconds(1000));
    h.record(1000, {{"a", 5, {}}, {"b", 1, {}}});
    h.record(1500, {{"a", 3, {{"orders-0", 1}, {"orders-1", 2}}}, {"b", 2, {}}});
    h.record(2400, {{"a", 0, {}}});
    auto a = h.samples("a");
    ASSERT_EQ(a.size(), 2u);  // 1000 is older than 2400 - 1000
    EXPECT_EQ(a[0].time_ms, 1500);
    EXPECT_EQ(a[1].lag, 0);
    EXPECT_TRUE(h.samples("b").empty());
    auto j = h.to_json("a");
    EXPECT_EQ(j["window_ms"], 1000);
    EXPECT_EQ(j["samples"][0]["lag"], 3);
    EXPECT_EQ(j["samples"][0]["partitions"]["orders-1"], 2);
    EXPECT_TRUE(j["samples"][1]["partitions"].empty());
    EXPECT_TRUE(h.to_json("nobody")["samples"].empty());
}

TEST(console_topology_store, keeps_the_old_text_when_a_new_one_does_not_parse) {
    topology_store store;
    ASSERT_TRUE(store.put("app", "Sub-topology: 0\n  Source: s (topics: [in])\n    --> none\n"));
    auto bad = store.put("app", "not a topology");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::invalid_argument);
    auto got = store.get_json("app");
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["graph"]["nodes"][0]["id"], "s");
    EXPECT_EQ(store.list_json()["topologies"].size(), 1u);
    EXPECT_FALSE(store.put("", "Sub-topology: 0\n"));
    auto missing = store.get_json("nope");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, errc::not_found);
}

TEST(console_topology_store, reads_a_running_application_again_each_time) {
    int calls = 0;
    std::string served = "Sub-topology: 0\n  Source: s (topics: [in])\n    --> none\n";
    topology_store store([&](const std::string& url) -> result<std::string> {
        ++calls;
        if (url == "http://down/") return make_error(errc::io_error, "did not answer");
        return served;
    });
    ASSERT_TRUE(store.put_url("app", "http://app/topology"));
    served = "Sub-topology: 0\n  Source: changed (topics: [in])\n    --> none\n";
    auto got = store.get_json("app");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ((*got)["graph"]["nodes"][0]["id"], "changed");
    EXPECT_EQ((*got)["url"], "http://app/topology");
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(store.list_json()["topologies"][0]["url"], "http://app/topology");

    auto down = store.put_url("other", "http://down/");
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().code, errc::io_error);
    served = "garbage";
    auto bad = store.get_json("app");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("http://app/topology"), std::string::npos);
    // Without a fetcher, URLs are refused.
    topology_store plain;
    EXPECT_FALSE(plain.put_url("x", "http://app/"));
}

// What samsa::streams' endpoint writes (prometheus_text.h), and the JMX
// exporter's extra client_id label: a node's rate is summed over its tasks.
TEST(console_node_rates, sums_each_nodes_process_rate_over_its_tasks) {
    const std::string text =
        "# HELP kafka_streams_stream_processor_node_metrics_process_rate Kafka Streams stream-processor-node-metrics process-rate\n"
        "# TYPE kafka_streams_stream_processor_node_metrics_process_rate gauge\n"
        "kafka_streams_stream_processor_node_metrics_process_rate{processor_node_id=\"KSTREAM-SOURCE-0000000000\",task_id=\"0_0\",thread_id=\"a-StreamThread-1\"} 5\n"
        "kafka_streams_stream_processor_node_metrics_process_rate{processor_node_id=\"KSTREAM-SOURCE-0000000000\",task_id=\"0_1\",thread_id=\"a-StreamThread-1\"} 7.5\n"
        "kafka_streams_stream_processor_node_metrics_process_rate{client_id=\"c\",processor_node_id=\"odd \\\"name\\\\\",task_id=\"1_0\"} 2 1700000000000\n"
        "kafka_streams_stream_processor_node_metrics_process_rate{processor_node_id=\"KSTREAM-SINK-0000000002\",task_id=\"0_0\"} NaN\n"
        "kafka_streams_stream_processor_node_metrics_process_total{processor_node_id=\"KSTREAM-SOURCE-0000000000\",task_id=\"0_0\"} 900\n"
        "kafka_streams_stream_processor_node_metrics_process_rate_other{processor_node_id=\"x\"} 1\n"
        "kafka_streams_stream_processor_node_metrics_process_rate{processor_node_id=\"cut\n"
        "kafka_streams_stream_task_metrics_process_rate{task_id=\"0_0\"} 99\n";
    auto rates = node_process_rates(text);
    ASSERT_EQ(rates.size(), 2u);
    EXPECT_DOUBLE_EQ(rates.at("KSTREAM-SOURCE-0000000000"), 12.5);
    EXPECT_DOUBLE_EQ(rates.at("odd \"name\\"), 2);
    EXPECT_TRUE(node_process_rates("").empty());
    EXPECT_TRUE(node_process_rates("garbage{{{\n\"\n").empty());
}

TEST(console_topology_store, shows_node_rates_from_the_metrics_url_or_why_not) {
    std::string metrics =
        "kafka_streams_stream_processor_node_metrics_process_rate{processor_node_id=\"s\",task_id=\"0_0\"} 3.25\n";
    bool metrics_up = true;
    topology_store store([&](const std::string& url) -> result<std::string> {
        if (url == "http://app/metrics" && metrics_up) return metrics;
        return make_error(errc::io_error, "did not answer");
    });
    ASSERT_TRUE(store.put("app", "Sub-topology: 0\n  Source: s (topics: [in])\n    --> none\n"));
    auto plain = store.get_json("app");
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->contains("metrics_url"));
    EXPECT_FALSE(plain->contains("node_rates"));

    store.put_metrics_url("app", "http://app/metrics");
    auto with = store.get_json("app");
    ASSERT_TRUE(with);
    EXPECT_EQ((*with)["metrics_url"], "http://app/metrics");
    EXPECT_DOUBLE_EQ((*with)["node_rates"]["s"].get<double>(), 3.25);
    EXPECT_FALSE(with->contains("metrics_error"));

    // An application that stops answering leaves the picture without rates.
    metrics_up = false;
    auto down = store.get_json("app");
    ASSERT_TRUE(down) << down.error().message;
    EXPECT_FALSE(down->contains("node_rates"));
    EXPECT_NE((*down)["metrics_error"].get<std::string>().find("did not answer"), std::string::npos);
    EXPECT_EQ((*down)["graph"], (*plain)["graph"]);
}

TEST(console_listen_address, host_and_port) {
    auto a = parse_listen_address("127.0.0.1:8080");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 8080);
    auto v6 = parse_listen_address("[::1]:0");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 0);
    EXPECT_FALSE(parse_listen_address("8080"));
    EXPECT_FALSE(parse_listen_address("host:"));
    EXPECT_FALSE(parse_listen_address("host:70000"));
}

}  // namespace
}  // namespace samsa::cli::console
