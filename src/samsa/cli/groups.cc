#include "samsa/cli/groups.h"

#include <algorithm>
#include <map>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "samsa/cli/group_reset.h"
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

    args.reset_offsets = groups->add_subcommand("reset-offsets", "set an inactive group's committed offsets");
    add_connection_options(*args.reset_offsets, connection);
    args.reset_offsets->add_option("--group,-g", args.groups, "the group")->allow_extra_args(false);
    args.reset_offsets->add_option("--topic,-t", args.topics, "a topic, or topic:0,1 for some partitions (repeatable)")
        ->allow_extra_args(false);
    args.reset_offsets->add_flag("--all-topics", args.all_topics, "every topic the group has committed offsets for");
    args.reset_offsets->add_flag("--to-earliest", args.to_earliest, "to each partition's earliest offset");
    args.reset_offsets->add_flag("--to-latest", args.to_latest, "to each partition's log end");
    args.reset_offsets->add_flag("--to-current", args.to_current, "to the committed offset (clamped into the log)");
    args.reset_offsets->add_option("--to-offset", args.to_offset, "to this offset (clamped into the log)");
    args.reset_offsets->add_option("--to-datetime", args.to_datetime,
                                   "to the first offset at or after this time (ISO-8601 or epoch ms)");
    args.reset_offsets->add_option("--shift-by", args.shift_by, "move the committed offset by N (may be negative)");
    args.reset_offsets->add_flag("--dry-run", args.dry_run, "print the new offsets only (the default)");
    args.reset_offsets->add_flag("--execute", args.execute, "commit the new offsets");
    args.reset_offsets->add_option("--format", args.format, "text or json")->capture_default_str();

    args.remove = groups->add_subcommand("delete", "delete groups that have no members, with their offsets");
    add_connection_options(*args.remove, connection);
    args.remove->add_option("--group,-g", args.groups, "a group to delete (repeatable)")->allow_extra_args(false);

    args.delete_offsets = groups->add_subcommand("delete-offsets", "forget a group's committed offsets of topics");
    add_connection_options(*args.delete_offsets, connection);
    args.delete_offsets->add_option("--group,-g", args.groups, "the group")->allow_extra_args(false);
    args.delete_offsets->add_option("--topic,-t", args.topics, "a topic, or topic:0,1 (repeatable)")
        ->allow_extra_args(false);
    return groups;
}

result<reset_spec> reset_spec_of(const groups_args& args) {
    std::vector<reset_spec> given;
    if (args.to_earliest) given.push_back({reset_kind::to_earliest, 0});
    if (args.to_latest) given.push_back({reset_kind::to_latest, 0});
    if (args.to_current) given.push_back({reset_kind::to_current, 0});
    if (args.to_offset) given.push_back({reset_kind::to_offset, *args.to_offset});
    if (args.shift_by) given.push_back({reset_kind::shift_by, *args.shift_by});
    if (!args.to_datetime.empty()) {
        auto t = parse_time_ms(args.to_datetime);
        if (!t) return t.error();
        given.push_back({reset_kind::to_datetime, *t});
    }
    if (given.size() != 1) {
        return make_error(errc::invalid_argument,
                          "reset-offsets needs exactly one of --to-earliest, --to-latest, --to-current, --to-offset, "
                          "--to-datetime, --shift-by");
    }
    return given.front();
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
    auto committed = admin.offset_fetch(group_id);
    if (!committed) return committed.error();
    described_group out{std::move(*description), {}};
    out.partitions = join_offsets(out.description, *committed);
    // Kafka answers DescribeGroups for an unknown id with state Dead, not an error.
    if (out.description.state == "Dead" && out.description.members.empty() && out.partitions.empty()) {
        return make_error(errc::not_found, fmt::format("consumer group '{}' does not exist", group_id));
    }
    for (auto& row : out.partitions) {
        auto marks = admin.list_offsets(row.tp);
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
        for (const auto& tp : m.assignment) assignment.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
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
                           {"partition", row.tp.partition},
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
            for (const auto& tp : m.assignment) parts.push_back(fmt::format("{}-{}", tp.topic, tp.partition));
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
        rows.push_back({d.group_id, row.tp.topic, std::to_string(row.tp.partition), or_dash(row.committed()),
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

// The partitions named by --topic (all of a topic's when no partitions are
// given) or, with --all-topics, every partition the group committed.
result<std::vector<kafka::topic_partition>> selected_partitions(const groups_args& args, kafka::admin& admin,
                                                                const std::vector<kafka::committed_offset>& committed) {
    std::vector<kafka::topic_partition> out;
    if (args.all_topics) {
        for (const auto& c : committed) out.push_back(c.tp);
        return out;
    }
    for (const auto& text : args.topics) {
        auto sel = parse_topic_selection(text);
        if (!sel) return sel.error();
        if (!sel->partitions.empty()) {
            for (auto p : sel->partitions) out.push_back({sel->topic, p()});
            continue;
        }
        auto md = admin.metadata(sel->topic);
        if (!md) return md.error();
        for (const auto& t : md->topics) {
            for (const auto& p : t.partitions) out.push_back({t.name, p.id()});
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

int run_reset_offsets(const groups_args& args, kafka::admin& admin, command_io& io, output_format format) {
    const std::string& group = args.groups.front();
    auto spec = reset_spec_of(args);
    if (!spec) return report(io, spec.error(), true);
    auto description = admin.describe_group(group);
    if (!description) return report(io, description.error());
    // Kafka's rule: a running member would overwrite the new offsets at once.
    if (description->state != "Empty" && description->state != "Dead" && description->state != "Unknown") {
        return report(io, make_error(errc::invalid_argument,
                                     fmt::format("Assignments can only be reset if the group '{}' is inactive, but "
                                                 "the current state is {}.",
                                                 group, description->state)));
    }
    auto committed = admin.offset_fetch(group);
    if (!committed) return report(io, committed.error());
    auto partitions = selected_partitions(args, admin, *committed);
    if (!partitions) return report(io, partitions.error());

    std::vector<std::pair<kafka::topic_partition, offset>> plan;
    for (const auto& tp : *partitions) {
        reset_inputs in;
        for (const auto& c : *committed) {
            if (c.tp == tp) in.committed = c.committed;
        }
        auto marks = admin.list_offsets(tp);
        if (!marks) return report(io, marks.error());
        in.marks = *marks;
        if (spec->kind == reset_kind::to_datetime) {
            auto at = admin.list_offsets(tp, spec->value);
            if (!at) return report(io, at.error());
            in.offset_for_time = *at;
        }
        auto next = plan_reset(*spec, in, tp);
        if (!next) return report(io, next.error());
        plan.emplace_back(tp, *next);
    }
    if (args.execute) {
        if (auto s = admin.offset_commit(group, plan); !s) return report(io, s.error());
    } else {
        io.err << "WARN: No action will be performed as the --execute option is missing. "
                  "In a future major release, the default behavior of this command will be to prompt the user "
                  "before executing the reset rather than doing a dry run. You should add the --dry-run option "
                  "explicitly if you are scripting this command and want to keep the current default behavior "
                  "without prompting.\n";
    }
    if (format == output_format::json) {
        auto j = nlohmann::ordered_json::array();
        for (const auto& [tp, o] : plan) {
            j.push_back({{"group", group}, {"topic", tp.topic}, {"partition", tp.partition}, {"new_offset", o()}});
        }
        io.out << j.dump() << "\n";
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows{{"GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"}};
    for (const auto& [tp, o] : plan) rows.push_back({group, tp.topic, std::to_string(tp.partition), std::to_string(o())});
    io.out << format_table(rows);
    return exit_ok;
}

int run_delete(const groups_args& args, kafka::admin& admin, command_io& io) {
    auto results = admin.delete_groups(args.groups);
    std::vector<std::string> deleted;
    std::vector<std::string> failures;
    for (const auto& [id, s] : results) {
        if (s) deleted.push_back("'" + id + "'");
        else failures.push_back(fmt::format("* Group '{}' could not be deleted due to: {}", id, s.error().message));
    }
    if (!deleted.empty()) {
        io.out << fmt::format("Deletion of requested consumer groups ({}) was successful.\n", fmt::join(deleted, ", "));
    }
    if (failures.empty()) return exit_ok;
    io.err << fmt::format("Deletion of some consumer groups failed:\n{}\n", fmt::join(failures, "\n"));
    return exit_failure;
}

int run_delete_offsets(const groups_args& args, kafka::admin& admin, command_io& io) {
    const std::string& group = args.groups.front();
    auto committed = admin.offset_fetch(group);
    if (!committed) return report(io, committed.error());
    auto partitions = selected_partitions(args, admin, *committed);
    if (!partitions) return report(io, partitions.error());
    if (auto s = admin.offset_delete(group, *partitions); !s) return report(io, s.error());
    std::vector<std::vector<std::string>> rows{{"TOPIC", "PARTITION", "STATUS"}};
    for (const auto& tp : *partitions) rows.push_back({tp.topic, std::to_string(tp.partition), "Successful"});
    io.out << fmt::format("Request succeed for deleting offsets from group '{}'.\n", group) << format_table(rows);
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
    bool one_group = args.reset_offsets->parsed() || args.delete_offsets->parsed();
    if (one_group && args.groups.size() != 1) {
        return report(io, make_error(errc::invalid_argument, "give exactly one --group"), true);
    }
    if (args.remove->parsed() && args.groups.empty()) {
        return report(io, make_error(errc::invalid_argument, "groups delete needs --group"), true);
    }
    if (args.reset_offsets->parsed()) {
        if (args.topics.empty() == !args.all_topics) {
            return report(io, make_error(errc::invalid_argument, "reset-offsets needs --topic or --all-topics"), true);
        }
        if (args.dry_run && args.execute) {
            return report(io, make_error(errc::invalid_argument, "use only one of --dry-run and --execute"), true);
        }
        if (auto spec = reset_spec_of(args); !spec) return report(io, spec.error(), true);
    }
    if (args.delete_offsets->parsed() && args.topics.empty()) {
        return report(io, make_error(errc::invalid_argument, "delete-offsets needs --topic"), true);
    }
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);
    auto admin = kafka::connect_admin(*config);
    if (!admin) return report(io, admin.error());
    if (args.list->parsed()) return run_list(**admin, io, *format);
    if (args.reset_offsets->parsed()) return run_reset_offsets(args, **admin, io, *format);
    if (args.remove->parsed()) return run_delete(args, **admin, io);
    if (args.delete_offsets->parsed()) return run_delete_offsets(args, **admin, io);
    return run_describe(args, **admin, io, *format);
}

}  // namespace samsa::cli
