#pragma once
// samsa streams reset: kafka-streams-application-reset.sh. Makes a Kafka
// Streams (or samsa::streams) application start over: its consumer group's
// offsets on the input topics go back to the earliest offset (intermediate
// topics: to the end), its internal topics (changelogs, repartition topics,
// the foreign-key join's subscription topics) are deleted, and, with
// --state-dir, its local state too (Kafka's tool leaves that to
// KafkaStreams#cleanUp; samsa does both in one step).
//
//   samsa streams reset --application-id word-count --input-topics lines [--state-dir /var/lib/wc] [--dry-run]
//
// The application must be stopped: the group must have no members.
//
// Thread: main.

#include <string>
#include <vector>

#include "samsa/cli/command.h"
#include "samsa/cli/options.h"

namespace CLI {
class App;
}

namespace samsa::cli {

struct streams_reset_args {
    std::string application_id;
    std::vector<std::string> input_topics;
    std::vector<std::string> intermediate_topics;
    std::vector<std::string> internal_topics;  // empty: inferred from the topic names
    std::string state_dir;
    bool dry_run = false;
    CLI::App* command = nullptr;
    CLI::App* reset = nullptr;
};

// Kafka's inference: "<application.id>-" then a name ending in -changelog,
// -repartition, -subscription-registration-topic or
// -subscription-response-topic.
bool is_streams_internal_topic(const std::string& application_id, const std::string& topic);

CLI::App* add_streams_command(CLI::App& app, streams_reset_args& args, connection_options& connection);
int run_streams(const streams_reset_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
