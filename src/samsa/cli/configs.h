#pragma once
// samsa configs describe: kafka-configs.sh --describe for brokers and topics
// (topic configs are changed with `samsa topics alter`).
//
//   samsa configs describe --broker 1          # the configs set in server.properties or --override
//   samsa configs describe --broker 1 --all    # every config, defaults included
//   samsa configs describe --topic orders [--all]
//
// Thread: main.

#include <optional>
#include <string>

#include "samsa/cli/command.h"
#include "samsa/cli/kafka/types.h"
#include "samsa/cli/options.h"

namespace CLI {
class App;
}

namespace samsa::cli {

struct configs_args {
    std::optional<int32_t> broker;
    std::string topic;
    bool all = false;
    std::string format = "text";
    CLI::App* command = nullptr;
    CLI::App* describe = nullptr;
};

// Kafka's text: "Dynamic configs for broker 1 are:" (or "All configs ...")
// and one "  name=value sensitive=false synonyms={SOURCE:name=value}" line
// per entry; sensitive values print as null.
std::string format_configs(const std::string& entity, bool all, const std::vector<kafka::config_entry>& entries);

CLI::App* add_configs_command(CLI::App& app, configs_args& args, connection_options& connection);
int run_configs(const configs_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
