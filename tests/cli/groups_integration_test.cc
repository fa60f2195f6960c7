// samsa consume --group and samsa groups against the real broker. The broker's
// group coordinator lands after the tool; until then these tests skip with the
// broker's answer as the reason.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.h"

namespace samsa::cli::testing {
namespace {

using ::testing::HasSubstr;

class cli_integration_groups : public cli_integration_test {
protected:
    // Skips the test when the broker does not answer ListGroups yet.
    void require_groups() {
        auto r = samsa({"groups", "list"}, {}, 30s);
        if (!r.ok()) GTEST_SKIP() << "the broker does not support consumer groups yet: " << r.err;
    }
};

TEST_F(cli_integration_groups, a_group_commits_what_it_printed_and_shows_lag) {
    require_groups();
    if (IsSkipped()) return;
    create_topic("work", 2);
    std::string input;
    for (int i = 0; i < 10; ++i) input += fmt::format("k{}:v{}\n", i, i);
    ASSERT_SAMSA_OK(samsa({"produce", "--topic", "work", "--key-separator", ":"}, input));

    auto first = samsa({"consume", "--topic", "work", "--group", "billing", "--from-beginning", "--max-messages", "10",
                        "--timeout-ms", "20000"});
    if (!first.ok() && first.err.find("UNSUPPORTED") != std::string::npos) {
        GTEST_SKIP() << "the broker does not support group membership yet: " << first.err;
    }
    ASSERT_SAMSA_OK(first);
    EXPECT_EQ(lines(first.out).size(), 10u);

    auto listed = samsa({"groups", "list", "--format", "json"});
    ASSERT_SAMSA_OK(listed);
    auto groups = nlohmann::json::parse(listed.out);
    bool found = false;
    for (const auto& g : groups) found |= g["group"] == "billing";
    EXPECT_TRUE(found) << listed.out;

    ASSERT_SAMSA_OK(samsa({"produce", "--topic", "work"}, "x\ny\nz\n"));
    auto described = samsa({"groups", "describe", "--group", "billing", "--format", "json"});
    ASSERT_SAMSA_OK(described);
    auto d = nlohmann::json::parse(described.out);
    ASSERT_EQ(d.size(), 1u);
    int64_t committed = 0;
    int64_t lag = 0;
    for (const auto& o : d[0]["offsets"]) {
        EXPECT_EQ(o["topic"], "work");
        committed += o["current_offset"].get<int64_t>();
        lag += o["lag"].get<int64_t>();
    }
    EXPECT_EQ(committed, 10) << described.out;
    EXPECT_EQ(lag, 3) << described.out;

    auto text = samsa({"groups", "describe", "--group", "billing"});
    ASSERT_SAMSA_OK(text);
    EXPECT_THAT(text.out, HasSubstr("CURRENT-OFFSET"));
    EXPECT_THAT(text.out, HasSubstr("LAG"));

    // The group resumes where it stopped: only the three new records.
    auto second = samsa({"consume", "--topic", "work", "--group", "billing", "--timeout-ms", "5000"});
    ASSERT_SAMSA_OK(second);
    auto rest = lines(second.out);
    std::sort(rest.begin(), rest.end());
    EXPECT_EQ(rest, (std::vector<std::string>{"x", "y", "z"}));
}

TEST_F(cli_integration_groups, describing_an_unknown_group_is_an_error) {
    require_groups();
    if (IsSkipped()) return;
    auto r = samsa({"groups", "describe", "--group", "nobody"});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_THAT(r.err, HasSubstr("nobody"));
}

}  // namespace
}  // namespace samsa::cli::testing
