#pragma once
// application: the whole `samsa` command line (CLI11), parsed into the argument
// structs of each command group, then run. main() is a thin shell around it so
// that tests can parse and run commands in-process.
//
//   samsa topics create|list|describe|alter|delete ...
//   samsa produce ...
//   samsa consume ...
//   samsa groups list|describe ...
//   samsa transactions list|describe ...
//   samsa acls add|list|remove ...
//   samsa quotas describe|alter ...
//   samsa users describe|alter|delete ...
//   samsa offsets | delete-records | configs describe | streams reset ...
//   samsa console --listen 127.0.0.1:8080 ...
//
// Thread: main.

#include <memory>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/command.h"
#include "samsa/cli/configs.h"
#include "samsa/cli/consume.h"
#include "samsa/cli/console/console_command.h"
#include "samsa/cli/acls.h"
#include "samsa/cli/groups.h"
#include "samsa/cli/offsets.h"
#include "samsa/cli/options.h"
#include "samsa/cli/produce.h"
#include "samsa/cli/streams_reset.h"
#include "samsa/cli/topics.h"
#include "samsa/cli/quotas.h"
#include "samsa/cli/transactions.h"
#include "samsa/cli/users.h"

namespace CLI {
class App;
}

namespace samsa::cli {

class application {
public:
    application();
    ~application();
    application(const application&) = delete;
    application& operator=(const application&) = delete;

    // Parses args (without the program name). A usage error comes back as
    // errc::invalid_argument with CLI11's message; --help as errc::closed with
    // the help text as the message.
    status parse(const std::vector<std::string>& args);

    // Parses and runs; returns the exit status.
    int run(const std::vector<std::string>& args, command_io& io);

    connection_options connection;
    topics_args topics;
    produce_args produce;
    consume_args consume;
    groups_args groups;
    transactions_args transactions;
    acls_args acls;
    quotas_args quotas;
    users_args users;
    offsets_args offsets;
    configs_args configs;
    streams_reset_args streams;
    console::console_args console;

private:
    int dispatch(command_io& io);

    std::unique_ptr<CLI::App> app_;
    CLI::App* topics_command_ = nullptr;
    CLI::App* groups_command_ = nullptr;
    CLI::App* transactions_command_ = nullptr;
    CLI::App* acls_command_ = nullptr;
    CLI::App* quotas_command_ = nullptr;
    CLI::App* users_command_ = nullptr;
};

}  // namespace samsa::cli
