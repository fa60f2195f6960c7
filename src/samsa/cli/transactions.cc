#include "samsa/cli/transactions.h"

#include <algorithm>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "samsa/cli/kafka/wire_client.h"
#include "samsa/cli/record_format.h"
#include "samsa/cli/wire_command.h"
#include "samsa/protocol/messages/describe_producers.h"
#include "samsa/protocol/messages/describe_transactions.h"
#include "samsa/protocol/messages/find_coordinator.h"
#include "samsa/protocol/messages/list_transactions.h"
#include "samsa/protocol/messages/metadata.h"

namespace samsa::cli {

CLI::App* add_transactions_command(CLI::App& app, transactions_args& args, connection_options& connection) {
    auto* txns = app.add_subcommand("transactions", "list and describe transactions (kafka-transactions.sh)");
    txns->require_subcommand(1);

    args.list = txns->add_subcommand("list", "every transactional id the coordinators know, with its state");
    add_connection_options(*args.list, connection);
    args.list->add_option("--state", args.states, "only these states (Ongoing, CompleteCommit, ...; repeatable)");
    args.list->add_option("--producer-id", args.producer_ids, "only these producer ids (repeatable)");
    args.list->add_option("--duration-filter", args.duration_filter_ms,
                          "only transactions running longer than this many ms");
    args.list->add_option("--format", args.format, "text or json")->capture_default_str();

    args.describe = txns->add_subcommand("describe", "a transactional id: producer, epoch, state, partitions");
    add_connection_options(*args.describe, connection);
    args.describe->add_option("--transactional-id", args.transactional_id, "the transactional id")->required();
    args.describe->add_option("--format", args.format, "text or json")->capture_default_str();

    args.describe_producers =
        txns->add_subcommand("describe-producers", "the producers a partition knows (finds hanging transactions)");
    add_connection_options(*args.describe_producers, connection);
    args.describe_producers->add_option("--topic", args.topic, "the topic")->required();
    args.describe_producers->add_option("--partition", args.partition, "the partition")->required();
    args.describe_producers->add_option("--format", args.format, "text or json")->capture_default_str();
    return txns;
}

namespace {

using kafka::wire_client;

std::chrono::milliseconds timeout_of(const connection_options& c) { return std::chrono::milliseconds(c.timeout_ms); }

// One broker, with the connection's security settings (TLS, SASL).
result<std::unique_ptr<wire_client>> connect_to(const std::string& address, const connection_options& c) {
    auto security = wire_security_of(c);
    if (!security) return security.error();
    return wire_client::connect(address, timeout_of(c), *security);
}

// The first bootstrap address that answers ("host:port,host:port").
result<std::unique_ptr<wire_client>> connect_bootstrap(const connection_options& c) {
    auto security = wire_security_of(c);
    if (!security) return security.error();
    return wire_client::connect_any(c.bootstrap_server, timeout_of(c), *security);
}

error broker_error(protocol::error_code e, const std::string& what) {
    return error{errc::invalid_argument, fmt::format("{}: {}", what, protocol::name(e))};
}

int run_list(const transactions_args& args, const connection_options& c, command_io& io, output_format format) {
    auto bootstrap = connect_bootstrap(c);
    if (!bootstrap) return report(io, bootstrap.error());
    protocol::metadata_request meta_req;
    meta_req.topics = std::vector<protocol::metadata_request_topic>{};
    auto meta = (*bootstrap)->call<protocol::metadata_request, protocol::metadata_response>(meta_req);
    if (!meta) return report(io, meta.error());
    struct row {
        std::string id;
        int32_t coordinator;
        int64_t producer;
        std::string state;
    };
    std::vector<row> rows;
    protocol::list_transactions_request req;
    req.state_filters = args.states;
    req.producer_id_filters = args.producer_ids;
    req.duration_filter = args.duration_filter_ms;
    for (const auto& b : meta->brokers) {
        auto client = connect_to(fmt::format("{}:{}", b.host, b.port), c);
        if (!client) return report(io, client.error());
        auto r = (*client)->call<protocol::list_transactions_request, protocol::list_transactions_response>(req);
        if (!r) return report(io, r.error());
        if (r->error_code != protocol::error_code::none)
            return report(io, broker_error(r->error_code, fmt::format("ListTransactions on broker {}", b.node_id())));
        for (const auto& s : r->unknown_state_filters) io.err << "samsa: warning: unknown state '" << s << "'\n";
        for (const auto& t : r->transaction_states)
            rows.push_back({t.transactional_id, b.node_id(), t.producer_id(), t.transaction_state});
    }
    std::sort(rows.begin(), rows.end(), [](const row& a, const row& b) { return a.id < b.id; });
    if (format == output_format::json) {
        auto j = nlohmann::ordered_json::array();
        for (const auto& r : rows)
            j.push_back({{"transactional_id", r.id}, {"coordinator", r.coordinator}, {"producer_id", r.producer},
                         {"state", r.state}});
        io.out << j.dump() << "\n";
        return exit_ok;
    }
    std::vector<std::vector<std::string>> table{{"TransactionalId", "Coordinator", "ProducerId", "TransactionState"}};
    for (const auto& r : rows)
        table.push_back({r.id, std::to_string(r.coordinator), std::to_string(r.producer), r.state});
    io.out << format_table(table);
    return exit_ok;
}

int run_describe(const transactions_args& args, const connection_options& c, command_io& io, output_format format) {
    auto bootstrap = connect_bootstrap(c);
    if (!bootstrap) return report(io, bootstrap.error());
    protocol::find_coordinator_request find;
    find.key = args.transactional_id;
    find.key_type = protocol::coordinator_type::transaction;
    find.coordinator_keys = {args.transactional_id};
    auto found = (*bootstrap)->call<protocol::find_coordinator_request, protocol::find_coordinator_response>(find);
    if (!found) return report(io, found.error());
    // v4+ answers per key, older versions once.
    protocol::coordinator co;
    if (!found->coordinators.empty()) {
        co = found->coordinators.front();
    } else {
        co.error_code = found->error_code;
        co.node_id = found->node_id;
        co.host = found->host;
        co.port = found->port;
    }
    if (co.error_code != protocol::error_code::none) return report(io, broker_error(co.error_code, "FindCoordinator"));
    auto client = connect_to(fmt::format("{}:{}", co.host, co.port), c);
    if (!client) return report(io, client.error());
    protocol::describe_transactions_request req;
    req.transactional_ids = {args.transactional_id};
    auto r = (*client)->call<protocol::describe_transactions_request, protocol::describe_transactions_response>(req);
    if (!r) return report(io, r.error());
    if (r->transaction_states.size() != 1)
        return report(io, error{errc::corrupt, "DescribeTransactions answered for another number of ids"});
    const auto& d = r->transaction_states.front();
    if (d.error_code == protocol::error_code::transactional_id_not_found)
        return report(io, error{errc::not_found, fmt::format("transactional id '{}' does not exist", d.transactional_id)});
    if (d.error_code != protocol::error_code::none) return report(io, broker_error(d.error_code, "DescribeTransactions"));
    std::vector<std::string> partitions;
    for (const auto& t : d.topics)
        for (int32_t p : t.partitions) partitions.push_back(fmt::format("{}-{}", t.topic, p));
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const int64_t duration = d.transaction_start_time_ms >= 0 ? now - d.transaction_start_time_ms : -1;
    if (format == output_format::json) {
        nlohmann::ordered_json j;
        j["coordinator"] = co.node_id();
        j["transactional_id"] = d.transactional_id;
        j["producer_id"] = d.producer_id();
        j["producer_epoch"] = d.producer_epoch();
        j["state"] = d.transaction_state;
        j["timeout_ms"] = d.transaction_timeout_ms;
        j["start_time_ms"] = d.transaction_start_time_ms < 0 ? nlohmann::ordered_json(nullptr)
                                                              : nlohmann::ordered_json(d.transaction_start_time_ms);
        j["duration_ms"] = duration < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(duration);
        j["partitions"] = partitions;
        io.out << j.dump() << "\n";
        return exit_ok;
    }
    // kafka-transactions.sh describe's columns.
    io.out << format_table({{"CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch", "TransactionState",
                             "TransactionTimeoutMs", "CurrentTransactionStartTimeMs", "TransactionDurationMs",
                             "TopicPartitions"},
                            {std::to_string(co.node_id()), d.transactional_id, std::to_string(d.producer_id()),
                             std::to_string(d.producer_epoch()), d.transaction_state,
                             std::to_string(d.transaction_timeout_ms),
                             d.transaction_start_time_ms < 0 ? "None" : std::to_string(d.transaction_start_time_ms),
                             duration < 0 ? "None" : std::to_string(duration),
                             partitions.empty() ? "" : fmt::format("{}", fmt::join(partitions, ","))}});
    return exit_ok;
}

int run_describe_producers(const transactions_args& args, const connection_options& c, command_io& io,
                           output_format format) {
    auto bootstrap = connect_bootstrap(c);
    if (!bootstrap) return report(io, bootstrap.error());
    protocol::metadata_request meta_req;
    meta_req.topics = std::vector<protocol::metadata_request_topic>{};
    meta_req.topics->emplace_back().name = args.topic;
    meta_req.allow_auto_topic_creation = false;
    auto meta = (*bootstrap)->call<protocol::metadata_request, protocol::metadata_response>(meta_req);
    if (!meta) return report(io, meta.error());
    std::optional<std::string> leader;
    for (const auto& t : meta->topics) {
        if (t.name != args.topic) continue;
        for (const auto& p : t.partitions) {
            if (p.partition_index() != args.partition) continue;
            for (const auto& b : meta->brokers)
                if (b.node_id == p.leader_id) leader = fmt::format("{}:{}", b.host, b.port);
        }
    }
    if (!leader)
        return report(io, error{errc::not_found, fmt::format("{}-{} does not exist", args.topic, args.partition)});
    auto client = connect_to(*leader, c);
    if (!client) return report(io, client.error());
    protocol::describe_producers_request req;
    req.topics.push_back({args.topic, {args.partition}});
    auto r = (*client)->call<protocol::describe_producers_request, protocol::describe_producers_response>(req);
    if (!r) return report(io, r.error());
    if (r->topics.size() != 1 || r->topics[0].partitions.size() != 1)
        return report(io, error{errc::corrupt, "DescribeProducers answered for other partitions"});
    const auto& part = r->topics[0].partitions[0];
    if (part.error_code != protocol::error_code::none)
        return report(io, broker_error(part.error_code, "DescribeProducers"));
    if (format == output_format::json) {
        auto j = nlohmann::ordered_json::array();
        for (const auto& p : part.active_producers)
            j.push_back({{"producer_id", p.producer_id()},
                         {"producer_epoch", p.producer_epoch},
                         {"latest_coordinator_epoch", p.coordinator_epoch},
                         {"last_sequence", p.last_sequence},
                         {"last_timestamp", p.last_timestamp},
                         {"current_transaction_start_offset", p.current_txn_start_offset < 0
                                                                  ? nlohmann::ordered_json(nullptr)
                                                                  : nlohmann::ordered_json(p.current_txn_start_offset)}});
        io.out << j.dump() << "\n";
        return exit_ok;
    }
    // kafka-transactions.sh describe-producers' columns.
    std::vector<std::vector<std::string>> table{{"ProducerId", "ProducerEpoch", "LatestCoordinatorEpoch", "LastSequence",
                                                 "LastTimestamp", "CurrentTransactionStartOffset"}};
    for (const auto& p : part.active_producers)
        table.push_back({std::to_string(p.producer_id()), std::to_string(p.producer_epoch),
                         std::to_string(p.coordinator_epoch), std::to_string(p.last_sequence),
                         std::to_string(p.last_timestamp),
                         p.current_txn_start_offset < 0 ? "None" : std::to_string(p.current_txn_start_offset)});
    io.out << format_table(table);
    return exit_ok;
}

}  // namespace

int run_transactions(const transactions_args& args, const connection_options& connection, command_io& io) {
    auto format = parse_output_format(args.format);
    if (!format) return report(io, format.error(), true);
    if (args.list->parsed()) return run_list(args, connection, io, *format);
    if (args.describe_producers->parsed()) return run_describe_producers(args, connection, io, *format);
    return run_describe(args, connection, io, *format);
}

}  // namespace samsa::cli
