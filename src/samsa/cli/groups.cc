#include "samsa/cli/groups.h"

#include <algorithm>
#include <map>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "samsa/cli/kafka/admin.h"
#include "samsa/cli/record_format.h"

namespace samsa::cli {

std::optional<int64_t> partition_lag::lag() const {
    if (committed() < 0 || log_end() < 0) return std::nullopt;
    return std::max<int64_t>(0, log_end() - committed());
}

std::vector<partition_lag> join_offsets(const kafka::group_description& group,
                                        const std::vector<kafka::committed_offset>& committed) {
    std::map<kafka::topic_partition, partition_lag> rows;
    for (const auto& m : group.members) {
        for (const auto& tp : m.assignment) {
            auto& row = rows[tp];
            row.tp = tp;
            row.member_id = m.member_id;
            row.host = m.host;
            row.client_id = m.client_id;
        }
    }
    for (const auto& c : committed) {
        auto& row = rows[c.tp];
        row.tp = c.tp;
        row.committed = c.committed;
    }
    std::vector<partition_lag> out;
    for (auto& [tp, row] : rows) out.push_back(std::move(row));
    return out;
}

CLI::App* add_groups_command(CLI::App& app, groups_args& args, connection_options& connection) {
    auto* groups = app.add_subcommand("groups", "list and describe consumer groups");
    groups->require_subcommand(1);

    args.list = groups->add_subcommand("list", "list consumer groups and their states");
    add_connection_options(*args.list, connection);
    args.list->add_option("--format", args.format, "text or json")->capture_default_str();

    args.describe = groups->add_subcommand("describe", "members, assignments, committed offsets and lag of groups");
    add_connection_options(*args.describe, connection);
    args.describe->add_option("--group,-g", args.groups, "a group to describe (repeatable)")->allow_extra_args(false);
    args.describe->add_flag("--all-groups", args.all_groups, "describe every group");
    args.describe->add_flag("--members", args.members, "show the members and their assignments");
    args.describe->add_flag("--state", args.state, "show the coordinator, assignor, state and member count");
    args.describe->add_option("--format", args.format, "text or json")->capture_default_str();
    return groups;
}

namespace {

std::string or_dash(int64_t v) { return v < 0 ? "-" : std::to_string(v); }
std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

int run_list(kafka::admin& admin, command_io& io, output_format format) {
    auto groups = admin.list_groups();
    if (!groups) return report(io, groups.error());
    if (format == output_format::json) {
        auto j = nlohmann::ordered_json::array();
        for (const auto& g : *groups) {
            j.push_back({{"group", g.group_id}, {"state", g.state}, {"simple", g.simple}});
        }
        io.out << j.dump() << "\n";
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows{{"GROUP", "STATE"}};
    for (const auto& g : *groups) rows.push_back({g.group_id, g.state});
    io.out << format_table(rows);
    return exit_ok;
}

struct described_group {
    kafka::group_description description;
    std::vector<partition_lag> partitions;
};

result<described_group> describe_one(kafka::admin& admin, const std::string& group_id) {
    auto description = admin.describe_group(group_id);
    if (!description) return description.error();
    auto committed = admin.committed_offsets(group_id);
    if (!committed) return committed.error();
    described_group out{std::move(*description), {}};
    out.partitions = join_offsets(out.description, *committed);
    // Kafka answers DescribeGroups for an unknown id with state Dead, not an error.
    if (out.description.state == "Dead" && out.description.members.empty() && out.partitions.empty()) {
        return make_error(errc::not_found, fmt::format("consumer group '{}' does not exist", group_id));
    }
    for (auto& row : out.partitions) {
        auto marks = admin.query_watermarks(row.tp.topic, row.tp.partition);
        // A deleted topic leaves committed offsets behind: show them without a log end.
        if (marks) row.log_end = marks->high;
    }
    return out;
}

nlohmann::ordered_json to_json(const described_group& g) {
    nlohmann::ordered_json j;
    j["group"] = g.description.group_id;
    j["state"] = g.description.state;
    j["partition_assignor"] = g.description.partition_assignor;
    j["coordinator"] = g.description.coordinator();
    auto members = nlohmann::ordered_json::array();
    for (const auto& m : g.description.members) {
        auto assignment = nlohmann::ordered_json::array();
        for (const auto& tp : m.assignment) assignment.push_back({{"topic", tp.topic}, {"partition", tp.partition()}});
        members.push_back({{"member_id", m.member_id},
                           {"client_id", m.client_id},
                           {"host", m.host},
                           {"group_instance_id", m.group_instance_id.empty() ? nlohmann::ordered_json(nullptr)
                                                                             : nlohmann::ordered_json(m.group_instance_id)},
                           {"assignment", std::move(assignment)}});
    }
    j["members"] = std::move(members);
    auto offsets = nlohmann::ordered_json::array();
    for (const auto& row : g.partitions) {
        auto nullable = [](int64_t v) { return v < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v); };
        auto lag = row.lag();
        offsets.push_back({{"topic", row.tp.topic},
                           {"partition", row.tp.partition()},
                           {"current_offset", nullable(row.committed())},
                           {"log_end_offset", nullable(row.log_end())},
                           {"lag", lag ? nlohmann::ordered_json(*lag) : nlohmann::ordered_json(nullptr)},
                           {"member_id", row.member_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(row.member_id)}});
    }
    j["offsets"] = std::move(offsets);
    return j;
}

void print_text(const groups_args& args, const described_group& g, command_io& io) {
    const auto& d = g.description;
    if (args.state) {
        io.out << format_table({{"GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"},
                                {d.group_id, or_dash(d.coordinator()), or_dash(d.partition_assignor), d.state,
                                 std::to_string(d.members.size())}});
        return;
    }
    if (args.members) {
        std::vector<std::vector<std::string>> rows{{"GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT"}};
        for (const auto& m : d.members) {
            std::vector<std::string> parts;
            for (const auto& tp : m.assignment) parts.push_back(fmt::format("{}-{}", tp.topic, tp.partition()));
            rows.push_back({d.group_id, or_dash(m.member_id), or_dash(m.host), or_dash(m.client_id),
                            std::to_string(m.assignment.size()), parts.empty() ? "-" : fmt::format("{}", fmt::join(parts, ","))});
        }
        if (d.members.empty()) io.out << fmt::format("Consumer group '{}' has no active members.\n", d.group_id);
        else io.out << format_table(rows);
        return;
    }
    if (d.members.empty()) io.out << fmt::format("Consumer group '{}' has no active members.\n", d.group_id);
    if (g.partitions.empty()) {
        if (!d.members.empty()) io.out << fmt::format("Consumer group '{}' has no partitions assigned or committed.\n", d.group_id);
        return;
    }
    std::vector<std::vector<std::string>> rows{
        {"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"}};
    for (const auto& row : g.partitions) {
        auto lag = row.lag();
        rows.push_back({d.group_id, row.tp.topic, std::to_string(row.tp.partition()), or_dash(row.committed()),
                        or_dash(row.log_end()), lag ? std::to_string(*lag) : "-", or_dash(row.member_id),
                        or_dash(row.host), or_dash(row.client_id)});
    }
    io.out << format_table(rows);
}

int run_describe(const groups_args& args, kafka::admin& admin, command_io& io, output_format format) {
    std::vector<std::string> ids = args.groups;
    if (args.all_groups) {
        auto listed = admin.list_groups();
        if (!listed) return report(io, listed.error());
        for (const auto& g : *listed) ids.push_back(g.group_id);
    }
    auto all = nlohmann::ordered_json::array();
    bool first = true;
    for (const auto& id : ids) {
        auto g = describe_one(admin, id);
        if (!g) return report(io, g.error());
        if (format == output_format::json) {
            all.push_back(to_json(*g));
            continue;
        }
        if (!first) io.out << "\n";
        first = false;
        print_text(args, *g, io);
    }
    if (format == output_format::json) io.out << all.dump() << "\n";
    return exit_ok;
}

}  // namespace

int run_groups(const groups_args& args, const connection_options& connection, command_io& io) {
    auto format = parse_output_format(args.format);
    if (!format) return report(io, format.error(), true);
    if (args.describe->parsed()) {
        if (args.groups.empty() && !args.all_groups) {
            return report(io, make_error(errc::invalid_argument, "groups describe needs --group or --all-groups"), true);
        }
        if (args.members && args.state) {
            return report(io, make_error(errc::invalid_argument, "use only one of --members and --state"), true);
        }
    }
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);
    auto admin = kafka::admin::connect(*config);
    if (!admin) return report(io, admin.error());
    if (args.list->parsed()) return run_list(**admin, io, *format);
    return run_describe(args, **admin, io, *format);
}

}  // namespace samsa::cli
