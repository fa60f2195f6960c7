#include "samsa/cli/streams_reset.h"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "samsa/cli/kafka/admin.h"

namespace samsa::cli {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool is_streams_internal_topic(const std::string& application_id, const std::string& topic) {
    std::string prefix = application_id + "-";
    if (topic.size() <= prefix.size() || topic.compare(0, prefix.size(), prefix) != 0) return false;
    return ends_with(topic, "-changelog") || ends_with(topic, "-repartition") ||
           ends_with(topic, "-subscription-registration-topic") || ends_with(topic, "-subscription-response-topic");
}

CLI::App* add_streams_command(CLI::App& app, streams_reset_args& args, connection_options& connection) {
    args.command = app.add_subcommand("streams", "Kafka Streams applications");
    args.command->require_subcommand(1);
    args.reset = args.command->add_subcommand(
        "reset", "make a stopped application start over (kafka-streams-application-reset.sh)");
    add_connection_options(*args.reset, connection);
    args.reset->add_option("--application-id", args.application_id, "the application.id")->required();
    args.reset->add_option("--input-topics", args.input_topics, "input topics: offsets back to the earliest")
        ->delimiter(',');
    args.reset->add_option("--intermediate-topics", args.intermediate_topics,
                           "topics the application writes and reads: offsets to the end")
        ->delimiter(',');
    args.reset->add_option("--internal-topics", args.internal_topics,
                           "the internal topics to delete (default: all the application's)")
        ->delimiter(',');
    args.reset->add_option("--state-dir", args.state_dir, "also delete <state-dir>/<application-id>");
    args.reset->add_flag("--dry-run", args.dry_run, "print what would be done, do nothing");
    return args.command;
}

namespace {

// Offsets for the group: every partition of `topics`, at their earliest
// (or latest) offset.
result<std::vector<std::pair<kafka::topic_partition, offset>>> offsets_at(kafka::admin& admin,
                                                                          const kafka::cluster_metadata& md,
                                                                          const std::vector<std::string>& topics,
                                                                          bool earliest) {
    std::vector<std::pair<kafka::topic_partition, offset>> out;
    for (const auto& name : topics) {
        auto it = std::find_if(md.topics.begin(), md.topics.end(), [&](const auto& t) { return t.name == name; });
        if (it == md.topics.end()) return make_error(errc::not_found, fmt::format("topic '{}' does not exist", name));
        for (const auto& p : it->partitions) {
            kafka::topic_partition tp{name, p.id()};
            auto marks = admin.list_offsets(tp);
            if (!marks) return marks.error();
            out.emplace_back(tp, earliest ? marks->low : marks->high);
        }
    }
    return out;
}

void print_offsets(command_io& io, const std::vector<std::pair<kafka::topic_partition, offset>>& offsets) {
    for (const auto& [tp, o] : offsets) {
        io.out << fmt::format("Topic: {} Partition: {} Offset: {}\n", tp.topic, tp.partition, o());
    }
}

}  // namespace

int run_streams(const streams_reset_args& args, const connection_options& connection, command_io& io) {
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);
    auto admin = kafka::connect_admin(*config);
    if (!admin) return report(io, admin.error());
    const std::string& app = args.application_id;

    auto group = (*admin)->describe_group(app);
    if (!group) return report(io, group.error());
    if (!group->members.empty()) {
        return report(io, make_error(errc::invalid_argument,
                                     fmt::format("Consumer group {} is still active: stop every instance of the "
                                                 "application first.", app)));
    }
    auto md = (*admin)->metadata();
    if (!md) return report(io, md.error());
    std::string dry = args.dry_run ? " (dry run)" : "";

    if (!args.input_topics.empty() || !args.intermediate_topics.empty()) {
        auto input = offsets_at(**admin, *md, args.input_topics, true);
        if (!input) return report(io, input.error());
        auto intermediate = offsets_at(**admin, *md, args.intermediate_topics, false);
        if (!intermediate) return report(io, intermediate.error());
        io.out << fmt::format("Reset-offsets for input topics [{}]{}\n", fmt::join(args.input_topics, ", "), dry);
        io.out << fmt::format("Following input topics offsets will be reset to (for consumer group {})\n", app);
        print_offsets(io, *input);
        if (!intermediate->empty()) {
            io.out << fmt::format("Seek-to-end for intermediate topics [{}]\n", fmt::join(args.intermediate_topics, ", "));
            print_offsets(io, *intermediate);
        }
        auto all = *input;
        all.insert(all.end(), intermediate->begin(), intermediate->end());
        if (!args.dry_run) {
            if (auto s = (*admin)->offset_commit(app, all); !s) return report(io, s.error());
        }
        io.out << "Done.\n";
    }

    std::vector<std::string> internal = args.internal_topics;
    if (internal.empty()) {
        for (const auto& t : md->topics) {
            if (is_streams_internal_topic(app, t.name)) internal.push_back(t.name);
        }
    }
    io.out << fmt::format("Deleting inferred internal topics [{}]{}\n", fmt::join(internal, ", "), dry);
    for (const auto& topic : internal) {
        if (!is_streams_internal_topic(app, topic)) {
            return report(io, make_error(errc::invalid_argument,
                                         fmt::format("'{}' is not an internal topic of application {}", topic, app)), true);
        }
        io.out << fmt::format("Topic: {}\n", topic);
        if (args.dry_run) continue;
        for (const auto& [name, s] : (*admin)->delete_topics({topic})) {
            if (!s) return report(io, s.error());
        }
    }
    io.out << "Done.\n";

    if (!args.state_dir.empty()) {
        std::filesystem::path local = std::filesystem::path(args.state_dir) / app;
        io.out << fmt::format("Deleting local state {}{}\n", local.string(), dry);
        if (!args.dry_run) {
            std::error_code ec;
            std::filesystem::remove_all(local, ec);
            if (ec) return report(io, make_error(errc::io_error, fmt::format("cannot delete {}: {}", local.string(), ec.message())));
        }
        io.out << "Done.\n";
    }
    return exit_ok;
}

}  // namespace samsa::cli
