// samsa groups reset-offsets|delete|delete-offsets, offsets, delete-records,
// configs describe and streams reset against the real samsa-broker.

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.h"
#include "tests/support/temp_dir.h"

namespace samsa::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

class cli_integration_admin : public cli_integration_test {
protected:
    // `count` records into `topic`, then the group consumes all of them
    // (committing) and leaves.
    void produce_and_consume(const std::string& topic, int partitions, int count, const std::string& group) {
        create_topic(topic, partitions);
        std::string input;
        for (int i = 0; i < count; ++i) input += fmt::format("k{}:v{}\n", i, i);
        ASSERT_SAMSA_OK(samsa({"produce", "--topic", topic, "--key-separator", ":"}, input));
        auto consumed = samsa({"consume", "--topic", topic, "--group", group, "--from-beginning", "--max-messages",
                               std::to_string(count), "--timeout-ms", "20000"});
        ASSERT_SAMSA_OK(consumed);
        ASSERT_EQ(lines(consumed.out).size(), static_cast<size_t>(count));
    }

    // The group's committed offsets per "topic-partition".
    std::map<std::string, int64_t> committed(const std::string& group) {
        std::map<std::string, int64_t> out;
        auto r = samsa({"groups", "describe", "--group", group, "--format", "json"});
        EXPECT_SAMSA_OK(r);
        if (!r.ok()) return out;
        auto described = nlohmann::json::parse(r.out);  // kept: the loop views into it
        for (const auto& o : described[0]["offsets"]) {
            if (o["current_offset"].is_null()) continue;
            out[fmt::format("{}-{}", o["topic"].get<std::string>(), o["partition"].get<int>())] =
                o["current_offset"].get<int64_t>();
        }
        return out;
    }

    int64_t total(const std::map<std::string, int64_t>& offsets) {
        int64_t sum = 0;
        for (const auto& [tp, o] : offsets) sum += o;
        return sum;
    }
};

TEST_F(cli_integration_admin, reset_offsets_is_a_dry_run_until_execute_and_follows_each_strategy) {
    produce_and_consume("work", 2, 10, "billing");
    ASSERT_EQ(total(committed("billing")), 10);

    auto dry = samsa({"groups", "reset-offsets", "--group", "billing", "--topic", "work", "--to-earliest"});
    ASSERT_SAMSA_OK(dry);
    EXPECT_THAT(dry.err, HasSubstr("No action will be performed as the --execute option is missing"));
    EXPECT_THAT(dry.out, HasSubstr("NEW-OFFSET"));
    EXPECT_EQ(total(committed("billing")), 10) << "a dry run changed the offsets";

    ASSERT_SAMSA_OK(samsa({"groups", "reset-offsets", "--group", "billing", "--topic", "work", "--to-earliest", "--execute"}));
    EXPECT_EQ(total(committed("billing")), 0);

    // +3 on each partition, clamped to each partition's end.
    ASSERT_SAMSA_OK(samsa({"groups", "reset-offsets", "--group", "billing", "--all-topics", "--shift-by", "3", "--execute"}));
    auto shifted = committed("billing");
    ASSERT_EQ(shifted.size(), 2u);
    for (const auto& [tp, o] : shifted) EXPECT_LE(o, 3) << tp;
    EXPECT_GE(total(shifted), 3);

    ASSERT_SAMSA_OK(samsa({"groups", "reset-offsets", "--group", "billing", "--topic", "work:0", "--to-offset", "1000",
                           "--execute", "--format", "json"}));
    ASSERT_SAMSA_OK(samsa({"groups", "reset-offsets", "--group", "billing", "--topic", "work:1", "--to-datetime",
                           "2999-01-01T00:00Z", "--execute"}));
    EXPECT_EQ(total(committed("billing")), 10) << "past the end: each partition's log end";

    // The consumer resumes at the new offsets: nothing left to read.
    ASSERT_SAMSA_OK(samsa({"groups", "reset-offsets", "--group", "billing", "--topic", "work", "--to-latest", "--execute"}));
    ASSERT_SAMSA_OK(samsa({"groups", "reset-offsets", "--group", "billing", "--topic", "work", "--shift-by", "-1",
                           "--execute"}));
    auto again = samsa({"consume", "--topic", "work", "--group", "billing", "--timeout-ms", "5000"});
    ASSERT_SAMSA_OK(again);
    EXPECT_EQ(lines(again.out).size(), 2u) << again.out;  // the last record of each partition
}

TEST_F(cli_integration_admin, reset_offsets_is_refused_while_the_group_has_members) {
    create_topic("busy", 1);
    auto member = std::async(std::launch::async, [&] {
        return samsa({"consume", "--topic", "busy", "--group", "live", "--timeout-ms", "20000", "--max-messages", "1"},
                     {}, 60s);
    });
    bool joined = false;
    for (int i = 0; i < 60 && !joined; ++i) {
        auto d = samsa({"groups", "describe", "--group", "live", "--members", "--format", "json"});
        if (!d.ok()) continue;
        auto described = nlohmann::json::parse(d.out);
        joined = !described[0]["members"].empty();
        if (!joined) std::this_thread::sleep_for(250ms);
    }
    ASSERT_TRUE(joined) << "the consumer never joined";
    auto refused = samsa({"groups", "reset-offsets", "--group", "live", "--topic", "busy", "--to-earliest", "--execute"});
    EXPECT_EQ(refused.exit_code, 1) << refused.describe();
    EXPECT_THAT(refused.err, HasSubstr("can only be reset if the group 'live' is inactive"));
    auto deleting = samsa({"groups", "delete", "--group", "live"});
    EXPECT_EQ(deleting.exit_code, 1) << deleting.describe();
    EXPECT_THAT(deleting.err, HasSubstr("Group 'live' could not be deleted"));
    ASSERT_SAMSA_OK(samsa({"produce", "--topic", "busy"}, "done\n"));  // lets the member finish
    EXPECT_TRUE(member.get().ok());
}

TEST_F(cli_integration_admin, delete_offsets_and_delete_remove_what_the_group_committed) {
    produce_and_consume("a", 1, 3, "g1");
    ASSERT_EQ(committed("g1").size(), 1u);
    auto deleted = samsa({"groups", "delete-offsets", "--group", "g1", "--topic", "a"});
    ASSERT_SAMSA_OK(deleted);
    EXPECT_THAT(deleted.out, HasSubstr("Successful"));
    EXPECT_TRUE(committed("g1").empty());

    auto gone = samsa({"groups", "delete", "--group", "g1"});
    ASSERT_SAMSA_OK(gone);
    EXPECT_THAT(gone.out, HasSubstr("Deletion of requested consumer groups ('g1') was successful."));
    auto listed = samsa({"groups", "list"});
    ASSERT_SAMSA_OK(listed);
    EXPECT_THAT(listed.out, Not(HasSubstr("g1")));

    auto unknown = samsa({"groups", "delete", "--group", "nobody"});
    EXPECT_EQ(unknown.exit_code, 1) << unknown.describe();
    EXPECT_THAT(unknown.err, HasSubstr("nobody"));
}

TEST_F(cli_integration_admin, offsets_and_delete_records_move_the_log_start) {
    create_topic("log", 1);
    ASSERT_SAMSA_OK(samsa({"produce", "--topic", "log"}, "a\nb\nc\nd\ne\n"));
    auto latest = samsa({"offsets", "--topic", "log"});
    ASSERT_SAMSA_OK(latest);
    EXPECT_EQ(latest.out, "log:0:5\n");
    EXPECT_EQ(samsa({"offsets", "--topic", "log", "--time", "earliest"}).out, "log:0:0\n");
    EXPECT_EQ(samsa({"offsets", "--topic", "log", "--time", "0"}).out, "log:0:0\n");
    EXPECT_EQ(samsa({"offsets", "--topic", "log:0", "--time", "2999-01-01"}).out, "log:0:-1\n");

    auto deleted = samsa({"delete-records", "--topic", "log", "--partition", "0", "--offset", "3"});
    ASSERT_SAMSA_OK(deleted);
    EXPECT_THAT(deleted.out, HasSubstr("partition: log-0\tlow_watermark: 3"));
    EXPECT_EQ(samsa({"offsets", "--topic", "log", "--time", "earliest"}).out, "log:0:3\n");

    test_support::temp_dir dir("delete-records");
    const fs::path file = dir / "offsets.json";
    std::ofstream(file) << R"({"partitions":[{"topic":"log","partition":0,"offset":-1}],"version":1})";
    auto all = samsa({"delete-records", "--offset-json-file", file.string()});
    ASSERT_SAMSA_OK(all);
    EXPECT_THAT(all.out, HasSubstr("low_watermark: 5"));

    auto missing = samsa({"offsets", "--topic", "nope"});
    EXPECT_EQ(missing.exit_code, 1) << missing.describe();
    auto usage = samsa({"delete-records", "--topic", "log"});
    EXPECT_EQ(usage.exit_code, 2) << usage.describe();
}

TEST_F(cli_integration_admin, configs_describe_shows_broker_and_topic_configs) {
    auto all = samsa({"configs", "describe", "--broker", "1", "--all"});
    ASSERT_SAMSA_OK(all);
    EXPECT_THAT(all.out, HasSubstr("All configs for broker 1 are:"));
    EXPECT_THAT(all.out, HasSubstr("  log.retention.hours=168 "));

    ASSERT_SAMSA_OK(samsa({"topics", "create", "--topic", "conf", "--config", "retention.ms=60000"}));
    auto topic = samsa({"configs", "describe", "--topic", "conf"});
    ASSERT_SAMSA_OK(topic);
    EXPECT_THAT(topic.out, HasSubstr("Dynamic configs for topic conf are:\n  retention.ms=60000 "));
    EXPECT_THAT(topic.out, Not(HasSubstr("segment.bytes")));

    auto wrong = samsa({"configs", "describe", "--broker", "42"});
    EXPECT_EQ(wrong.exit_code, 1) << wrong.describe();
    auto usage = samsa({"configs", "describe"});
    EXPECT_EQ(usage.exit_code, 2) << usage.describe();
}

TEST_F(cli_integration_admin, streams_reset_rewinds_inputs_deletes_internal_topics_and_local_state) {
    produce_and_consume("wc-input", 2, 6, "wc");
    create_topic("wc-counts-store-changelog", 2);
    create_topic("wc-KSTREAM-AGGREGATE-0000000003-repartition", 2);
    create_topic("wc-output", 1);  // an output topic: not internal, kept
    test_support::temp_dir state("streams-reset");
    fs::create_directories(state / "wc" / "0_0");

    auto dry = samsa({"streams", "reset", "--application-id", "wc", "--input-topics", "wc-input", "--state-dir",
                      state.string(), "--dry-run"});
    ASSERT_SAMSA_OK(dry);
    EXPECT_THAT(dry.out, HasSubstr("Topic: wc-counts-store-changelog"));
    EXPECT_EQ(total(committed("wc")), 6);
    EXPECT_TRUE(fs::exists(state / "wc"));

    auto reset = samsa({"streams", "reset", "--application-id", "wc", "--input-topics", "wc-input", "--state-dir",
                        state.string()});
    ASSERT_SAMSA_OK(reset);
    EXPECT_EQ(total(committed("wc")), 0);
    EXPECT_FALSE(fs::exists(state / "wc"));
    auto topics = samsa({"topics", "list"});
    ASSERT_SAMSA_OK(topics);
    EXPECT_THAT(topics.out, Not(HasSubstr("wc-counts-store-changelog")));
    EXPECT_THAT(topics.out, Not(HasSubstr("-repartition")));
    EXPECT_THAT(topics.out, HasSubstr("wc-output"));
    EXPECT_THAT(topics.out, HasSubstr("wc-input"));
}

}  // namespace
}  // namespace samsa::cli::testing
