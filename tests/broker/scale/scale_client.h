#pragma once
// scale_client: the few admin calls the scale and damage tests make on a
// real samsa-broker process (tests/support/broker_process.h), one fresh
// raw_client connection per call, every wait bounded.
//
// Thread: the test's thread.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/messages/create_partitions.h"
#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/metadata.h"
#include "tests/support/raw_client.h"
#include "tests/support/temp_dir.h"

namespace samsa::broker::testing {

using test_support::raw_client;

// A CreateTopics request of `names`, each with `partitions` partitions and
// replication factor 1, that lets the broker wait `timeout`.
protocol::create_topics_request create_topics_request(const std::vector<std::string>& names, int32_t partitions,
                                                      std::chrono::milliseconds timeout);
// CreateTopics v5 of `names`, each with `partitions` partitions; nullopt: no answer.
std::optional<protocol::create_topics_response> create_topics(uint16_t port, const std::vector<std::string>& names,
                                                              int32_t partitions,
                                                              std::chrono::milliseconds timeout = std::chrono::seconds(30));
// A CreatePartitions request that grows `topic` to `count`.
protocol::create_partitions_request create_partitions_request(const std::string& topic, int32_t count);
// CreatePartitions v1: grow `topic` to `count`.
std::optional<protocol::create_partitions_response> create_partitions(uint16_t port, const std::string& topic,
                                                                      int32_t count);
// Metadata v9 for `names` (null: every topic).
std::optional<protocol::metadata_response> metadata(uint16_t port, std::optional<std::vector<std::string>> names,
                                                    bool allow_auto_create,
                                                    std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Partition count of `topic` per Metadata (-1: unknown or no answer).
int32_t partition_count(uint16_t port, const std::string& topic);
// acks=1 Produce v7 of `count` small records to partition 0; the base
// offset when the answer is NONE.
std::optional<int64_t> produce_some(uint16_t port, const std::string& topic, int count);

// The number of topics in the topic table file of the log dir `data`
// (its `"name"` entries).
size_t topics_in_table_file(const std::filesystem::path& data);
// The partition directories of `topic` in `data`.
size_t dirs_of(const std::filesystem::path& data, const std::string& topic);

// A script beside the test's temp files: `ulimit <args>` then exec the broker
// (the same process, so its pid and /proc/<pid>/limits are the broker's).
class limited_broker_script {
public:
    explicit limited_broker_script(const std::string& ulimit_args);
    const std::filesystem::path& path() const { return path_; }

private:
    test_support::temp_dir dir_;
    std::filesystem::path path_;
};

}  // namespace samsa::broker::testing
