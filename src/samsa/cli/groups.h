#pragma once
// samsa groups list|describe|reset-offsets|delete|delete-offsets:
// kafka-consumer-groups.sh --list / --describe / --reset-offsets / --delete /
// --delete-offsets.
//
//   samsa groups list [--format json]
//   samsa groups describe --group billing            # per partition: committed offset, log end, lag, owner
//   samsa groups describe --group billing --members  # members and their assignments
//   samsa groups describe --group billing --state    # coordinator, assignor, state, member count
//   samsa groups describe --all-groups --format json
//   samsa groups reset-offsets --group billing --topic orders --to-earliest --execute
//   samsa groups reset-offsets --group billing --all-topics --shift-by -10      # a dry run: prints the plan
//   samsa groups reset-offsets --group billing --topic orders:0,1 --to-datetime 2024-05-01T12:00 --execute
//   samsa groups delete --group billing
//   samsa groups delete-offsets --group billing --topic orders
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
    // reset-offsets and delete-offsets
    std::vector<std::string> topics;  // "orders" or "orders:0,1"
    bool all_topics = false;
    bool to_earliest = false;
    bool to_latest = false;
    bool to_current = false;
    std::optional<int64_t> to_offset;
    std::string to_datetime;
    std::optional<int64_t> shift_by;
    bool dry_run = false;
    bool execute = false;

    CLI::App* list = nullptr;
    CLI::App* describe = nullptr;
    CLI::App* reset_offsets = nullptr;
    CLI::App* remove = nullptr;
    CLI::App* delete_offsets = nullptr;
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

struct reset_spec;
// The one --to-*/--shift-by option given (errc::invalid_argument otherwise).
result<reset_spec> reset_spec_of(const groups_args& args);

CLI::App* add_groups_command(CLI::App& app, groups_args& args, connection_options& connection);
int run_groups(const groups_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
