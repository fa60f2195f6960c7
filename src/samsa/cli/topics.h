#pragma once
// samsa topics create|list|describe|alter|delete: kafka-topics.sh (and the topic
// half of kafka-configs.sh) over the standard admin APIs.
//
//   samsa topics create --topic orders --partitions 3 --config cleanup.policy=compact
//   samsa topics list
//   samsa topics describe --topic orders [--all-configs] [--format json]
//   samsa topics alter --topic orders --partitions 6 --config retention.ms=60000 --delete-config cleanup.policy
//   samsa topics delete --topic orders
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

struct topics_args {
    std::vector<std::string> topics;  // --topic
    int partitions = -1;
    int replication_factor = -1;
    std::vector<std::string> configs;         // --config key=value
    std::vector<std::string> delete_configs;  // --delete-config key
    bool if_not_exists = false;
    bool if_exists = false;
    bool exclude_internal = false;
    bool all_configs = false;
    std::string format = "text";

    // The subcommands, to tell which one was given.
    CLI::App* create = nullptr;
    CLI::App* list = nullptr;
    CLI::App* describe = nullptr;
    CLI::App* alter = nullptr;
    CLI::App* remove = nullptr;
};

struct topic_alter_plan {
    std::string topic;
    std::optional<int> partitions;
    std::vector<key_value> set;
    std::vector<std::string> remove;
};

// Adds `topics` and its subcommands to `app`.
CLI::App* add_topics_command(CLI::App& app, topics_args& args, connection_options& connection);

// The checked arguments of each subcommand (errc::invalid_argument says what is wrong).
result<kafka::new_topic> plan_topic_create(const topics_args& args);
result<topic_alter_plan> plan_topic_alter(const topics_args& args);

// Runs the subcommand that was parsed; returns the exit status.
int run_topics(const topics_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
