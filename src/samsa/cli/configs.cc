#include "samsa/cli/configs.h"

#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "samsa/cli/kafka/admin.h"
#include "samsa/cli/record_format.h"

namespace samsa::cli {

std::string format_configs(const std::string& entity, bool all, const std::vector<kafka::config_entry>& entries) {
    std::string out = fmt::format("{} configs for {} are:\n", all ? "All" : "Dynamic", entity);
    for (const auto& e : entries) {
        if (!all && e.is_default) continue;
        std::string value = e.sensitive || !e.value ? "null" : *e.value;
        out += fmt::format("  {}={} sensitive={} synonyms={{{}:{}={}}}\n", e.name, value, e.sensitive ? "true" : "false",
                           e.source, e.name, value);
    }
    return out;
}

CLI::App* add_configs_command(CLI::App& app, configs_args& args, connection_options& connection) {
    args.command = app.add_subcommand("configs", "broker and topic configs (kafka-configs.sh --describe)");
    args.command->require_subcommand(1);
    args.describe = args.command->add_subcommand("describe", "the configs of a broker or a topic");
    add_connection_options(*args.describe, connection);
    args.describe->add_option("--broker", args.broker, "a broker's node id");
    args.describe->add_option("--topic,-t", args.topic, "a topic");
    args.describe->add_flag("--all", args.all, "every config, defaults included");
    args.describe->add_option("--format", args.format, "text or json")->capture_default_str();
    return args.command;
}

int run_configs(const configs_args& args, const connection_options& connection, command_io& io) {
    auto format = parse_output_format(args.format);
    if (!format) return report(io, format.error(), true);
    if (args.broker.has_value() == !args.topic.empty()) {
        return report(io, make_error(errc::invalid_argument, "configs describe needs one of --broker and --topic"), true);
    }
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);
    auto admin = kafka::connect_admin(*config);
    if (!admin) return report(io, admin.error());
    auto entries = args.broker ? (*admin)->describe_configs(kafka::config_resource_type::broker, std::to_string(*args.broker))
                               : (*admin)->describe_configs(kafka::config_resource_type::topic, args.topic);
    if (!entries) return report(io, entries.error());
    if (*format == output_format::json) {
        auto j = nlohmann::ordered_json::array();
        for (const auto& e : *entries) {
            if (!args.all && e.is_default) continue;
            j.push_back({{"name", e.name},
                         {"value", e.sensitive || !e.value ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(*e.value)},
                         {"source", e.source},
                         {"sensitive", e.sensitive},
                         {"read_only", e.read_only}});
        }
        io.out << j.dump() << "\n";
        return exit_ok;
    }
    std::string entity = args.broker ? fmt::format("broker {}", *args.broker) : fmt::format("topic {}", args.topic);
    io.out << format_configs(entity, args.all, *entries);
    return exit_ok;
}

}  // namespace samsa::cli
