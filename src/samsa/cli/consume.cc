#include "samsa/cli/consume.h"

#include <algorithm>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace samsa::cli {

CLI::App* add_consume_command(CLI::App& app, consume_args& args, connection_options& connection) {
    auto* cmd = app.add_subcommand("consume", "print the records of a topic");
    add_connection_options(*cmd, connection);
    cmd->add_option("--topic,-t", args.topic, "the topic to read")->required();
    cmd->add_option("--partition,-p", args.partitions, "read only these partitions (repeatable or comma-separated)")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd->add_flag("--from-beginning", args.from_beginning,
                  "start at the earliest offset (with --group: when the group has no committed offset)");
    cmd->add_option("--offset,-o", args.offset, "start at this offset: a number, earliest or latest");
    cmd->add_option("--from-time", args.from_time,
                    "start at the first record at or after this time: ms since the epoch or ISO-8601 "
                    "(2024-05-01T12:00:00Z; no zone means UTC)");
    cmd->add_option("--group,-g", args.group, "consume as a member of this group and commit what was printed");
    cmd->add_option("--max-messages,-n", args.max_messages, "exit after printing this many records");
    cmd->add_option("--timeout-ms", args.timeout_ms, "exit after this many ms without a record (default: never)");
    cmd->add_option("--property", args.properties,
                    "formatter property key=value (repeatable): print.key, print.headers, print.timestamp, "
                    "print.partition, print.offset, print.value, key.separator, line.separator, "
                    "headers.separator, headers.key.separator, null.literal")
        ->allow_extra_args(false);
    cmd->add_flag("--print-key", args.print_key, "print the key before the value");
    cmd->add_flag("--print-headers", args.print_headers, "print the headers");
    cmd->add_flag("--print-timestamp", args.print_timestamp, "print the timestamp and its type");
    cmd->add_flag("--print-partition", args.print_partition, "print the partition");
    cmd->add_flag("--print-offset", args.print_offset, "print the offset");
    cmd->add_option("--key-separator", args.key_separator, "what separates the printed fields (default: tab)");
    cmd->add_option("--format", args.format, "text (Kafka's console format) or json (one object per line)")
        ->capture_default_str();
    args.command = cmd;
    return cmd;
}

result<consume_plan> plan_consume(const consume_args& args) {
    consume_plan plan;
    auto& c = plan.consumer;
    c.topic = args.topic;
    if (c.topic.empty()) return make_error(errc::invalid_argument, "--topic must not be empty");
    for (int32_t p : args.partitions) {
        if (p < 0) return make_error(errc::invalid_argument, fmt::format("--partition must be 0 or more, got {}", p));
    }
    c.partitions = args.partitions;
    std::sort(c.partitions.begin(), c.partitions.end());
    c.partitions.erase(std::unique(c.partitions.begin(), c.partitions.end()), c.partitions.end());

    int starts = (args.from_beginning ? 1 : 0) + (args.offset.empty() ? 0 : 1) + (args.from_time.empty() ? 0 : 1);
    if (starts > 1) {
        return make_error(errc::invalid_argument, "use only one of --from-beginning, --offset and --from-time");
    }
    if (args.from_beginning) c.start.where = kafka::start_position::kind::beginning;
    if (!args.offset.empty()) {
        if (args.offset == "earliest") {
            c.start.where = kafka::start_position::kind::beginning;
        } else if (args.offset == "latest") {
            c.start.where = kafka::start_position::kind::end;
        } else {
            auto v = parse_non_negative(args.offset, "--offset");
            if (!v) return make_error(errc::invalid_argument,
                                      fmt::format("--offset must be a non-negative number, earliest or latest, got '{}'", args.offset));
            c.start = {kafka::start_position::kind::offset, *v};
        }
    }
    if (!args.from_time.empty()) {
        auto t = parse_time_ms(args.from_time);
        if (!t) return make_error(errc::invalid_argument, fmt::format("--from-time: {}", t.error().message));
        c.start = {kafka::start_position::kind::time, *t};
    }
    if (!args.group.empty()) {
        // A group member starts where the group left off; choosing partitions or
        // positions would fight the coordinator's assignment (Kafka's consumer
        // refuses the same combinations).
        if (!c.partitions.empty()) return make_error(errc::invalid_argument, "--partition cannot be used with --group");
        if (c.start.where == kafka::start_position::kind::offset || c.start.where == kafka::start_position::kind::time) {
            return make_error(errc::invalid_argument, "--offset and --from-time cannot be used with --group");
        }
        c.group = args.group;
    }
    if (args.max_messages == 0 || args.max_messages < -1) {
        return make_error(errc::invalid_argument, fmt::format("--max-messages must be at least 1, got {}", args.max_messages));
    }
    if (args.max_messages > 0) plan.max_messages = args.max_messages;
    if (args.timeout_ms == 0 || args.timeout_ms < -1) {
        return make_error(errc::invalid_argument, fmt::format("--timeout-ms must be at least 1, got {}", args.timeout_ms));
    }
    if (args.timeout_ms > 0) plan.idle_timeout = std::chrono::milliseconds(args.timeout_ms);

    auto format = parse_output_format(args.format);
    if (!format) return format.error();
    plan.format = *format;
    auto props = parse_key_values(args.properties, "--property");
    if (!props) return props.error();
    for (const auto& [k, v] : *props) {
        if (auto s = apply_format_property(plan.text, k, v); !s) return s.error();
    }
    plan.text.print_key |= args.print_key;
    plan.text.print_headers |= args.print_headers;
    plan.text.print_timestamp |= args.print_timestamp;
    plan.text.print_partition |= args.print_partition;
    plan.text.print_offset |= args.print_offset;
    if (args.key_separator) plan.text.key_separator = unescape(*args.key_separator);
    return plan;
}

int run_consume(const consume_args& args, const connection_options& connection, command_io& io) {
    auto plan = plan_consume(args);
    if (!plan) return report(io, plan.error(), true);
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);
    auto consumer = kafka::consumer::open(*config, plan->consumer);
    if (!consumer) return report(io, consumer.error());

    int64_t printed = 0;
    auto last_activity = std::chrono::steady_clock::now();
    int status = exit_ok;
    for (;;) {
        if (stop_requested()) {
            status = 130;
            break;
        }
        if (plan->max_messages && printed >= *plan->max_messages) break;
        if (plan->idle_timeout && std::chrono::steady_clock::now() - last_activity >= *plan->idle_timeout) break;
        // Short polls so that Ctrl-C and the idle timeout are noticed promptly.
        auto r = (*consumer)->poll(std::chrono::milliseconds(100));
        if (!r) {
            status = report(io, r.error());
            break;
        }
        if (!*r) continue;
        const auto& rec = **r;
        io.out << (plan->format == output_format::json ? format_json(rec) : format_text(rec, plan->text));
        io.out.flush();
        (*consumer)->done(rec);
        ++printed;
        last_activity = std::chrono::steady_clock::now();
    }
    if (auto s = (*consumer)->close(); !s && status == exit_ok) status = report(io, s.error());
    io.err << fmt::format("Processed a total of {} messages\n", printed);  // as kafka-console-consumer does
    return status;
}

}  // namespace samsa::cli
