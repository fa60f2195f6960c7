// The command line as users type it, parsed by the real application object;
// nothing here talks to a broker (every error is found before connecting).

#include <gtest/gtest.h>

#include <sstream>

#include "samsa/cli/application.h"

namespace samsa::cli {
namespace {

struct run_outcome {
    int status;
    std::string out;
    std::string err;
};

run_outcome run(const std::vector<std::string>& args) {
    application app;
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    command_io io{in, out, err};
    int status = app.run(args, io);
    return {status, out.str(), err.str()};
}

TEST(cli_arguments, topics_create_with_kafka_flags) {
    application app;
    ASSERT_TRUE(app.parse({"topics", "create", "--bootstrap-server", "k:9092", "--topic", "orders", "--partitions", "3",
                           "--replication-factor", "1", "--config", "cleanup.policy=compact", "--config",
                           "retention.ms=1000", "-X", "debug=broker", "--timeout", "500"}));
    EXPECT_EQ(app.connection.bootstrap_server, "k:9092");
    EXPECT_EQ(app.connection.timeout_ms, 500);
    ASSERT_EQ(app.connection.client_properties.size(), 1u);
    auto plan = plan_topic_create(app.topics);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(plan->name, "orders");
    EXPECT_EQ(plan->partitions, 3);
    EXPECT_EQ(plan->replication_factor, 1);
    ASSERT_EQ(plan->configs.size(), 2u);
    EXPECT_EQ(plan->configs.at("retention.ms"), "1000");
}

TEST(cli_arguments, topics_create_defaults_to_the_brokers_partition_count) {
    application app;
    ASSERT_TRUE(app.parse({"topics", "create", "--topic", "t"}));
    auto plan = plan_topic_create(app.topics);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->partitions, -1);
    EXPECT_EQ(plan->replication_factor, -1);
    EXPECT_EQ(app.connection.bootstrap_server, "localhost:9092");
}

TEST(cli_arguments, topics_alter_needs_something_to_change) {
    application app;
    ASSERT_TRUE(app.parse({"topics", "alter", "--topic", "t"}));
    auto plan = plan_topic_alter(app.topics);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().message.find("--partitions, --config or --delete-config"), std::string::npos);

    application app2;
    ASSERT_TRUE(app2.parse({"topics", "alter", "--topic", "t", "--partitions", "6", "--config", "a=1",
                            "--delete-config", "b"}));
    auto plan2 = plan_topic_alter(app2.topics);
    ASSERT_TRUE(plan2);
    EXPECT_EQ(plan2->partitions, 6);
    EXPECT_EQ(plan2->remove, std::vector<std::string>{"b"});
}

TEST(cli_arguments, consume_start_positions) {
    using kind = kafka::start_position::kind;
    struct tc {
        std::vector<std::string> args;
        kind where;
        int64_t value;
    };
    for (const auto& c : std::vector<tc>{
             {{}, kind::end, 0},
             {{"--from-beginning"}, kind::beginning, 0},
             {{"--offset", "earliest"}, kind::beginning, 0},
             {{"--offset", "latest"}, kind::end, 0},
             {{"--offset", "42", "--partition", "1"}, kind::offset, 42},
             {{"--from-time", "1700000000000"}, kind::time, 1700000000000},
             {{"--from-time", "2023-11-14T22:13:20Z"}, kind::time, 1700000000000},
         }) {
        application app;
        std::vector<std::string> args{"consume", "--topic", "t"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        ASSERT_TRUE(app.parse(args));
        auto plan = plan_consume(app.consume);
        ASSERT_TRUE(plan) << plan.error().message;
        EXPECT_EQ(plan->consumer.start.where, c.where) << args.back();
        EXPECT_EQ(plan->consumer.start.value, c.value) << args.back();
    }
}

TEST(cli_arguments, consume_partitions_limits_and_printing) {
    application app;
    ASSERT_TRUE(app.parse({"consume", "--topic", "t", "--partition", "2,0", "--partition", "2", "--max-messages", "5",
                           "--timeout-ms", "1500", "--print-key", "--property", "print.offset=true", "--key-separator",
                           "\\t|", "--format", "json"}));
    auto plan = plan_consume(app.consume);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(plan->consumer.partitions, (std::vector<int32_t>{0, 2}));
    EXPECT_EQ(plan->max_messages, 5);
    EXPECT_EQ(plan->idle_timeout, std::chrono::milliseconds(1500));
    EXPECT_TRUE(plan->text.print_key);
    EXPECT_TRUE(plan->text.print_offset);
    EXPECT_EQ(plan->text.key_separator, "\t|");
    EXPECT_EQ(plan->format, output_format::json);
    EXPECT_FALSE(plan->consumer.group);
}

TEST(cli_arguments, consume_with_a_group) {
    application app;
    ASSERT_TRUE(app.parse({"consume", "--topic", "t", "--group", "billing", "--from-beginning"}));
    auto plan = plan_consume(app.consume);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->consumer.group, "billing");
    EXPECT_EQ(plan->consumer.start.where, kafka::start_position::kind::beginning);
}

TEST(cli_arguments, consume_rejects_contradictions) {
    for (const auto& extra : std::vector<std::vector<std::string>>{
             {"--from-beginning", "--offset", "3"},
             {"--offset", "3", "--from-time", "0"},
             {"--offset", "-3"},
             {"--offset", "soon"},
             {"--from-time", "yesterday"},
             {"--group", "g", "--partition", "0"},
             {"--group", "g", "--offset", "5"},
             {"--max-messages", "0"},
             {"--timeout-ms", "0"},
             {"--format", "xml"},
             {"--property", "print.everything=true"},
         }) {
        application app;
        std::vector<std::string> args{"consume", "--topic", "t"};
        args.insert(args.end(), extra.begin(), extra.end());
        ASSERT_TRUE(app.parse(args)) << extra.front();
        EXPECT_FALSE(plan_consume(app.consume)) << extra.front();
    }
}

TEST(cli_arguments, produce_key_separator_and_headers) {
    application app;
    ASSERT_TRUE(app.parse({"produce", "--topic", "t", "--key-separator", ":", "--header", "source=cli", "-H", "v=2",
                           "--property", "parse.headers=true", "--partition", "1"}));
    auto plan = plan_produce(app.produce);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_TRUE(plan->reader.parse_key);
    EXPECT_EQ(plan->reader.key_separator, ":");
    EXPECT_TRUE(plan->reader.parse_headers);
    ASSERT_EQ(plan->headers.size(), 2u);
    EXPECT_EQ(plan->headers[0].key, "source");
    EXPECT_EQ(plan->headers[0].value, "cli");
    EXPECT_EQ(plan->partition, 1);
}

TEST(cli_arguments, produce_kafka_style_properties) {
    application app;
    ASSERT_TRUE(app.parse({"produce", "--topic", "t", "--property", "parse.key=true", "--property", "key.separator=|"}));
    auto plan = plan_produce(app.produce);
    ASSERT_TRUE(plan);
    EXPECT_TRUE(plan->reader.parse_key);
    EXPECT_EQ(plan->reader.key_separator, "|");
}

TEST(cli_arguments, usage_errors_exit_2_with_a_message_before_any_connection) {
    struct tc {
        std::vector<std::string> args;
        std::string expected;
    };
    for (const auto& c : std::vector<tc>{
             {{"topics", "create"}, "--topic"},
             {{"topics", "create", "--topic", "t", "--partitions", "0"}, "--partitions"},
             {{"topics", "create", "--topic", "t", "--partitions", "three"}, "--partitions"},
             {{"topics", "create", "--topic", "t", "--config", "nokey"}, "--config expects key=value"},
             {{"topics", "frobnicate"}, "frobnicate"},
             {{"topics"}, "subcommand"},
             {{"produce", "--topic", "t", "--property", "parse.key=maybe"}, "parse.key"},
             {{"produce", "--topic", "t", "-X", "nonsense"}, "-X expects key=value"},
             {{"consume", "--topic", "t", "--offset", "x"}, "--offset"},
             {{"consume"}, "--topic"},
             {{"groups", "describe"}, "--group or --all-groups"},
             {{"groups", "list", "--format", "yaml"}, "--format"},
             {{"nonsense"}, "nonsense"},
             {{"topics", "list", "--timeout", "0"}, "--timeout"},
         }) {
        auto r = run(c.args);
        EXPECT_EQ(r.status, exit_usage) << c.args.back() << "\n" << r.err;
        EXPECT_NE(r.err.find(c.expected), std::string::npos) << "expected '" << c.expected << "' in: " << r.err;
    }
}

TEST(cli_arguments, help_and_version_exit_0) {
    auto help = run({"--help"});
    EXPECT_EQ(help.status, exit_ok);
    EXPECT_NE(help.out.find("topics"), std::string::npos);
    auto sub = run({"consume", "--help"});
    EXPECT_EQ(sub.status, exit_ok);
    EXPECT_NE(sub.out.find("--from-beginning"), std::string::npos);
    auto version = run({"--version"});
    EXPECT_EQ(version.status, exit_ok);
    EXPECT_NE(version.out.find("samsa"), std::string::npos);
}

TEST(cli_arguments, no_arguments_prints_usage_and_exits_2) {
    auto r = run({});
    EXPECT_EQ(r.status, exit_usage);
    EXPECT_NE(r.err.find("consume"), std::string::npos);
}

TEST(cli_groups, lag_joins_assignments_and_commits) {
    kafka::group_description g;
    g.group_id = "billing";
    g.members.push_back({"m1", "c1", "/10.0.0.1", "", {{"t", 0}, {"t", 1}}});
    std::vector<kafka::committed_offset> committed{{{"t", 1}, offset(5), ""},
                                                   {{"old", 0}, offset(3), ""}};
    auto rows = join_offsets(g, committed);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].tp.topic, "old");
    EXPECT_EQ(rows[0].member_id, "");
    EXPECT_EQ(rows[1].tp.partition, 0);
    EXPECT_EQ(rows[1].committed, offset(-1));
    EXPECT_EQ(rows[1].member_id, "m1");
    EXPECT_EQ(rows[2].committed, offset(5));
    rows[2].log_end = offset(9);
    EXPECT_EQ(rows[2].lag(), 4);
    EXPECT_FALSE(rows[1].lag());
}

TEST(cli_table, columns_are_aligned) {
    EXPECT_EQ(format_table({{"A", "BB"}, {"ccc", "d"}}), "A    BB\nccc  d\n");
}

}  // namespace
}  // namespace samsa::cli
