// The KIP-390 level keys (compression.gzip.level, compression.lz4.level,
// compression.zstd.level) take Kafka 3.8's ranges, as broker keys at start
// and as topic keys (CreateTopics, AlterConfigs and IncrementalAlterConfigs
// all check through validate_topic_configs): gzip 1..9 or -1
// (GzipCompression.LevelValidator), lz4 1..17 (Lz4Compression), zstd
// Zstd.minCompressionLevel()..maxCompressionLevel(), -131072..22 with the
// zstd library Kafka ships.

#include <gtest/gtest.h>

#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/config/properties.h"
#include "samsa/broker/topics/topic_config.h"

namespace samsa::broker {
namespace {

result<loaded_config> load(const std::string& key, const std::string& value) {
    return load_broker_config(parse_properties(key + "=" + value + "\n"), {});
}

status topic_level(const std::string& key, const std::string& value) { return validate_topic_configs({{key, value}}); }

struct level_case {
    std::string key;
    std::string value;
    bool valid;
};

const level_case level_cases[] = {
    {"compression.gzip.level", "-1", true},      {"compression.gzip.level", "1", true},
    {"compression.gzip.level", "9", true},       {"compression.gzip.level", "0", false},
    {"compression.gzip.level", "+0", false},     {"compression.gzip.level", "-2", false},
    {"compression.gzip.level", "10", false},     {"compression.lz4.level", "1", true},
    {"compression.lz4.level", "17", true},       {"compression.lz4.level", "0", false},
    {"compression.lz4.level", "18", false},      {"compression.lz4.level", "-1", false},
    {"compression.zstd.level", "-131072", true}, {"compression.zstd.level", "22", true},
    {"compression.zstd.level", "0", true},       {"compression.zstd.level", "-131073", false},
    {"compression.zstd.level", "23", false},
};

TEST(compression_level_config, broker_keys_take_kafkas_ranges_at_start) {
    for (const auto& c : level_cases) {
        EXPECT_EQ(bool(load(c.key, c.value)), c.valid) << c.key << "=" << c.value;
    }
}

TEST(compression_level_config, topic_keys_take_kafkas_ranges) {
    for (const auto& c : level_cases) {
        EXPECT_EQ(bool(topic_level(c.key, c.value)), c.valid) << c.key << "=" << c.value;
    }
}

TEST(compression_level_config, gzip_level_zero_is_refused_with_kafkas_message) {
    auto broker = load("compression.gzip.level", "0");
    ASSERT_FALSE(broker);
    EXPECT_EQ(broker.error().message, "compression.gzip.level: Value must be between 1 and 9 or equal to -1");
    auto topic = topic_level("compression.gzip.level", "0");
    ASSERT_FALSE(topic);
    EXPECT_EQ(topic.error().message,
              "Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1");
}

}  // namespace
}  // namespace samsa::broker
