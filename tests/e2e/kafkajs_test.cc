// kafkajs 2.2.4 (node, tests/clients/node) against the real broker: admin
// (createTopics, fetchTopicMetadata, describeConfigs, fetchTopicOffsets,
// deleteTopics) and a producer sending gzip with headers. Its records are read
// back here with librdkafka and kcat; kafkajs' own consumer needs consumer
// groups, which the broker does not have yet.

#include <map>

#include "tests/e2e/broker_test.h"
#include "tests/support/rdkafka_client.h"
#include "tests/e2e/record_checks.h"

namespace samsa::e2e {
namespace {

constexpr int partitions = 3;
constexpr int count = 120;
constexpr int keys = 10;

class kafkajs_test : public broker_test {
protected:
    void produce_with_kafkajs(const std::string& topic) {
        auto r = run_node("kafkajs_produce.js",
                          {topic, std::to_string(partitions), std::to_string(count), std::to_string(keys)});
        ASSERT_COMMAND_OK(r);
    }
};

TEST_F(kafkajs_test, admin_and_gzip_producer_with_headers) {
    ASSERT_NO_FATAL_FAILURE(produce_with_kafkajs("kafkajs-orders"));

    auto read = read_all(bootstrap(), "kafkajs-orders", partitions, count);
    ASSERT_TRUE(read) << read.error().message;
    ASSERT_EQ(read->size(), static_cast<size_t>(count));
    EXPECT_TRUE(offsets_dense_from(*read, 0));
    EXPECT_TRUE(keys_stay_in_one_partition(*read));
    // kafkajs' DefaultPartitioner is the Java client's murmur2.
    EXPECT_TRUE(partitions_match_java_partitioner(*read, partitions));
    std::map<int32_t, int> last_index;
    std::map<int, int> seen;
    for (const auto& r : *read) {
        std::map<std::string, std::string> headers(r.headers.begin(), r.headers.end());
        ASSERT_TRUE(headers.count("index")) << "record p" << r.partition << "@" << r.offset << " lost its headers";
        int i = std::stoi(headers["index"]);
        ++seen[i];
        EXPECT_EQ(headers["source"], "kafkajs");
        EXPECT_EQ(r.key, "order-" + std::to_string(i % keys));
        EXPECT_EQ(r.value, "kafkajs-value-" + std::to_string(i));
        auto [it, fresh] = last_index.emplace(r.partition, i);
        if (!fresh) {
            EXPECT_GT(i, it->second) << "partition " << r.partition << " out of order";
            it->second = i;
        }
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(count));

    // kcat sees the same count.
    auto k = run_kcat({"-C", "-t", "kafkajs-orders", "-o", "beginning", "-e", "-q", "-f", "%s\n"});
    ASSERT_COMMAND_OK(k);
    EXPECT_EQ(std::count(k.out.begin(), k.out.end(), '\n'), count);

    auto deleted = run_node("kafkajs_delete_topic.js", {"kafkajs-orders"});
    EXPECT_COMMAND_OK(deleted);
    auto after = partition_count(bootstrap(), "kafkajs-orders");
    EXPECT_FALSE(after) << "kafkajs-orders still has " << *after << " partitions after deleteTopics";
}

TEST_F(kafkajs_test, consumer_group_reads_everything_back) {
    ASSERT_NO_FATAL_FAILURE(produce_with_kafkajs("kafkajs-group"));
    auto r = run_node("kafkajs_consume.js", {"kafkajs-group", std::to_string(count), std::to_string(keys)});
    EXPECT_COMMAND_OK(r);
}

}  // namespace
}  // namespace samsa::e2e
