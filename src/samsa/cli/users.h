#pragma once
// samsa users describe|alter|delete: kafka-configs.sh for SCRAM credentials
// (--entity-type users, SCRAM-SHA-256/512), speaking
// DescribeUserScramCredentials and AlterUserScramCredentials itself
// (kafka/wire_client.h): librdkafka 2.0 has no admin call for them (2.2 added
// one).
//
//   samsa users describe [--user alice] [--format json]
//   samsa users alter --user alice --mechanism SCRAM-SHA-512 --password secret [--iterations 8192]
//   samsa users delete --user alice --mechanism SCRAM-SHA-512
//
// alter salts the password here, as Kafka's admin client does: the broker
// receives the salt, the iteration count and PBKDF2's salted password, never
// the password.
//
// Thread: main.

#include <cstdint>
#include <string>
#include <vector>

#include "samsa/cli/command.h"
#include "samsa/cli/options.h"

namespace CLI {
class App;
}

namespace samsa::cli {

struct users_args {
    std::vector<std::string> users;  // describe: none means every user; alter/delete: exactly one
    std::string mechanism;
    std::string password;
    int32_t iterations = 4096;  // kafka-configs.sh's default
    std::string format = "text";
    CLI::App* describe = nullptr;
    CLI::App* alter = nullptr;
    CLI::App* remove = nullptr;
};

CLI::App* add_users_command(CLI::App& app, users_args& args, connection_options& connection);
int run_users(const users_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
