#pragma once
// rdkafka_client: what the end-to-end tests and the load tools do with a Kafka
// client, in a few calls that return samsa::result so a failure message says
// which step failed and with which client error. Built on samsa::kafka (admin,
// producer, consumer): the tests use the same client layer as the CLI, the
// apps and the streams runtime.
//
// Reading assigns partitions without a group (samsa::kafka::consumer's
// group-free mode: nothing joined, nothing committed), so a test reads what is
// there; read_with_kafka_consumer() is the variant with a group.id and
// assign() (librdkafka's group consumer, never subscribed).
//
// Thread: the caller's; every call creates and destroys its own clients.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/result.h"

namespace samsa::test_support {

using config_map = std::map<std::string, std::string>;
using header_list = std::vector<std::pair<std::string, std::string>>;

struct record {
    std::string key;
    std::string value;
    header_list headers;
    int64_t timestamp = 0;  // ms; 0 when producing = let the client stamp it
    int32_t partition = -1; // -1 when producing = let the partitioner choose
    int64_t offset = -1;    // filled in by the delivery report or the read
    bool has_key = true;
};

// Settings every client these helpers create also gets (security.protocol,
// ssl.*, sasl.*: the TLS and SASL tests); empty unless set. Process-wide; set
// it from the test's thread only, between calls.
void set_client_security(config_map settings);
const config_map& client_security();

// Records with keys "key-<i % key_count>", values "<prefix>-<i>", and two headers.
std::vector<record> make_records(int count, int key_count, const std::string& value_prefix);

// CreateTopics; waits for the answer (and for the topic to show in Metadata).
status create_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                    const config_map& topic_config = {}, int replication_factor = 1);
status delete_topic(const std::string& bootstrap, const std::string& topic);
// DescribeConfigs for a topic: name -> value.
result<config_map> describe_topic_config(const std::string& bootstrap, const std::string& topic);
// AlterConfigs (the non-incremental one: the given set replaces the topic's).
status alter_topic_config(const std::string& bootstrap, const std::string& topic, const config_map& config);
// Metadata for one topic: its partition count; errors when the broker reports one.
result<int> partition_count(const std::string& bootstrap, const std::string& topic);
// All topic names in a Metadata answer.
result<std::vector<std::string>> list_topics(const std::string& bootstrap);

// Produces all records, waits for every delivery report (bounded), and returns
// the records with partition, offset and timestamp filled in. Any failed
// delivery fails the whole call with the first error.
result<std::vector<record>> produce(const std::string& bootstrap, const std::string& topic,
                                    std::vector<record> records, const config_map& producer_config = {},
                                    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Reads from each partition from `start_offset` (or -2, Kafka's earliest)
// until every partition reports end-of-partition and at least `min_records` have
// arrived, or the deadline passes (an error that says what had arrived).
result<std::vector<record>> read_partitions(const std::string& bootstrap, const std::string& topic,
                                            const std::vector<int32_t>& partitions, int64_t start_offset,
                                            size_t min_records, const config_map& consumer_config = {},
                                            std::chrono::milliseconds timeout = std::chrono::seconds(30));
result<std::vector<record>> read_all(const std::string& bootstrap, const std::string& topic, int partitions,
                                     size_t min_records, std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Same, through the group consumer's assign() (group.id set, never subscribed, no commits).
result<std::vector<record>> read_with_kafka_consumer(const std::string& bootstrap, const std::string& topic,
                                                     int partitions, size_t min_records,
                                                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

// ListOffsets through librdkafka: low and high watermark of one partition.
result<std::pair<int64_t, int64_t>> watermarks(const std::string& bootstrap, const std::string& topic,
                                               int32_t partition);
// ListOffsets by timestamp: the first offset whose timestamp is >= ts (-1: none).
result<int64_t> offset_for_time(const std::string& bootstrap, const std::string& topic, int32_t partition,
                                int64_t timestamp_ms);

// Records grouped by partition, in offset order.
std::map<int32_t, std::vector<record>> by_partition(const std::vector<record>& records);
// The partition Kafka's Java client picks for a key (murmur2), via samsa's own murmur2.
int32_t java_partition(const std::string& key, int partitions);
int64_t now_ms();

}  // namespace samsa::test_support
