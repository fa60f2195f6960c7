#pragma once
// samsa transactions list|describe: kafka-transactions.sh list / describe.
//
//   samsa transactions list [--state Ongoing ...] [--producer-id N ...] [--duration-filter ms] [--format json]
//   samsa transactions describe --transactional-id order-mail-1 [--format json]
//   samsa transactions describe-producers --topic orders --partition 0 [--format json]
//
// librdkafka 2.0 has no admin call for these APIs, so the command speaks
// them itself (kafka/wire_client.h): Metadata for the brokers, then
// ListTransactions on each (every coordinator knows only its own ids), or
// FindCoordinator (key type TRANSACTION) then DescribeTransactions, or
// Metadata for the partition's leader then DescribeProducers.
//
// Thread: main.

#include <string>
#include <vector>

#include "samsa/cli/command.h"
#include "samsa/cli/options.h"

namespace CLI {
class App;
}

namespace samsa::cli {

struct transactions_args {
    std::vector<std::string> states;
    std::vector<int64_t> producer_ids;
    int64_t duration_filter_ms = -1;
    std::string transactional_id;
    std::string topic;
    int32_t partition = 0;
    std::string format = "text";
    CLI::App* list = nullptr;
    CLI::App* describe = nullptr;
    CLI::App* describe_producers = nullptr;
};

CLI::App* add_transactions_command(CLI::App& app, transactions_args& args, connection_options& connection);
int run_transactions(const transactions_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
