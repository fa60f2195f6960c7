#include "samsa/cli/quotas.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "samsa/cli/record_format.h"
#include "samsa/cli/wire_command.h"
#include "samsa/protocol/messages/alter_client_quotas.h"
#include "samsa/protocol/messages/describe_client_quotas.h"

namespace samsa::cli {

namespace {

using kafka::wire_client;

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) {
        for (size_t from = 0; from <= item.size();) {
            size_t comma = std::min(item.find(',', from), item.size());
            if (comma > from) out.push_back(item.substr(from, comma - from));
            from = comma + 1;
        }
    }
    return out;
}

result<std::vector<protocol::quota_entity_data>> entity_of(const quotas_args& a) {
    if (!a.user.empty() && a.user_defaults) return make_error(errc::invalid_argument, "use --user or --user-defaults");
    if (!a.client_id.empty() && a.client_defaults)
        return make_error(errc::invalid_argument, "use --client-id or --client-defaults");
    std::vector<protocol::quota_entity_data> e;
    if (!a.user.empty()) e.push_back({"user", a.user});
    if (a.user_defaults) e.push_back({"user", std::nullopt});
    if (!a.client_id.empty()) e.push_back({"client-id", a.client_id});
    if (a.client_defaults) e.push_back({"client-id", std::nullopt});
    return e;
}

std::string entity_text(const std::vector<protocol::quota_entity_data>& e) {
    std::string out;
    for (const auto& c : e) {
        if (!out.empty()) out += ", ";
        out += c.entity_type + "=" + c.entity_name.value_or("<default>");
    }
    return out;
}

int run_describe(const quotas_args& a, wire_client& client, command_io& io, output_format format) {
    auto entity = entity_of(a);
    if (!entity) return report(io, entity.error(), true);
    protocol::describe_client_quotas_request req;
    for (const auto& c : *entity) {
        if (c.entity_name) {
            req.components.push_back({c.entity_type, 0, c.entity_name});
        } else {
            req.components.push_back({c.entity_type, 1, std::nullopt});
        }
    }
    auto r = client.call<protocol::describe_client_quotas_request, protocol::describe_client_quotas_response>(req);
    if (!r) return report(io, r.error());
    if (r->error_code != protocol::error_code::none)
        return report(io, broker_error(r->error_code, r->error_message, "DescribeClientQuotas"));
    const auto entries = r->entries.value_or(std::vector<protocol::quota_entry_data>{});
    if (format == output_format::json) {
        auto j = nlohmann::ordered_json::array();
        for (const auto& e : entries) {
            auto entity_json = nlohmann::ordered_json::object();
            for (const auto& c : e.entity)
                entity_json[c.entity_type] = c.entity_name ? nlohmann::ordered_json(*c.entity_name) : nullptr;
            auto values = nlohmann::ordered_json::object();
            for (const auto& v : e.values) values[v.key] = v.value;
            j.push_back({{"entity", entity_json}, {"values", values}});
        }
        io.out << j.dump() << "\n";
        return exit_ok;
    }
    for (const auto& e : entries) {
        std::string values;
        for (const auto& v : e.values) values += (values.empty() ? "" : ", ") + fmt::format("{}={}", v.key, v.value);
        io.out << "Quota configs for " << entity_text(e.entity) << " are " << values << "\n";
    }
    return exit_ok;
}

int run_alter(const quotas_args& a, wire_client& client, command_io& io) {
    auto entity = entity_of(a);
    if (!entity) return report(io, entity.error(), true);
    if (entity->empty())
        return report(io, make_error(errc::invalid_argument, "quotas alter needs --user/--user-defaults and/or "
                                                             "--client-id/--client-defaults"), true);
    protocol::alter_quota_entry entry;
    entry.entity = *entity;
    for (const auto& kv : split_commas(a.add_config)) {
        auto eq = kv.find('=');
        if (eq == std::string::npos) return report(io, make_error(errc::invalid_argument, "--add-config wants key=value: " + kv), true);
        char* end = nullptr;
        std::string value = kv.substr(eq + 1);
        double v = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0') return report(io, make_error(errc::invalid_argument, "not a number: " + kv), true);
        entry.ops.push_back({kv.substr(0, eq), v, false});
    }
    for (const auto& key : split_commas(a.delete_config)) entry.ops.push_back({key, 0, true});
    if (entry.ops.empty())
        return report(io, make_error(errc::invalid_argument, "quotas alter needs --add-config or --delete-config"), true);
    protocol::alter_client_quotas_request req;
    req.entries.push_back(entry);
    auto r = client.call<protocol::alter_client_quotas_request, protocol::alter_client_quotas_response>(req);
    if (!r) return report(io, r.error());
    for (const auto& e : r->entries) {
        if (e.error_code != protocol::error_code::none)
            return report(io, broker_error(e.error_code, e.error_message, "AlterClientQuotas"));
    }
    io.out << "Completed updating quotas for " << entity_text(*entity) << "\n";
    return exit_ok;
}

void add_entity_options(CLI::App& cmd, quotas_args& args) {
    cmd.add_option("--user", args.user, "a user principal name (User:NAME's NAME)");
    cmd.add_flag("--user-defaults", args.user_defaults, "the default user entity");
    cmd.add_option("--client-id", args.client_id, "a client id");
    cmd.add_flag("--client-defaults", args.client_defaults, "the default client-id entity");
}

}  // namespace

CLI::App* add_quotas_command(CLI::App& app, quotas_args& args, connection_options& connection) {
    auto* quotas = app.add_subcommand("quotas", "describe and alter client quotas (kafka-configs.sh --entity-type users/clients)");
    quotas->require_subcommand(1);
    args.describe = quotas->add_subcommand("describe", "quotas of matching entities (all without entity options)");
    args.alter = quotas->add_subcommand("alter", "set or delete quota keys of one entity");
    for (auto* cmd : {args.describe, args.alter}) {
        add_connection_options(*cmd, connection);
        add_entity_options(*cmd, args);
    }
    args.describe->add_option("--format", args.format, "text or json")->capture_default_str();
    args.alter->add_option("--add-config", args.add_config,
                           "producer_byte_rate=N,consumer_byte_rate=N,request_percentage=P");
    args.alter->add_option("--delete-config", args.delete_config, "keys to remove");
    return quotas;
}

int run_quotas(const quotas_args& args, const connection_options& connection, command_io& io) {
    return run_with_wire_client(args.format, connection, io, [&](wire_client& client, output_format format) {
        if (args.describe->parsed()) return run_describe(args, client, io, format);
        return run_alter(args, client, io);
    });
}

}  // namespace samsa::cli
