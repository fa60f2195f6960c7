// librdkafka (rdkafka++) against the real broker: every codec, keyed records on
// 6 partitions with Java's murmur2 partitioner, order per partition, reading
// back from the beginning and from an offset, large records, acks 0/1/all,
// ListOffsets by time.

#include <set>

#include "tests/e2e/broker_test.h"
#include "tests/support/rdkafka_client.h"
#include "tests/e2e/record_checks.h"

namespace samsa::e2e {
namespace {

constexpr int partitions = 6;

config_map producer_config(const std::string& codec, const std::string& acks = "all") {
    return {{"compression.codec", codec},
            {"acks", acks},
            {"partitioner", "murmur2_random"},
            {"linger.ms", "5"},  // several records per batch, so codecs compress batches, not single records
            {"batch.num.messages", "64"}};
}

class librdkafka_test : public broker_test {
protected:
    void create(const std::string& topic, int count) {
        auto st = create_topic(bootstrap(), topic, count);
        ASSERT_TRUE(st) << st.error().message;
    }
};

class librdkafka_codec_test : public librdkafka_test, public ::testing::WithParamInterface<std::string> {};

TEST_P(librdkafka_codec_test, produce_and_read_back) {
    const std::string codec = GetParam();
    const std::string topic = "rdkafka-" + codec;
    create(topic, partitions);
    auto records = make_records(600, 40, codec + "-value");
    // Explicit timestamps, so the read-back check covers them too.
    int64_t base = now_ms() - 60000;
    for (size_t i = 0; i < records.size(); ++i) records[i].timestamp = base + static_cast<int64_t>(i);
    // Every tenth value is long and repetitive: something for the codec to do.
    for (size_t i = 0; i < records.size(); i += 10) records[i].value += std::string(2000, 'x');

    auto produced = produce(bootstrap(), topic, records, producer_config(codec));
    ASSERT_TRUE(produced) << produced.error().message;
    EXPECT_TRUE(produce_order_kept(*produced));
    EXPECT_TRUE(partitions_match_java_partitioner(*produced, partitions));

    auto read = read_all(bootstrap(), topic, partitions, records.size());
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_TRUE(same_records(*produced, *read));
    EXPECT_TRUE(keys_stay_in_one_partition(*read));
    EXPECT_TRUE(offsets_dense_from(*read, 0));

    // The watermarks agree with what was read.
    auto parts = by_partition(*read);
    for (int32_t p = 0; p < partitions; ++p) {
        auto w = watermarks(bootstrap(), topic, p);
        ASSERT_TRUE(w) << w.error().message;
        EXPECT_EQ(w->first, 0) << "partition " << p;
        EXPECT_EQ(w->second, static_cast<int64_t>(parts[p].size())) << "partition " << p;
    }
}

INSTANTIATE_TEST_SUITE_P(codecs, librdkafka_codec_test, ::testing::Values("none", "gzip", "snappy", "lz4", "zstd"),
                         [](const auto& info) { return info.param; });

TEST_F(librdkafka_test, read_from_an_offset) {
    create("rdkafka-from-offset", 1);
    std::vector<record> records = make_records(50, 1, "v");
    for (auto& r : records) r.partition = 0;
    auto produced = produce(bootstrap(), "rdkafka-from-offset", records, producer_config("lz4"));
    ASSERT_TRUE(produced) << produced.error().message;
    // Offset 17 sits inside a compressed batch: the broker serves the whole batch,
    // the client skips the records before 17.
    auto read = read_partitions(bootstrap(), "rdkafka-from-offset", {0}, 17, 33);
    ASSERT_TRUE(read) << read.error().message;
    ASSERT_EQ(read->size(), 33u);
    EXPECT_EQ(read->front().offset, 17);
    EXPECT_EQ(read->front().value, "v-17");
    EXPECT_TRUE(offsets_dense_from(*read, 17));
}

TEST_F(librdkafka_test, unkeyed_records_spread_over_partitions) {
    create("rdkafka-unkeyed", partitions);
    auto records = make_records(300, 1, "unkeyed");
    for (auto& r : records) r.has_key = false;
    // murmur2_random: no key -> a random partition per record (linger 0 so each
    // record is its own decision rather than one sticky batch).
    auto config = producer_config("none");
    config["linger.ms"] = "0";
    auto produced = produce(bootstrap(), "rdkafka-unkeyed", records, config);
    ASSERT_TRUE(produced) << produced.error().message;
    std::set<int32_t> used;
    for (const auto& r : *produced) used.insert(r.partition);
    EXPECT_GT(used.size(), 1u);
    auto read = read_all(bootstrap(), "rdkafka-unkeyed", partitions, records.size());
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_TRUE(same_records(*produced, *read));
    for (const auto& r : *read) EXPECT_FALSE(r.has_key) << "offset " << r.offset << " came back with a key";
}

TEST_F(librdkafka_test, acks_zero_one_and_all) {
    create("rdkafka-acks", 2);
    size_t total = 0;
    for (std::string acks : {"0", "1", "all"}) {
        auto records = make_records(100, 10, "acks" + acks);
        auto produced = produce(bootstrap(), "rdkafka-acks", records, producer_config("none", acks));
        ASSERT_TRUE(produced) << "acks=" << acks << ": " << produced.error().message;
        total += records.size();
    }
    auto read = read_all(bootstrap(), "rdkafka-acks", 2, total);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(read->size(), total);
    EXPECT_TRUE(offsets_dense_from(*read, 0));
}

TEST_F(librdkafka_test, large_records_need_several_fetches) {
    create("rdkafka-large", 1);
    std::vector<record> records;
    for (int i = 0; i < 24; ++i) {
        record r;
        r.key = "big-" + std::to_string(i);
        r.value = std::string(200 * 1024, static_cast<char>('a' + i % 26));
        r.partition = 0;
        records.push_back(std::move(r));
    }
    // 4.8 MB in one partition; max.partition.fetch.bytes = 1 MiB by default.
    auto produced = produce(bootstrap(), "rdkafka-large", records, {{"acks", "all"}, {"compression.codec", "none"}});
    ASSERT_TRUE(produced) << produced.error().message;
    auto read = read_all(bootstrap(), "rdkafka-large", 1, records.size());
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_TRUE(same_records(*produced, *read));
}

TEST_F(librdkafka_test, offsets_for_times) {
    create("rdkafka-times", 1);
    std::vector<record> records = make_records(10, 1, "t");
    int64_t base = now_ms() - 3600 * 1000;
    for (size_t i = 0; i < records.size(); ++i) {
        records[i].partition = 0;
        records[i].timestamp = base + static_cast<int64_t>(i) * 1000;
    }
    auto produced = produce(bootstrap(), "rdkafka-times", records, producer_config("none"));
    ASSERT_TRUE(produced) << produced.error().message;
    struct expectation {
        int64_t timestamp;
        int64_t offset;
    };
    for (auto e : {expectation{base - 1, 0}, expectation{base, 0}, expectation{base + 1, 1},
                   expectation{base + 2500, 3}, expectation{base + 9000, 9}, expectation{base + 9001, -1}}) {
        auto offset = offset_for_time(bootstrap(), "rdkafka-times", 0, e.timestamp);
        ASSERT_TRUE(offset) << offset.error().message;
        EXPECT_EQ(*offset, e.offset) << "timestamp base+" << (e.timestamp - base);
    }
}

TEST_F(librdkafka_test, kafka_consumer_assign_without_subscribe) {
    create("rdkafka-assign", partitions);
    auto produced = produce(bootstrap(), "rdkafka-assign", make_records(120, 12, "assign"), producer_config("zstd"));
    ASSERT_TRUE(produced) << produced.error().message;
    // KafkaConsumer needs a group.id, but assign() never joins the group.
    auto read = read_with_kafka_consumer(bootstrap(), "rdkafka-assign", partitions, produced->size());
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_TRUE(same_records(*produced, *read));
}

TEST_F(librdkafka_test, unknown_partition_is_an_error) {
    create("rdkafka-two", 2);
    std::vector<record> records = make_records(1, 1, "nowhere");
    records[0].partition = 5;
    auto produced = produce(bootstrap(), "rdkafka-two", records, {{"acks", "all"}, {"message.timeout.ms", "3000"}},
                            std::chrono::seconds(10));
    ASSERT_FALSE(produced) << "a record for partition 5 of a 2-partition topic was acknowledged";
    EXPECT_NE(produced.error().message.find("Unknown partition"), std::string::npos) << produced.error().message;
}

}  // namespace
}  // namespace samsa::e2e
