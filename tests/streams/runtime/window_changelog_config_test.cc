// windowstore.changelog.additional.retention.ms (Kafka's StreamsConfig,
// default one day): window and session store changelogs are created with
// retention.ms = store retention + this, cleanup.policy=compact,delete
// (Kafka's WindowedChangelogTopicConfig); a retention.ms given to
// materialized::with_logging_enabled wins; key-value changelogs are untouched.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "samsa/streams/internal/runtime/internal_topic_manager.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/streams_config.h"
#include "samsa/streams/time_windowed_kstream.h"
#include "tests/streams/runtime/fake_clients.h"

namespace samsa::streams {
namespace {

using namespace internal;
using namespace testing_fakes;

topology windowed_counts() {
    streams_builder b;
    auto c = consumed<std::string, std::string>::with(serdes::string(), serdes::string());
    auto g = b.stream("in", c).group_by_key();
    g.windowed_by(time_windows::of_size_and_grace(1000, 500)).count(named{}, materialized<std::string, int64_t>::as("w"));
    g.windowed_by(session_windows::of_inactivity_gap_and_grace(300, 200))
        .count(named{}, materialized<std::string, int64_t>::as("s").with_retention(10'000));
    g.windowed_by(time_windows::of_size_with_no_grace(100))
        .count(named{}, materialized<std::string, int64_t>::as("own").with_logging_enabled({{"retention.ms", "7"}}));
    g.count(named{}, materialized<std::string, int64_t>::as("kv"));
    return b.build();
}

std::map<std::string, new_topic> created_topics(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> props{{"application.id", "app"}, {"bootstrap.servers", "fake:1"}};
    props.insert(extra.begin(), extra.end());
    auto config = streams_config::parse(props);
    EXPECT_TRUE(config) << config.error().message;
    fake_cluster cluster;
    cluster.create("in", 1);
    fake_admin admin(cluster);
    auto p = prepare_topics(admin, windowed_counts(), *config);
    EXPECT_TRUE(p) << p.error().message;
    std::map<std::string, new_topic> out;
    for (const auto& t : cluster.created) out[t.name] = t;
    return out;
}

TEST(window_changelog_config, default_adds_one_day_to_the_store_retention) {
    auto topics = created_topics({});
    EXPECT_EQ(topics.at("app-w-changelog").configs.at("retention.ms"), std::to_string(1500 + 86'400'000));
    EXPECT_EQ(topics.at("app-w-changelog").configs.at("cleanup.policy"), "compact,delete");
    EXPECT_EQ(topics.at("app-s-changelog").configs.at("retention.ms"), std::to_string(10'000 + 86'400'000));
    EXPECT_EQ(topics.at("app-own-changelog").configs.at("retention.ms"), "7");
    EXPECT_EQ(topics.at("app-kv-changelog").configs.count("retention.ms"), 0u);
    EXPECT_EQ(topics.at("app-kv-changelog").configs.at("cleanup.policy"), "compact");
}

TEST(window_changelog_config, the_config_sets_the_additional_retention) {
    auto topics = created_topics({{"windowstore.changelog.additional.retention.ms", "60000"}});
    EXPECT_EQ(topics.at("app-w-changelog").configs.at("retention.ms"), "61500");
    EXPECT_EQ(topics.at("app-s-changelog").configs.at("retention.ms"), "70000");
    EXPECT_EQ(topics.at("app-own-changelog").configs.at("retention.ms"), "7");
}

TEST(window_changelog_config, rejects_values_that_do_not_parse) {
    EXPECT_FALSE(streams_config::parse({{"application.id", "a"},
                                        {"bootstrap.servers", "b:1"},
                                        {"windowstore.changelog.additional.retention.ms", "one day"}}));
    auto c = streams_config::parse({{"application.id", "a"}, {"bootstrap.servers", "b:1"}});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->windowstore_changelog_additional_retention_ms, 86'400'000);
}

}  // namespace
}  // namespace samsa::streams
