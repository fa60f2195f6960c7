#include "samsa/cli/produce.h"

#include <istream>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "samsa/cli/kafka/producer.h"

namespace samsa::cli {

CLI::App* add_produce_command(CLI::App& app, produce_args& args, connection_options& connection) {
    auto* cmd = app.add_subcommand("produce", "send lines from stdin as records");
    add_connection_options(*cmd, connection);
    cmd->add_option("--topic,-t", args.topic, "the topic to write to")->required();
    cmd->add_option("--property", args.properties,
                    "line reader property key=value (repeatable): parse.key, key.separator, parse.headers, "
                    "headers.delimiter, headers.separator, headers.key.separator, ignore.error, null.marker")
        ->allow_extra_args(false);
    cmd->add_option("--key-separator", args.key_separator,
                    "split each line into key and value at this separator (same as parse.key=true key.separator=...)");
    cmd->add_option("--header,-H", args.headers, "a header key=value added to every record (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--partition,-p", args.partition, "send every record to this partition (default: by key)");
    args.command = cmd;
    return cmd;
}

result<produce_plan> plan_produce(const produce_args& args) {
    produce_plan plan;
    plan.topic = args.topic;
    if (plan.topic.empty()) return make_error(errc::invalid_argument, "--topic must not be empty");
    auto props = parse_key_values(args.properties, "--property");
    if (!props) return props.error();
    for (const auto& [k, v] : *props) {
        if (auto s = apply_reader_property(plan.reader, k, v); !s) return s.error();
    }
    if (args.key_separator) {
        if (auto s = apply_reader_property(plan.reader, "key.separator", *args.key_separator); !s) return s.error();
        plan.reader.parse_key = true;
    }
    for (const auto& h : args.headers) {
        auto kv = parse_key_value(h, "--header");
        if (!kv) return kv.error();
        plan.headers.push_back({kv->first, kv->second});
    }
    if (args.partition < -1) {
        return make_error(errc::invalid_argument, fmt::format("--partition must be 0 or more, got {}", args.partition));
    }
    plan.partition = args.partition;
    return plan;
}

int run_produce(const produce_args& args, const connection_options& connection, command_io& io) {
    auto plan = plan_produce(args);
    if (!plan) return report(io, plan.error(), true);
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);
    auto producer = kafka::producer::connect(*config, plan->topic);
    if (!producer) return report(io, producer.error());
    if (plan->partition >= (*producer)->partition_count()) {
        return report(io, make_error(errc::invalid_argument,
                                     fmt::format("topic '{}' has no partition {} (it has {})", plan->topic,
                                                 plan->partition, (*producer)->partition_count())));
    }

    int status = exit_ok;
    std::string line;
    size_t line_no = 0;
    while (!stop_requested() && std::getline(io.in, line)) {
        ++line_no;
        auto r = parse_line(line, plan->reader, line_no);
        if (!r) {
            // Like kafka-console-producer: a malformed line ends the input; what
            // was read before it is still delivered.
            status = report(io, r.error());
            break;
        }
        r->partition = partition_id(plan->partition);
        r->headers.insert(r->headers.begin(), plan->headers.begin(), plan->headers.end());
        if (auto s = (*producer)->send(*r); !s) {
            status = report(io, s.error());
            break;
        }
    }
    auto delivery = (*producer)->flush();
    if (delivery.failed > 0) {
        return report(io, make_error(errc::io_error, fmt::format("{} of {} records were not delivered to '{}': {}",
                                                                 delivery.failed, delivery.failed + delivery.delivered,
                                                                 plan->topic, delivery.first_error)));
    }
    if (connection.verbose) io.err << fmt::format("{} records delivered to {}\n", delivery.delivered, plan->topic);
    return status;
}

}  // namespace samsa::cli
