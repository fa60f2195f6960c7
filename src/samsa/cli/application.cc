#include "samsa/cli/application.h"

#include "samsa/version.h"

#include <algorithm>
#include <ostream>

#include <CLI/CLI.hpp>

namespace samsa::cli {

application::application() : app_(std::make_unique<CLI::App>("samsa: topics, produce, consume, groups, offsets, configs, transactions, streams resets and a web console on any Kafka cluster", "samsa")) {
    app_->require_subcommand(1);
    app_->set_version_flag("--version", "samsa " + std::string(samsa::version_string));
    topics_command_ = add_topics_command(*app_, topics, connection);
    add_produce_command(*app_, produce, connection);
    add_consume_command(*app_, consume, connection);
    groups_command_ = add_groups_command(*app_, groups, connection);
    transactions_command_ = add_transactions_command(*app_, transactions, connection);
    acls_command_ = add_acls_command(*app_, acls, connection);
    quotas_command_ = add_quotas_command(*app_, quotas, connection);
    users_command_ = add_users_command(*app_, users, connection);
    add_offsets_commands(*app_, offsets, connection);
    add_configs_command(*app_, configs, connection);
    add_streams_command(*app_, streams, connection);
    console::add_console_command(*app_, console, connection);
    app_->footer("Exit status: 0 success, 1 the operation failed, 2 bad arguments.\n"
                 "Examples:\n"
                 "  samsa topics create --bootstrap-server localhost:9092 --topic orders --partitions 3\n"
                 "  printf 'k1:hello\\n' | samsa produce --topic orders --key-separator :\n"
                 "  samsa consume --topic orders --from-beginning --print-key --timeout-ms 2000\n"
                 "  samsa groups describe --group billing\n"
                 "  samsa transactions list");
}

application::~application() = default;

namespace {

// CLI11 reports a mistyped command as "A subcommand is required"; name it instead.
status check_command_words(const CLI::App& app, const std::vector<std::string>& args) {
    const CLI::App* level = &app;
    for (const auto& word : args) {
        auto subs = level->get_subcommands([](const CLI::App*) { return true; });
        if (subs.empty() || word.empty() || word.front() == '-') break;
        auto it = std::find_if(subs.begin(), subs.end(), [&](const CLI::App* s) { return s->get_name() == word; });
        if (it == subs.end()) {
            std::string names;
            for (const auto* s : subs) names += (names.empty() ? "" : ", ") + s->get_name();
            return make_error(errc::invalid_argument, "unknown command '" + word + "' (expected one of: " + names + ")");
        }
        level = *it;
    }
    return ok();
}

}  // namespace

status application::parse(const std::vector<std::string>& args) {
    if (auto s = check_command_words(*app_, args); !s) return s;
    // CLI11 parses a reversed vector (it pops from the back).
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app_->parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        // The help of the subcommand that was asked about.
        const CLI::App* target = app_.get();
        for (;;) {
            auto subs = target->get_subcommands();
            if (subs.empty()) break;
            target = subs.front();
        }
        return make_error(errc::closed, target->help());
    } catch (const CLI::CallForVersion& e) {
        return make_error(errc::closed, "samsa " + std::string(samsa::version_string) + "\n");
    } catch (const CLI::ParseError& e) {
        return make_error(errc::invalid_argument, e.what());
    }
    return ok();
}

int application::run(const std::vector<std::string>& args, command_io& io) {
    if (args.empty()) {
        io.err << app_->help();
        return exit_usage;
    }
    if (auto s = parse(args); !s) {
        if (s.error().code == errc::closed) {
            io.out << s.error().message;
            return exit_ok;
        }
        return report(io, s.error(), true);
    }
    return dispatch(io);
}

int application::dispatch(command_io& io) {
    if (topics_command_->parsed()) return run_topics(topics, connection, io);
    if (produce.command->parsed()) return run_produce(produce, connection, io);
    if (consume.command->parsed()) return run_consume(consume, connection, io);
    if (groups_command_->parsed()) return run_groups(groups, connection, io);
    if (transactions_command_->parsed()) return run_transactions(transactions, connection, io);
    if (acls_command_->parsed()) return run_acls(acls, connection, io);
    if (quotas_command_->parsed()) return run_quotas(quotas, connection, io);
    if (users_command_->parsed()) return run_users(users, connection, io);
    if (offsets_command_given(offsets)) return run_offsets_command(offsets, connection, io);
    if (configs.command->parsed()) return run_configs(configs, connection, io);
    if (streams.command->parsed()) return run_streams(streams, connection, io);
    if (console.command->parsed()) return console::run_console(console, connection, io);
    return report(io, make_error(errc::invalid_argument, "a command is required"), true);
}

}  // namespace samsa::cli
