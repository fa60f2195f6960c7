#pragma once
// consumer: reads one topic through librdkafka, either from chosen positions
// in chosen partitions (no group: nothing is committed, like
// kafka-console-consumer --partition/--offset) or as a member of a consumer
// group (subscribe, rebalances by the broker's coordinator, offsets committed
// for the records the command actually printed).
//
// Thread: the command's thread; poll() serves librdkafka's callbacks on it.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"

namespace samsa::cli::kafka {

struct start_position {
    enum class kind { beginning, end, offset, time };
    kind where = kind::end;
    int64_t value = 0;  // the offset (kind::offset) or ms since the epoch (kind::time)
};

struct consumer_options {
    std::string topic;
    std::vector<int32_t> partitions;  // empty: every partition of the topic
    start_position start;
    // Set: join this group (subscribe) and commit; `start` then only says where
    // to begin when the group has no committed offset (beginning or end).
    std::optional<std::string> group;
};

class consumer {
public:
    // Checks the cluster and the topic (and the partitions asked for) within the
    // timeout, resolves a time to offsets, then assigns or subscribes.
    static result<std::unique_ptr<consumer>> open(const client_config& config, const consumer_options& options);
    ~consumer();
    consumer(const consumer&) = delete;
    consumer& operator=(const consumer&) = delete;

    // The next record, nullopt when none came within `wait`, or an error that
    // ends the command (unknown topic, fatal client error). Connection trouble
    // is not an error here: librdkafka reconnects, and the caller's idle
    // timeout bounds the wait.
    result<std::optional<record>> poll(std::chrono::milliseconds wait);

    // The record was handled: in a group, its offset + 1 is committed on close().
    void done(const record& r);

    // Commits (in a group) and leaves the group. Safe to call twice.
    status close();

private:
    struct impl;
    explicit consumer(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
};

}  // namespace samsa::cli::kafka
