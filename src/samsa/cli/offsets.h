#pragma once
// samsa offsets | delete-records: kafka-get-offsets.sh and
// kafka-delete-records.sh.
//
//   samsa offsets --topic orders [--time latest|earliest|<ms or ISO-8601>]   # orders:0:42 per partition
//   samsa delete-records --topic orders --partition 0 --offset 100          # -1: everything (the log end)
//   samsa delete-records --offset-json-file offsets.json                     # Kafka's JSON file
//
// Thread: main.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/command.h"
#include "samsa/cli/kafka/types.h"
#include "samsa/cli/options.h"

namespace CLI {
class App;
}

namespace samsa::cli {

struct offsets_args {
    std::vector<std::string> topics;  // "orders" or "orders:0,1"
    std::string time = "latest";
    std::optional<int32_t> partition;
    std::optional<int64_t> offset;
    std::string offset_json_file;
    CLI::App* offsets = nullptr;
    CLI::App* delete_records = nullptr;
};

// --time: latest (-1), earliest (-2), or a time (ms since the epoch or ISO-8601).
result<int64_t> parse_offset_time(const std::string& text);

// Kafka's delete-records JSON: {"partitions":[{"topic":"t","partition":0,"offset":5}],"version":1}.
result<std::vector<std::pair<kafka::topic_partition, offset>>> parse_delete_records_json(const std::string& text);

void add_offsets_commands(CLI::App& app, offsets_args& args, connection_options& connection);
bool offsets_command_given(const offsets_args& args);
int run_offsets_command(const offsets_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
