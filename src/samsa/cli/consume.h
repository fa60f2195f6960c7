#pragma once
// samsa consume: kafka-console-consumer.sh. Prints the records of a topic, from
// its end (default), its beginning, an offset or a time, or as a member of a
// consumer group (committing what it printed). It stops after --max-messages
// records, after --timeout-ms without a record, or on Ctrl-C.
//
//   samsa consume --topic orders --from-beginning --max-messages 10
//   samsa consume --topic orders --partition 0 --offset 42 --print-key --print-offset
//   samsa consume --topic orders --from-time 2024-05-01T12:00:00Z --timeout-ms 2000
//   samsa consume --topic orders --group billing --from-beginning --format json
//
// Thread: main.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/command.h"
#include "samsa/cli/kafka/consumer.h"
#include "samsa/cli/options.h"
#include "samsa/cli/record_format.h"

namespace CLI {
class App;
}

namespace samsa::cli {

struct consume_args {
    std::string topic;
    std::vector<int32_t> partitions;
    bool from_beginning = false;
    std::string offset;     // earliest, latest or a number
    std::string from_time;  // ms or ISO-8601
    std::string group;
    int64_t max_messages = -1;
    int64_t timeout_ms = -1;  // idleness; -1: wait for ever
    std::vector<std::string> properties;
    bool print_key = false;
    bool print_headers = false;
    bool print_timestamp = false;
    bool print_partition = false;
    bool print_offset = false;
    std::optional<std::string> key_separator;
    std::string format = "text";
    CLI::App* command = nullptr;
};

struct consume_plan {
    kafka::consumer_options consumer;
    output_format format = output_format::text;
    text_format_options text;
    std::optional<int64_t> max_messages;
    std::optional<std::chrono::milliseconds> idle_timeout;
};

CLI::App* add_consume_command(CLI::App& app, consume_args& args, connection_options& connection);
result<consume_plan> plan_consume(const consume_args& args);
int run_consume(const consume_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
