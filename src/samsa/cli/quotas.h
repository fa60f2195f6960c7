#pragma once
// samsa quotas describe|alter: kafka-configs.sh for client quotas
// (--entity-type users/clients), speaking DescribeClientQuotas and
// AlterClientQuotas itself (kafka/wire_client.h): librdkafka 2.0 has no
// admin call for them.
//
//   samsa quotas alter --user alice --add-config producer_byte_rate=1048576,consumer_byte_rate=2097152
//   samsa quotas alter --user-defaults --client-id app --add-config request_percentage=50
//   samsa quotas alter --client-defaults --delete-config producer_byte_rate
//   samsa quotas describe [--user alice | --user-defaults] [--client-id app | --client-defaults] [--format json]
//
// describe without entity options lists every quota; with them, the
// entities that match them exactly (other components allowed).
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

struct quotas_args {
    std::string user, client_id;
    bool user_defaults = false, client_defaults = false;
    std::vector<std::string> add_config;     // key=value, comma-separated or repeated
    std::vector<std::string> delete_config;  // key, comma-separated or repeated
    std::string format = "text";
    CLI::App* describe = nullptr;
    CLI::App* alter = nullptr;
};

CLI::App* add_quotas_command(CLI::App& app, quotas_args& args, connection_options& connection);
int run_quotas(const quotas_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
