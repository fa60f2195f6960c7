// samsa produce and samsa consume against the real broker: keyed records land
// where murmur2 says, and reading starts at the beginning, an offset or a time.

#include <chrono>
#include <map>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "samsa/bytes/murmur2.h"
#include "tests/cli/cli_fixture.h"

namespace samsa::cli::testing {
namespace {

using ::testing::HasSubstr;

class cli_integration_produce_consume : public cli_integration_test {
protected:
    // Every record of a topic, through `samsa consume --format json`.
    std::vector<nlohmann::json> read_json(const std::string& topic, size_t count, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"consume", "--topic", topic, "--format", "json", "--max-messages",
                                      std::to_string(count), "--timeout-ms", "10000"};
        if (extra.empty()) extra = {"--from-beginning"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = samsa(args);
        EXPECT_SAMSA_OK(r);
        std::vector<nlohmann::json> out;
        for (const auto& line : lines(r.out)) out.push_back(nlohmann::json::parse(line));
        return out;
    }
};

TEST_F(cli_integration_produce_consume, keyed_lines_go_to_the_murmur2_partition_in_order) {
    create_topic("keyed", 4);
    std::string input;
    for (int i = 0; i < 40; ++i) input += fmt::format("key-{}:value-{}\n", i % 7, i);
    auto produced = samsa({"produce", "--topic", "keyed", "--key-separator", ":"}, input);
    ASSERT_SAMSA_OK(produced);

    auto records = read_json("keyed", 40);
    ASSERT_EQ(records.size(), 40u);
    std::map<std::string, std::vector<int>> values_by_key;
    for (const auto& r : records) {
        std::string key = r["key"];
        EXPECT_EQ(r["partition"].get<int>(), murmur2_partition(as_bytes(key), 4)) << key;
        std::string value = r["value"];
        values_by_key[key].push_back(std::stoi(value.substr(value.find('-') + 1)));
        EXPECT_EQ(r["timestamp_type"], "CreateTime");
    }
    ASSERT_EQ(values_by_key.size(), 7u);
    for (const auto& [key, values] : values_by_key) {
        EXPECT_TRUE(std::is_sorted(values.begin(), values.end())) << key;  // one partition per key keeps order
    }
}

TEST_F(cli_integration_produce_consume, text_output_with_key_headers_and_positions) {
    create_topic("text", 1);
    auto produced = samsa({"produce", "--topic", "text", "--property", "parse.headers=true", "--property",
                           "parse.key=true", "--header", "source=cli"},
                          "trace:abc,n:1\tk1\thello\nn:2\tk2\tworld\n");
    ASSERT_SAMSA_OK(produced);
    auto r = samsa({"consume", "--topic", "text", "--from-beginning", "--max-messages", "2", "--timeout-ms", "10000",
                    "--print-key", "--print-headers", "--print-partition", "--print-offset"});
    ASSERT_SAMSA_OK(r);
    EXPECT_EQ(r.out, "Partition:0\tOffset:0\tsource:cli,trace:abc,n:1\tk1\thello\n"
                     "Partition:0\tOffset:1\tsource:cli,n:2\tk2\tworld\n");
    EXPECT_THAT(r.err, HasSubstr("Processed a total of 2 messages"));
}

TEST_F(cli_integration_produce_consume, unkeyed_lines_and_an_explicit_partition) {
    create_topic("spread", 3);
    ASSERT_SAMSA_OK(samsa({"produce", "--topic", "spread", "--partition", "2"}, "a\nb\nc\n"));
    auto records = read_json("spread", 3);
    ASSERT_EQ(records.size(), 3u);
    for (const auto& r : records) {
        EXPECT_EQ(r["partition"], 2);
        EXPECT_TRUE(r["key"].is_null());
    }
    auto bad = samsa({"produce", "--topic", "spread", "--partition", "3"}, "x\n");
    EXPECT_EQ(bad.exit_code, 1) << bad.describe();  // known only after asking the cluster
    EXPECT_THAT(bad.err, HasSubstr("no partition 3"));
}

TEST_F(cli_integration_produce_consume, consume_from_an_offset) {
    create_topic("offsets", 1);
    std::string input;
    for (int i = 0; i < 10; ++i) input += fmt::format("v{}\n", i);
    ASSERT_SAMSA_OK(samsa({"produce", "--topic", "offsets"}, input));
    // Without --max-messages the idle timeout ends the command.
    auto r = samsa({"consume", "--topic", "offsets", "--partition", "0", "--offset", "7", "--timeout-ms", "3000"});
    ASSERT_SAMSA_OK(r);
    EXPECT_EQ(r.out, "v7\nv8\nv9\n");
}

TEST_F(cli_integration_produce_consume, consume_from_a_time) {
    create_topic("times", 2);
    ASSERT_SAMSA_OK(samsa({"produce", "--topic", "times", "--key-separator", ":"}, "a:old-1\nb:old-2\n"));
    std::this_thread::sleep_for(50ms);
    auto cut = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    std::this_thread::sleep_for(50ms);
    ASSERT_SAMSA_OK(samsa({"produce", "--topic", "times", "--key-separator", ":"}, "a:new-1\nb:new-2\nc:new-3\n"));

    auto by_ms = samsa({"consume", "--topic", "times", "--from-time", std::to_string(cut.time_since_epoch().count()),
                        "--timeout-ms", "3000"});
    ASSERT_SAMSA_OK(by_ms);
    auto got = lines(by_ms.out);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"new-1", "new-2", "new-3"}));

    // The same cut as ISO-8601 (UTC, millisecond precision).
    std::string iso = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", std::chrono::floor<std::chrono::seconds>(cut),
                                  cut.time_since_epoch().count() % 1000);
    auto by_iso = samsa({"consume", "--topic", "times", "--from-time", iso, "--timeout-ms", "3000"});
    ASSERT_SAMSA_OK(by_iso);
    EXPECT_EQ(lines(by_iso.out).size(), 3u) << iso << "\n" << by_iso.describe();
}

TEST_F(cli_integration_produce_consume, consume_from_the_end_sees_only_new_records) {
    create_topic("tail", 1);
    ASSERT_SAMSA_OK(samsa({"produce", "--topic", "tail"}, "before\n"));
    auto r = samsa({"consume", "--topic", "tail", "--timeout-ms", "1500"});
    ASSERT_SAMSA_OK(r);
    EXPECT_EQ(r.out, "");
}

TEST_F(cli_integration_produce_consume, a_line_without_the_key_separator_stops_with_line_number) {
    create_topic("strict", 1);
    auto r = samsa({"produce", "--topic", "strict", "--key-separator", ":"}, "k:v\nno separator here\nk:w\n");
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_THAT(r.err, HasSubstr("line 2"));
    // What came before the bad line was delivered.
    auto records = read_json("strict", 1);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["value"], "v");
}

TEST_F(cli_integration_produce_consume, missing_topic_and_partition_are_clear_errors) {
    auto r = samsa({"consume", "--topic", "absent", "--timeout-ms", "1000"});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_THAT(r.err, HasSubstr("topic 'absent' does not exist"));
    create_topic("one", 1);
    auto p = samsa({"consume", "--topic", "one", "--partition", "4", "--timeout-ms", "1000"});
    EXPECT_EQ(p.exit_code, 1) << p.describe();
    EXPECT_THAT(p.err, HasSubstr("no partition 4"));
}

}  // namespace
}  // namespace samsa::cli::testing
