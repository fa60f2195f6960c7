#pragma once
// topic_table: the broker's catalogue of topics (name, id, partition count,
// the configs set on the topic), persisted as one JSON file in the first log
// dir and replaced atomically on every change (write a temporary file, fsync,
// rename, fsync the directory), so a crash leaves the old table or the new
// one, never a mix.
//
// File format (`<log.dir>/__samsa-topics.json`):
//
//   {"version": 1,
//    "topics": [{"name": "orders", "id": "kT5y0H7VQyq8wJ8YQkq2Yw",
//                "partitions": 3, "configs": {"retention.ms": "60000"}}]}
//
// The partition directories are the truth for data; this file is the truth
// for names, ids and configs. At start-up the broker reconciles the two
// (broker.cc): a partition dir unknown to the table is adopted, a table
// partition without a dir gets an empty log.
//
// Thread: the I/O thread (after start-up, on which it is loaded).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/broker/topics/topic_config.h"
#include "samsa/broker/topics/topic_properties.h"
#include "samsa/protocol/uuid.h"

namespace samsa::broker {

using uuid = protocol::uuid;

struct topic_metadata {
    std::string name;
    uuid id;
    int32_t partition_count = 0;
    topic_configs configs;  // only the keys set on the topic
    // `configs` over the broker's defaults, typed (not persisted: derived).
    // topic_manager rebuilds it whenever `configs` changes; a table used
    // alone (tests) keeps Kafka's defaults.
    topic_properties properties;
};

class topic_table {
public:
    static constexpr const char* file_name = "__samsa-topics.json";

    // Loads `<dir>/__samsa-topics.json`; a missing file is an empty table.
    static result<topic_table> load(const std::string& dir);
    // A table kept in memory only (tests).
    static topic_table in_memory();

    const topic_metadata* find(std::string_view name) const;
    const topic_metadata* find(const uuid& id) const;
    const std::map<std::string, topic_metadata, std::less<>>& topics() const { return topics_; }

    // Adds a topic and persists the table. Fails with already_exists, or
    // io_error (then the table in memory is unchanged).
    result<const topic_metadata*> create(std::string name, int32_t partitions, topic_configs configs,
                                         std::optional<uuid> id = std::nullopt);
    status remove(std::string_view name);
    status set_partition_count(std::string_view name, int32_t partitions);
    status set_configs(std::string_view name, topic_configs configs);
    // In memory only: the properties built from the topic's configs.
    status set_properties(std::string_view name, topic_properties properties);

private:
    explicit topic_table(std::string dir) : dir_(std::move(dir)) {}
    // Writes the whole table; on failure the caller restores `previous`.
    status persist() const;
    status commit(std::map<std::string, topic_metadata, std::less<>> previous);

    std::string dir_;  // empty: in memory only
    std::map<std::string, topic_metadata, std::less<>> topics_;
};

// Writes `contents` to `path` atomically (tmp + fsync + rename + dir fsync).
status write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace samsa::broker
