#include "samsa/cli/acls.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "samsa/cli/kafka/admin.h"
#include "samsa/cli/record_format.h"

namespace samsa::cli {

namespace {

// Kafka's names and wire codes (AclOperation, ResourceType, PatternType,
// AclPermissionType), as kafka-acls.sh prints them.
constexpr std::pair<int, const char*> operation_names[] = {
    {1, "Any"}, {2, "All"}, {3, "Read"}, {4, "Write"}, {5, "Create"}, {6, "Delete"}, {7, "Alter"},
    {8, "Describe"}, {9, "ClusterAction"}, {10, "DescribeConfigs"}, {11, "AlterConfigs"}, {12, "IdempotentWrite"},
};
constexpr std::pair<int, const char*> resource_names[] = {
    {1, "Any"}, {2, "Topic"}, {3, "Group"}, {4, "Cluster"}, {5, "TransactionalId"},
};
constexpr std::pair<int, const char*> pattern_names[] = {{1, "Any"}, {2, "Match"}, {3, "Literal"}, {4, "Prefixed"}};
constexpr std::pair<int, const char*> permission_names[] = {{1, "Any"}, {2, "Deny"}, {3, "Allow"}};

std::string folded(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '-' && c != '_') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return out;
}

template<size_t N>
std::optional<int> code_of(const std::pair<int, const char*> (&table)[N], std::string_view name) {
    for (const auto& [code, n] : table)
        if (folded(n) == folded(name)) return code;
    return std::nullopt;
}

template<size_t N>
std::string name_of(const std::pair<int, const char*> (&table)[N], int code) {
    for (const auto& [c, n] : table)
        if (c == code) return n;
    return std::to_string(code);
}

// The resource the options name; nullopt type when none (any).
struct resource {
    int type = 1;
    std::optional<std::string> name;
};

result<resource> resource_of(const acls_args& a) {
    std::vector<resource> given;
    if (!a.topic.empty()) given.push_back({2, a.topic});
    if (!a.group.empty()) given.push_back({3, a.group});
    if (a.cluster) given.push_back({4, std::string("kafka-cluster")});
    if (!a.transactional_id.empty()) given.push_back({5, a.transactional_id});
    if (given.size() > 1)
        return make_error(errc::invalid_argument, "name one resource: --topic, --group, --transactional-id or --cluster");
    return given.empty() ? resource{} : given.front();
}

result<std::vector<int>> operations_of(const acls_args& a, const char* fallback) {
    std::vector<int> out;
    auto names = a.operations.empty() ? std::vector<std::string>{fallback} : a.operations;
    for (const auto& n : names) {
        auto c = code_of(operation_names, n);
        if (!c) return make_error(errc::invalid_argument, fmt::format("unknown operation '{}'", n));
        out.push_back(*c);
    }
    return out;
}

result<int> pattern_of(const acls_args& a, const char* fallback) {
    auto c = code_of(pattern_names, a.pattern.empty() ? fallback : a.pattern);
    if (!c) return make_error(errc::invalid_argument, fmt::format("unknown resource pattern type '{}'", a.pattern));
    return *c;
}

// add: one binding per (principal, host, operation); remove: the same as
// exact filters.
result<std::vector<kafka::acl_binding>> bindings_of(const acls_args& a, bool for_add) {
    auto r = resource_of(a);
    if (!r) return r.error();
    if (for_add && r->type == 1) return make_error(errc::invalid_argument, "acls add needs a resource (--topic ...)");
    auto pattern = pattern_of(a, for_add ? "literal" : "any");
    if (!pattern) return pattern.error();
    auto ops = operations_of(a, for_add ? "All" : "Any");
    if (!ops) return ops.error();
    std::vector<kafka::acl_binding> out;
    auto add = [&](const std::vector<std::string>& principals, const std::vector<std::string>& hosts, int perm) {
        auto h = hosts.empty() ? std::vector<std::string>{"*"} : hosts;
        for (const auto& p : principals)
            for (const auto& host : h)
                for (int op : *ops) out.push_back({r->type, r->name, *pattern, p, host, op, perm});
    };
    add(a.allow_principals, a.allow_hosts, 3);
    add(a.deny_principals, a.deny_hosts, 2);
    if (for_add && out.empty())
        return make_error(errc::invalid_argument, "acls add needs --allow-principal or --deny-principal");
    return out;
}

std::string describe(const kafka::acl_binding& b) {
    return fmt::format("(principal={}, host={}, operation={}, permissionType={})", b.principal.value_or(""),
                       b.host.value_or(""), name_of(operation_names, b.operation),
                       name_of(permission_names, b.permission));
}

void print(const std::vector<kafka::acl_binding>& acls, command_io& io, output_format format) {
    if (format == output_format::json) {
        auto j = nlohmann::ordered_json::array();
        for (const auto& b : acls)
            j.push_back({{"resource_type", name_of(resource_names, b.resource_type)}, {"name", b.name.value_or("")},
                         {"pattern_type", name_of(pattern_names, b.pattern_type)},
                         {"principal", b.principal.value_or("")}, {"host", b.host.value_or("")},
                         {"operation", name_of(operation_names, b.operation)},
                         {"permission", name_of(permission_names, b.permission)}});
        io.out << j.dump() << "\n";
        return;
    }
    std::vector<std::vector<std::string>> table{{"ResourceType", "Name", "PatternType", "Principal", "Host",
                                                 "Operation", "Permission"}};
    for (const auto& b : acls)
        table.push_back({name_of(resource_names, b.resource_type), b.name.value_or(""),
                         name_of(pattern_names, b.pattern_type), b.principal.value_or(""), b.host.value_or(""),
                         name_of(operation_names, b.operation), name_of(permission_names, b.permission)});
    io.out << format_table(table);
}

void add_resource_options(CLI::App& cmd, acls_args& args) {
    cmd.add_option("--topic", args.topic, "a topic (or topic name prefix)");
    cmd.add_option("--group", args.group, "a consumer group (or prefix)");
    cmd.add_option("--transactional-id", args.transactional_id, "a transactional id (or prefix)");
    cmd.add_flag("--cluster", args.cluster, "the cluster");
    cmd.add_option("--resource-pattern-type", args.pattern, "literal, prefixed (and for list/remove: match, any)");
}

}  // namespace

CLI::App* add_acls_command(CLI::App& app, acls_args& args, connection_options& connection) {
    auto* acls = app.add_subcommand("acls", "add, list and remove ACLs (kafka-acls.sh)");
    acls->require_subcommand(1);
    args.add = acls->add_subcommand("add", "create ACLs");
    args.list = acls->add_subcommand("list", "list ACLs matching the options");
    args.remove = acls->add_subcommand("remove", "delete ACLs matching the options");
    for (auto* cmd : {args.add, args.list, args.remove}) {
        add_connection_options(*cmd, connection);
        add_resource_options(*cmd, args);
        cmd->add_option("--operation", args.operations, "Read, Write, Describe, ... (repeatable)");
    }
    for (auto* cmd : {args.add, args.remove}) {
        cmd->add_option("--allow-principal", args.allow_principals, "e.g. User:alice (repeatable)");
        cmd->add_option("--deny-principal", args.deny_principals, "e.g. User:* (repeatable)");
        cmd->add_option("--allow-host", args.allow_hosts, "an IP address, default *");
        cmd->add_option("--deny-host", args.deny_hosts, "an IP address, default *");
    }
    args.list->add_option("--principal", args.principal, "only this principal's ACLs");
    args.list->add_option("--format", args.format, "text or json")->capture_default_str();
    return acls;
}

int run_acls(const acls_args& args, const connection_options& connection, command_io& io) {
    auto format = parse_output_format(args.format);
    if (!format) return report(io, format.error(), true);
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);

    if (args.list->parsed()) {
        auto r = resource_of(args);
        if (!r) return report(io, r.error(), true);
        auto pattern = pattern_of(args, "any");
        if (!pattern) return report(io, pattern.error(), true);
        auto ops = operations_of(args, "Any");
        if (!ops) return report(io, ops.error(), true);
        auto admin = kafka::connect_admin(*config);
        if (!admin) return report(io, admin.error());
        std::vector<kafka::acl_binding> all;
        for (int op : *ops) {
            kafka::acl_binding f{r->type, r->name, *pattern, std::nullopt, std::nullopt, op, 1};
            if (!args.principal.empty()) f.principal = args.principal;
            auto found = (*admin)->describe_acls(f);
            if (!found) return report(io, found.error());
            all.insert(all.end(), found->begin(), found->end());
        }
        print(all, io, *format);
        return exit_ok;
    }

    const bool adding = args.add->parsed();
    auto bindings = bindings_of(args, adding);
    if (!bindings) return report(io, bindings.error(), true);
    auto admin = kafka::connect_admin(*config);
    if (!admin) return report(io, admin.error());
    if (adding) {
        if (auto s = (*admin)->create_acls(*bindings); !s) return report(io, s.error());
        for (const auto& b : *bindings) io.out << "Added ACL " << describe(b) << "\n";
        return exit_ok;
    }
    // remove: without principals, everything on the resource that matches.
    if (bindings->empty()) {
        auto r = resource_of(args);
        auto pattern = pattern_of(args, "any");
        auto ops = operations_of(args, "Any");
        for (int op : *ops) bindings->push_back({r->type, r->name, *pattern, std::nullopt, std::nullopt, op, 1});
    }
    size_t removed = 0;
    for (const auto& f : *bindings) {
        auto gone = (*admin)->delete_acls(f);
        if (!gone) return report(io, gone.error());
        for (const auto& b : *gone) io.out << "Removed ACL " << describe(b) << "\n";
        removed += gone->size();
    }
    if (removed == 0) io.err << "samsa: no ACL matched\n";
    return exit_ok;
}

}  // namespace samsa::cli
