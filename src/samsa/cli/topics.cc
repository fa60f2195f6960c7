#include "samsa/cli/topics.h"

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

CLI::App* add_topics_command(CLI::App& app, topics_args& args, connection_options& connection) {
    auto* topics = app.add_subcommand("topics", "create, list, describe, alter and delete topics");
    topics->require_subcommand(1);
    auto topic_option = [&](CLI::App* sub, const char* help) {
        return sub->add_option("--topic,-t", args.topics, help)->allow_extra_args(false);
    };
    auto format_option = [&](CLI::App* sub) {
        sub->add_option("--format", args.format, "text or json")->capture_default_str();
    };

    args.create = topics->add_subcommand("create", "create a topic");
    add_connection_options(*args.create, connection);
    topic_option(args.create, "the topic to create")->required();
    args.create->add_option("--partitions", args.partitions, "partition count (default: the broker's num.partitions)");
    args.create->add_option("--replication-factor", args.replication_factor,
                            "replicas per partition (default: the broker's default.replication.factor)");
    args.create->add_option("--config", args.configs, "topic config key=value (repeatable)")->allow_extra_args(false);
    args.create->add_flag("--if-not-exists", args.if_not_exists, "succeed when the topic already exists");

    args.list = topics->add_subcommand("list", "list topic names");
    add_connection_options(*args.list, connection);
    args.list->add_flag("--exclude-internal", args.exclude_internal, "hide internal topics (names starting with __)");
    format_option(args.list);

    args.describe = topics->add_subcommand("describe", "partitions, leaders, replicas and configs of topics");
    add_connection_options(*args.describe, connection);
    topic_option(args.describe, "a topic to describe (repeatable; default: all)");
    args.describe->add_flag("--all-configs", args.all_configs, "show every config, defaults included");
    args.describe->add_flag("--exclude-internal", args.exclude_internal, "hide internal topics (names starting with __)");
    format_option(args.describe);

    args.alter = topics->add_subcommand("alter", "add partitions, set or delete topic configs");
    add_connection_options(*args.alter, connection);
    topic_option(args.alter, "the topic to alter")->required();
    args.alter->add_option("--partitions", args.partitions, "the new (larger) partition count");
    args.alter->add_option("--config", args.configs, "set a topic config key=value (repeatable)")->allow_extra_args(false);
    args.alter->add_option("--delete-config", args.delete_configs, "remove a topic config override (repeatable)")
        ->allow_extra_args(false);

    args.remove = topics->add_subcommand("delete", "delete topics");
    add_connection_options(*args.remove, connection);
    topic_option(args.remove, "a topic to delete (repeatable)")->required();
    args.remove->add_flag("--if-exists", args.if_exists, "succeed when the topic does not exist");
    return topics;
}

result<kafka::new_topic> plan_topic_create(const topics_args& args) {
    if (args.topics.size() != 1) {
        return make_error(errc::invalid_argument, "topics create takes exactly one --topic");
    }
    kafka::new_topic t;
    t.name = args.topics.front();
    if (t.name.empty()) return make_error(errc::invalid_argument, "--topic must not be empty");
    if (args.partitions == 0 || args.partitions < -1) {
        return make_error(errc::invalid_argument, fmt::format("--partitions must be at least 1, got {}", args.partitions));
    }
    if (args.replication_factor == 0 || args.replication_factor < -1) {
        return make_error(errc::invalid_argument,
                          fmt::format("--replication-factor must be at least 1, got {}", args.replication_factor));
    }
    t.partitions = args.partitions;
    t.replication_factor = args.replication_factor;
    auto configs = parse_key_values(args.configs, "--config");
    if (!configs) return configs.error();
    // A key given twice keeps its last value, as kafka-topics.sh's --config does.
    for (auto& [k, v] : *configs) t.configs[k] = std::move(v);
    return t;
}

result<topic_alter_plan> plan_topic_alter(const topics_args& args) {
    if (args.topics.size() != 1) return make_error(errc::invalid_argument, "topics alter takes exactly one --topic");
    topic_alter_plan plan;
    plan.topic = args.topics.front();
    if (args.partitions != -1) {
        if (args.partitions < 1) {
            return make_error(errc::invalid_argument, fmt::format("--partitions must be at least 1, got {}", args.partitions));
        }
        plan.partitions = args.partitions;
    }
    auto configs = parse_key_values(args.configs, "--config");
    if (!configs) return configs.error();
    plan.set = std::move(*configs);
    plan.remove = args.delete_configs;
    for (const auto& key : plan.remove) {
        for (const auto& [k, v] : plan.set) {
            if (k == key) {
                return make_error(errc::invalid_argument, fmt::format("'{}' is both set and deleted", key));
            }
        }
    }
    if (!plan.partitions && plan.set.empty() && plan.remove.empty()) {
        return make_error(errc::invalid_argument,
                          "topics alter needs --partitions, --config or --delete-config");
    }
    return plan;
}

namespace {

bool is_internal(const std::string& topic) { return topic.rfind("__", 0) == 0; }

// The topic-level overrides, which is what `--config` sets and what Kafka's
// describe shows.
bool is_override(const kafka::config_entry& e) {
    return e.source == "DYNAMIC_TOPIC_CONFIG" || (e.source == "UNKNOWN_CONFIG" && !e.is_default);
}

std::string join_ints(const std::vector<int32_t>& v) {
    return fmt::format("{}", fmt::join(v, ","));
}

int run_create(const topics_args& args, kafka::admin& admin, command_io& io) {
    auto plan = plan_topic_create(args);
    if (!plan) return report(io, plan.error(), true);
    auto results = admin.create_topics({*plan});
    status s = results.empty() ? status(make_error(errc::io_error, "CreateTopics: no answer for the topic"))
                               : samsa::kafka::plain(results.front().second);
    if (!s) {
        if (s.error().code == errc::already_exists && args.if_not_exists) return exit_ok;
        return report(io, s.error());
    }
    io.out << "Created topic " << plan->name << ".\n";
    return exit_ok;
}

int run_list(const topics_args& args, kafka::admin& admin, command_io& io, output_format format) {
    auto md = admin.metadata();
    if (!md) return report(io, md.error());
    auto names = nlohmann::json::array();
    for (const auto& t : md->topics) {
        if (args.exclude_internal && is_internal(t.name)) continue;
        if (format == output_format::json) {
            names.push_back(t.name);
        } else {
            io.out << t.name << "\n";
        }
    }
    if (format == output_format::json) io.out << names.dump() << "\n";
    return exit_ok;
}

int run_describe(const topics_args& args, kafka::admin& admin, command_io& io, output_format format) {
    std::vector<kafka::topic_info> topics;
    if (args.topics.empty()) {
        auto md = admin.metadata();
        if (!md) return report(io, md.error());
        for (auto& t : md->topics) {
            if (args.exclude_internal && is_internal(t.name)) continue;
            topics.push_back(std::move(t));
        }
    } else {
        for (const auto& name : args.topics) {
            auto md = admin.metadata(name);
            if (!md) return report(io, md.error());
            topics.push_back(std::move(md->topics.front()));
        }
    }
    auto all = nlohmann::ordered_json::array();
    bool warned = false;
    for (const auto& t : topics) {
        auto configs = admin.describe_configs(kafka::config_resource_type::topic, t.name);
        std::vector<kafka::config_entry> shown;
        if (!configs) {
            // A broker without DescribeConfigs still has partitions worth showing.
            if (configs.error().code != errc::unsupported) return report(io, configs.error());
            if (!warned) io.err << "samsa: warning: configs not shown: " << configs.error().message << "\n";
            warned = true;
        } else {
            for (const auto& e : *configs) {
                if (args.all_configs || is_override(e)) shown.push_back(e);
            }
        }
        size_t rf = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
        if (format == output_format::json) {
            nlohmann::ordered_json j;
            j["topic"] = t.name;
            j["partition_count"] = t.partitions.size();
            j["replication_factor"] = rf;
            nlohmann::ordered_json cj = nlohmann::ordered_json::object();
            for (const auto& e : shown) cj[e.name] = e.value ? nlohmann::ordered_json(*e.value) : nlohmann::ordered_json(nullptr);
            j["configs"] = std::move(cj);
            auto parts = nlohmann::ordered_json::array();
            for (const auto& p : t.partitions) {
                nlohmann::ordered_json pj;
                pj["partition"] = p.id();
                pj["leader"] = p.leader();
                pj["replicas"] = p.replicas;
                pj["isr"] = p.isr;
                if (!p.error.empty()) pj["error"] = p.error;
                parts.push_back(std::move(pj));
            }
            j["partitions"] = std::move(parts);
            all.push_back(std::move(j));
            continue;
        }
        std::vector<std::string> kv;
        for (const auto& e : shown) kv.push_back(fmt::format("{}={}", e.name, e.value.value_or(e.sensitive ? "(sensitive)" : "null")));
        io.out << fmt::format("Topic: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}\n", t.name,
                              t.partitions.size(), rf, fmt::join(kv, ","));
        for (const auto& p : t.partitions) {
            io.out << fmt::format("\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}{}\n", t.name, p.id(),
                                  p.leader() < 0 ? std::string("none") : std::to_string(p.leader()),
                                  join_ints(p.replicas), join_ints(p.isr), p.error.empty() ? "" : "\tError: " + p.error);
        }
    }
    if (format == output_format::json) io.out << all.dump() << "\n";
    return exit_ok;
}

int run_alter(const topics_args& args, kafka::admin& admin, command_io& io) {
    auto plan = plan_topic_alter(args);
    if (!plan) return report(io, plan.error(), true);
    auto md = admin.metadata(plan->topic);
    if (!md) return report(io, md.error());
    int current = static_cast<int>(md->topics.front().partitions.size());
    if (plan->partitions) {
        if (*plan->partitions < current) {
            return report(io, make_error(errc::invalid_argument,
                                         fmt::format("topic '{}' has {} partitions; the count can only be increased",
                                                     plan->topic, current)));
        }
        if (*plan->partitions > current) {
            if (auto s = admin.create_partitions(plan->topic, *plan->partitions); !s) return report(io, s.error());
            io.out << fmt::format("Topic {} now has {} partitions (was {}).\n", plan->topic, *plan->partitions, current);
        } else {
            io.out << fmt::format("Topic {} already has {} partitions.\n", plan->topic, current);
        }
    }
    if (!plan->set.empty() || !plan->remove.empty()) {
        // AlterConfigs replaces the whole set of overrides (librdkafka 2.0 has no
        // IncrementalAlterConfigs), so start from the current overrides.
        auto configs = admin.describe_configs(kafka::config_resource_type::topic, plan->topic);
        if (!configs) return report(io, configs.error());
        std::map<std::string, std::string> overrides;
        for (const auto& e : *configs) {
            if (is_override(e) && e.value) overrides[e.name] = *e.value;
        }
        for (const auto& key : plan->remove) {
            if (overrides.erase(key) == 0) {
                return report(io, make_error(errc::invalid_argument,
                                             fmt::format("topic '{}' has no override for '{}' to delete", plan->topic, key)));
            }
        }
        for (const auto& [k, v] : plan->set) overrides[k] = v;
        if (auto s = admin.alter_configs(kafka::config_resource_type::topic, plan->topic, overrides); !s) return report(io, s.error());
        io.out << fmt::format("Altered the configs of topic {}.\n", plan->topic);
    }
    return exit_ok;
}

int run_delete(const topics_args& args, kafka::admin& admin, command_io& io) {
    for (const auto& topic : args.topics) {
        auto results = admin.delete_topics({topic});
        status s = results.empty() ? status(make_error(errc::io_error, "DeleteTopics: no answer for the topic"))
                                   : samsa::kafka::plain(results.front().second);
        if (!s) {
            if (s.error().code == errc::not_found && args.if_exists) continue;
            return report(io, s.error());
        }
        io.out << "Deleted topic " << topic << ".\n";
    }
    return exit_ok;
}

}  // namespace

int run_topics(const topics_args& args, const connection_options& connection, command_io& io) {
    auto format = parse_output_format(args.format);
    if (!format) return report(io, format.error(), true);
    // Argument mistakes are reported before any network wait.
    if (args.create->parsed()) {
        if (auto p = plan_topic_create(args); !p) return report(io, p.error(), true);
    }
    if (args.alter->parsed()) {
        if (auto p = plan_topic_alter(args); !p) return report(io, p.error(), true);
    }
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);
    auto admin = kafka::connect_admin(*config);
    if (!admin) return report(io, admin.error());
    if (args.create->parsed()) return run_create(args, **admin, io);
    if (args.list->parsed()) return run_list(args, **admin, io, *format);
    if (args.describe->parsed()) return run_describe(args, **admin, io, *format);
    if (args.alter->parsed()) return run_alter(args, **admin, io);
    if (args.remove->parsed()) return run_delete(args, **admin, io);
    return report(io, make_error(errc::invalid_argument, "topics needs a subcommand"), true);
}

}  // namespace samsa::cli
