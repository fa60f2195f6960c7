#pragma once
// samsa groups list|describe: kafka-consumer-groups.sh --list / --describe.
//
//   samsa groups list [--format json]
//   samsa groups describe --group billing            # per partition: committed offset, log end, lag, owner
//   samsa groups describe --group billing --members  # members and their assignments
//   samsa groups describe --group billing --state    # coordinator, assignor, state, member count
//   samsa groups describe --all-groups --format json
//
// Thread: main.

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/command.h"
#include "samsa/cli/kafka/types.h"
#include "samsa/cli/options.h"

namespace CLI {
class App;
}

namespace samsa::cli {

struct groups_args {
    std::vector<std::string> groups;
    bool all_groups = false;
    bool members = false;
    bool state = false;
    std::string format = "text";
    CLI::App* list = nullptr;
    CLI::App* describe = nullptr;
};

// One row of the offsets view: a partition the group owns or has committed.
struct partition_lag {
    kafka::topic_partition tp;
    offset committed{-1};  // -1: none
    offset log_end{-1};    // -1: unknown
    std::string member_id;
    std::string host;
    std::string client_id;

    // log_end - committed; nullopt when either is unknown.
    std::optional<int64_t> lag() const;
};

// Joins the members' assignments with the committed offsets (sorted by topic
// and partition); log_end is filled in by the caller.
std::vector<partition_lag> join_offsets(const kafka::group_description& group,
                                        const std::vector<kafka::committed_offset>& committed);

CLI::App* add_groups_command(CLI::App& app, groups_args& args, connection_options& connection);
int run_groups(const groups_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
