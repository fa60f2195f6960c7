#include "samsa/cli/offsets.h"

#include <fstream>
#include <ostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "samsa/cli/group_reset.h"
#include "samsa/cli/kafka/admin.h"

namespace samsa::cli {

namespace {

constexpr int64_t latest_time = -1;    // Kafka's ListOffsets LATEST_TIMESTAMP
constexpr int64_t earliest_time = -2;  // EARLIEST_TIMESTAMP

}  // namespace

result<int64_t> parse_offset_time(const std::string& text) {
    if (text == "latest" || text == "-1") return latest_time;
    if (text == "earliest" || text == "-2") return earliest_time;
    auto t = parse_time_ms(text);
    if (!t) {
        return make_error(errc::invalid_argument,
                          fmt::format("--time '{}': expected latest, earliest, -1, -2 or a time ({})", text,
                                      t.error().message));
    }
    return *t;
}

result<std::vector<std::pair<kafka::topic_partition, offset>>> parse_delete_records_json(const std::string& text) {
    auto bad = [](const std::string& why) {
        return make_error(errc::invalid_argument, "offset JSON file: " + why);
    };
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
    if (!j.contains("partitions") || !j["partitions"].is_array()) return bad("no \"partitions\" array");
    std::vector<std::pair<kafka::topic_partition, offset>> out;
    for (const auto& p : j["partitions"]) {
        if (!p.is_object() || !p.contains("topic") || !p["topic"].is_string() || !p.contains("partition") ||
            !p["partition"].is_number_integer() || !p.contains("offset") || !p["offset"].is_number_integer()) {
            return bad("each partition needs \"topic\" (string), \"partition\" and \"offset\" (integers)");
        }
        int64_t o = p["offset"].get<int64_t>();
        if (o < -1) return bad(fmt::format("offset {} is below -1", o));
        out.emplace_back(kafka::topic_partition{p["topic"].get<std::string>(), p["partition"].get<int32_t>()},
                         offset(o));
    }
    if (out.empty()) return bad("no partitions");
    return out;
}

void add_offsets_commands(CLI::App& app, offsets_args& args, connection_options& connection) {
    args.offsets = app.add_subcommand("offsets", "the offsets of partitions at a time (kafka-get-offsets.sh)");
    add_connection_options(*args.offsets, connection);
    args.offsets->add_option("--topic,-t", args.topics, "a topic, or topic:0,1 (repeatable; default: every topic)")
        ->allow_extra_args(false);
    args.offsets->add_option("--time", args.time, "latest, earliest, or a time (epoch ms or ISO-8601)")
        ->capture_default_str();

    args.delete_records =
        app.add_subcommand("delete-records", "delete the records before an offset (kafka-delete-records.sh)");
    add_connection_options(*args.delete_records, connection);
    args.delete_records->add_option("--topic,-t", args.topics, "the topic")->allow_extra_args(false);
    args.delete_records->add_option("--partition,-p", args.partition, "the partition");
    args.delete_records->add_option("--offset", args.offset, "delete the records before it (-1: all of them)");
    args.delete_records->add_option("--offset-json-file", args.offset_json_file, "Kafka's JSON file of partitions");
}

bool offsets_command_given(const offsets_args& args) {
    return args.offsets->parsed() || args.delete_records->parsed();
}

namespace {

int run_offsets(const offsets_args& args, kafka::admin& admin, command_io& io) {
    auto time = parse_offset_time(args.time);
    if (!time) return report(io, time.error(), true);
    std::vector<kafka::topic_partition> partitions;
    auto md = admin.metadata();
    if (!md) return report(io, md.error());
    std::vector<topic_selection> wanted;
    for (const auto& text : args.topics) {
        auto sel = parse_topic_selection(text);
        if (!sel) return report(io, sel.error(), true);
        wanted.push_back(*sel);
    }
    for (const auto& t : md->topics) {
        const topic_selection* sel = nullptr;
        for (const auto& w : wanted) {
            if (w.topic == t.name) sel = &w;
        }
        if (!wanted.empty() && sel == nullptr) continue;
        for (const auto& p : t.partitions) {
            if (sel != nullptr && !sel->partitions.empty() &&
                std::find(sel->partitions.begin(), sel->partitions.end(), p.id) == sel->partitions.end()) {
                continue;
            }
            partitions.push_back({t.name, p.id()});
        }
    }
    for (const auto& w : wanted) {
        bool known = std::any_of(md->topics.begin(), md->topics.end(), [&](const auto& t) { return t.name == w.topic; });
        if (!known) return report(io, make_error(errc::not_found, fmt::format("topic '{}' does not exist", w.topic)));
    }
    for (const auto& tp : partitions) {
        offset o{-1};
        if (*time == latest_time || *time == earliest_time) {
            auto marks = admin.list_offsets(tp);
            if (!marks) return report(io, marks.error());
            o = *time == latest_time ? marks->high : marks->low;
        } else {
            auto at = admin.list_offsets(tp, *time);
            if (!at) return report(io, at.error());
            o = *at;
        }
        // kafka-get-offsets.sh prints nothing for a partition without an
        // offset at that time; we print -1 so that every partition shows.
        io.out << fmt::format("{}:{}:{}\n", tp.topic, tp.partition, o());
    }
    return exit_ok;
}

// The partitions and offsets to delete before, from the file or the flags.
result<std::vector<std::pair<kafka::topic_partition, offset>>> delete_records_plan(const offsets_args& args) {
    if (!args.offset_json_file.empty()) {
        std::ifstream in(args.offset_json_file);
        if (!in) return make_error(errc::invalid_argument, fmt::format("cannot read '{}'", args.offset_json_file));
        std::stringstream text;
        text << in.rdbuf();
        return parse_delete_records_json(text.str());
    }
    if (args.topics.size() != 1 || !args.partition || !args.offset || *args.offset < -1) {
        return make_error(errc::invalid_argument,
                          "delete-records needs --offset-json-file, or --topic, --partition and --offset (-1 or more)");
    }
    return std::vector<std::pair<kafka::topic_partition, offset>>{
        {kafka::topic_partition{args.topics.front(), *args.partition}, offset(*args.offset)}};
}

int run_delete_records(std::vector<std::pair<kafka::topic_partition, offset>> before, kafka::admin& admin,
                       command_io& io) {
    // -1 is "up to the log end" in Kafka's file format; the API wants the offset.
    for (auto& [tp, o] : before) {
        if (o() != -1) continue;
        auto marks = admin.list_offsets(tp);
        if (!marks) return report(io, marks.error());
        o = marks->high;
    }
    auto low = admin.delete_records(before);
    if (!low) return report(io, low.error());
    io.out << "Records delete operation completed:\n";
    for (const auto& [tp, o] : *low) {
        io.out << fmt::format("partition: {}-{}\tlow_watermark: {}\n", tp.topic, tp.partition, o());
    }
    return exit_ok;
}

}  // namespace

int run_offsets_command(const offsets_args& args, const connection_options& connection, command_io& io) {
    std::vector<std::pair<kafka::topic_partition, offset>> before;
    if (args.delete_records->parsed()) {
        auto plan = delete_records_plan(args);
        if (!plan) return report(io, plan.error(), true);
        before = std::move(*plan);
    } else if (auto time = parse_offset_time(args.time); !time) {
        return report(io, time.error(), true);
    }
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);
    auto admin = kafka::connect_admin(*config);
    if (!admin) return report(io, admin.error());
    if (args.delete_records->parsed()) return run_delete_records(std::move(before), **admin, io);
    return run_offsets(args, **admin, io);
}

}  // namespace samsa::cli
