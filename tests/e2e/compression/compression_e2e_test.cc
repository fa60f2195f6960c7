// compression.type end to end: the real samsa-broker, librdkafka producing in
// one codec to a topic configured with another. The records are read back
// with librdkafka, and the codec of every stored batch is read from the
// partition's segment files: the broker must have rewritten them (Kafka's
// LogValidator), the topic setting must override the broker default, and an
// AlterConfigs must apply to the produces after it.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "samsa/record/record_batch.h"
#include "tests/e2e/broker_test.h"

namespace samsa::e2e {
namespace {

using samsa::record::compression_codec;
// The records librdkafka sends and reads (not the namespace samsa::record).
using test_support::record;

// The broker default in this file: gzip, so that a topic without the key is
// rewritten too, and a topic with the key shows that it wins.
class compression_test : public broker_test {
protected:
    test_support::broker_options make_broker_options() const override {
        return broker_options_builder().override_config("compression.type", "gzip");
    }

    // The headers of every batch stored for partition 0, in offset order.
    std::vector<samsa::record::record_batch_header> stored_batches(const std::string& topic) {
        std::vector<samsa::record::record_batch_header> out;
        const auto dir = broker().data_dir() / "data" / (topic + "-0");
        std::vector<std::filesystem::path> segments;
        for (const auto& e : std::filesystem::directory_iterator(dir))
            if (e.path().extension() == ".log") segments.push_back(e.path());
        std::sort(segments.begin(), segments.end());
        for (const auto& path : segments) {
            std::ifstream in(path, std::ios::binary);
            bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            samsa::record::batch_splitter split(data);
            while (auto batch = split.next()) {
                EXPECT_TRUE(samsa::record::validate_batch(*batch)) << "a stored batch has a bad CRC in " << path;
                auto h = samsa::record::read_batch_header(*batch);
                if (h) out.push_back(*h);
            }
        }
        return out;
    }

    std::vector<compression_codec> stored_codecs(const std::string& topic) {
        std::vector<compression_codec> out;
        for (const auto& h : stored_batches(topic)) out.push_back(h.codec());
        return out;
    }

    // Produces `count` records with librdkafka in `codec` (one partition),
    // then checks that everything produced so far reads back unchanged.
    void produce_with(const std::string& topic, const std::string& codec, int count, const std::string& prefix) {
        auto records = make_records(count, 7, prefix);
        for (auto& r : records) r.partition = 0;
        auto produced = produce(bootstrap(), topic, records,
                                {{"compression.codec", codec}, {"enable.idempotence", "true"}, {"linger.ms", "5"}});
        ASSERT_TRUE(produced) << produced.error().message;
        sent_[topic].insert(sent_[topic].end(), produced->begin(), produced->end());
        auto read = read_all(bootstrap(), topic, 1, sent_[topic].size());
        ASSERT_TRUE(read) << read.error().message;
        const auto& expected = sent_[topic];
        ASSERT_EQ(read->size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            SCOPED_TRACE("record " + std::to_string(i));
            EXPECT_EQ((*read)[i].offset, static_cast<int64_t>(i));
            EXPECT_EQ((*read)[i].key, expected[i].key);
            EXPECT_EQ((*read)[i].value, expected[i].value);
            EXPECT_EQ((*read)[i].headers, expected[i].headers);
            EXPECT_EQ((*read)[i].timestamp, expected[i].timestamp);
        }
    }

    std::map<std::string, std::vector<record>> sent_;
};

bool all_are(const std::vector<compression_codec>& codecs, compression_codec c) {
    return !codecs.empty() && std::all_of(codecs.begin(), codecs.end(), [&](auto x) { return x == c; });
}

TEST_F(compression_test, topic_codec_rewrites_batches_of_another_codec) {
    ASSERT_TRUE(create_topic(bootstrap(), "to-zstd", 1, {{"compression.type", "zstd"}}));
    produce_with("to-zstd", "lz4", 200, "lz4-in");
    auto batches = stored_batches("to-zstd");
    ASSERT_FALSE(batches.empty());
    for (const auto& h : batches) {
        EXPECT_EQ(h.codec(), compression_codec::zstd);
        EXPECT_GE(h.producer_id, 0);  // the idempotent producer's fields survive the rewrite
        EXPECT_GE(h.base_sequence, 0);
    }
}

TEST_F(compression_test, uncompressed_topic_stores_plain_batches) {
    ASSERT_TRUE(create_topic(bootstrap(), "to-plain", 1, {{"compression.type", "uncompressed"}}));
    produce_with("to-plain", "snappy", 100, "snappy-in");
    EXPECT_TRUE(all_are(stored_codecs("to-plain"), compression_codec::none));
}

TEST_F(compression_test, broker_default_applies_to_topics_without_the_key) {
    ASSERT_TRUE(create_topic(bootstrap(), "no-key", 1));
    produce_with("no-key", "zstd", 100, "zstd-in");
    EXPECT_TRUE(all_are(stored_codecs("no-key"), compression_codec::gzip));
}

TEST_F(compression_test, producer_setting_keeps_the_producers_codec) {
    ASSERT_TRUE(create_topic(bootstrap(), "as-sent", 1, {{"compression.type", "producer"}}));
    produce_with("as-sent", "lz4", 100, "lz4-in");
    EXPECT_TRUE(all_are(stored_codecs("as-sent"), compression_codec::lz4));
}

TEST_F(compression_test, alter_configs_applies_to_later_produces) {
    ASSERT_TRUE(create_topic(bootstrap(), "altered", 1, {{"compression.type", "uncompressed"}}));
    produce_with("altered", "gzip", 50, "before");
    const size_t before = stored_codecs("altered").size();
    ASSERT_TRUE(all_are(stored_codecs("altered"), compression_codec::none));

    auto st = alter_topic_config(bootstrap(), "altered", {{"compression.type", "lz4"}, {"compression.lz4.level", "12"}});
    ASSERT_TRUE(st) << st.error().message;
    auto described = describe_topic_config(bootstrap(), "altered");
    ASSERT_TRUE(described) << described.error().message;
    EXPECT_EQ((*described)["compression.lz4.level"], "12");
    EXPECT_EQ((*described)["compression.zstd.level"], "3");  // Kafka's default

    produce_with("altered", "gzip", 50, "after");
    auto codecs = stored_codecs("altered");
    ASSERT_GT(codecs.size(), before);
    EXPECT_TRUE(all_are({codecs.begin(), codecs.begin() + static_cast<std::ptrdiff_t>(before)}, compression_codec::none));
    EXPECT_TRUE(all_are({codecs.begin() + static_cast<std::ptrdiff_t>(before), codecs.end()}, compression_codec::lz4));
}

TEST_F(compression_test, out_of_range_levels_are_refused) {
    EXPECT_FALSE(create_topic(bootstrap(), "bad-lz4", 1, {{"compression.lz4.level", "18"}}));
    EXPECT_FALSE(create_topic(bootstrap(), "bad-zstd", 1, {{"compression.zstd.level", "23"}}));
    EXPECT_FALSE(create_topic(bootstrap(), "bad-gzip", 1, {{"compression.gzip.level", "10"}}));
    EXPECT_FALSE(create_topic(bootstrap(), "zero-gzip", 1, {{"compression.gzip.level", "0"}}));
    EXPECT_TRUE(create_topic(bootstrap(), "good-gzip", 1, {{"compression.gzip.level", "9"}}));
}

}  // namespace
}  // namespace samsa::e2e
