#include "samsa/cli/users.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "samsa/cli/record_format.h"
#include "samsa/cli/wire_command.h"
#include "samsa/protocol/messages/alter_user_scram_credentials.h"
#include "samsa/protocol/messages/describe_user_scram_credentials.h"

namespace samsa::cli {

namespace {

using kafka::wire_client;

// Kafka's ScramMechanism codes in the admin protocol.
struct mechanism_code {
    const char* name;
    int8_t code;
};
constexpr mechanism_code mechanisms[] = {{"SCRAM-SHA-256", 1}, {"SCRAM-SHA-512", 2}};

result<int8_t> mechanism_of(const std::string& name) {
    for (const auto& m : mechanisms)
        if (name == m.name) return m.code;
    return make_error(errc::invalid_argument, "--mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512, not '" + name + "'");
}

std::string mechanism_name(int8_t code) {
    for (const auto& m : mechanisms)
        if (code == m.code) return m.name;
    return "UNKNOWN(" + std::to_string(code) + ")";
}

// SaltedPassword = PBKDF2-HMAC(password, salt, iterations), as long as the hash (RFC 5802).
bytes salted_password(int8_t mechanism, const std::string& password, const bytes& salt, int32_t iterations) {
    const EVP_MD* md = mechanism == 1 ? EVP_sha256() : EVP_sha512();
    bytes out(static_cast<size_t>(EVP_MD_get_size(md)));
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                      iterations, md, static_cast<int>(out.size()), out.data());
    return out;
}

result<bytes> random_salt() {
    bytes salt(32);
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
        return make_error(errc::io_error, "no random bytes for the salt");
    return salt;
}

int run_describe(const users_args& a, wire_client& client, command_io& io, output_format format) {
    protocol::describe_user_scram_credentials_request req;
    if (!a.users.empty()) {
        req.users.emplace();
        for (const auto& u : a.users) req.users->push_back({u});
    }
    auto r = client.call<protocol::describe_user_scram_credentials_request,
                         protocol::describe_user_scram_credentials_response>(req);
    if (!r) return report(io, r.error());
    if (r->error_code != protocol::error_code::none)
        return report(io, broker_error(r->error_code, r->error_message, "DescribeUserScramCredentials"));
    for (const auto& u : r->results) {
        if (u.error_code != protocol::error_code::none)
            return report(io, broker_error(u.error_code, u.error_message, "user '" + u.user + "'"));
    }
    if (format == output_format::json) {
        auto j = nlohmann::ordered_json::array();
        for (const auto& u : r->results) {
            auto creds = nlohmann::ordered_json::array();
            for (const auto& c : u.credential_infos)
                creds.push_back({{"mechanism", mechanism_name(c.mechanism)}, {"iterations", c.iterations}});
            j.push_back({{"user", u.user}, {"credentials", creds}});
        }
        io.out << j.dump() << "\n";
        return exit_ok;
    }
    for (const auto& u : r->results) {
        std::string creds;
        for (const auto& c : u.credential_infos)
            creds += (creds.empty() ? "" : ", ") + fmt::format("{}=iterations={}", mechanism_name(c.mechanism), c.iterations);
        io.out << "SCRAM credential configs for user-principal '" << u.user << "' are " << creds << "\n";
    }
    return exit_ok;
}

// Sends one alteration and reports its single result.
int send_alteration(wire_client& client, command_io& io, const protocol::alter_user_scram_credentials_request& req,
                    const std::string& done) {
    auto r = client.call<protocol::alter_user_scram_credentials_request,
                         protocol::alter_user_scram_credentials_response>(req);
    if (!r) return report(io, r.error());
    for (const auto& u : r->results) {
        if (u.error_code != protocol::error_code::none)
            return report(io, broker_error(u.error_code, u.error_message, "AlterUserScramCredentials"));
    }
    io.out << done << "\n";
    return exit_ok;
}

int run_alter(const users_args& a, wire_client& client, command_io& io) {
    auto mechanism = mechanism_of(a.mechanism);
    if (!mechanism) return report(io, mechanism.error(), true);
    if (a.password.empty()) return report(io, make_error(errc::invalid_argument, "--password must not be empty"), true);
    auto salt = random_salt();
    if (!salt) return report(io, salt.error());
    protocol::scram_credential_upsertion u;
    u.name = a.users.front();
    u.mechanism = *mechanism;
    u.iterations = a.iterations;
    u.salt = *salt;
    u.salted_password = salted_password(*mechanism, a.password, *salt, a.iterations);
    protocol::alter_user_scram_credentials_request req;
    req.upsertions.push_back(std::move(u));
    return send_alteration(client, io, req,
                           fmt::format("Completed updating {} credentials for user-principal '{}'", a.mechanism,
                                       a.users.front()));
}

int run_delete(const users_args& a, wire_client& client, command_io& io) {
    auto mechanism = mechanism_of(a.mechanism);
    if (!mechanism) return report(io, mechanism.error(), true);
    protocol::alter_user_scram_credentials_request req;
    req.deletions.push_back({a.users.front(), *mechanism});
    return send_alteration(client, io, req,
                           fmt::format("Completed deleting {} credentials for user-principal '{}'", a.mechanism,
                                       a.users.front()));
}

}  // namespace

CLI::App* add_users_command(CLI::App& app, users_args& args, connection_options& connection) {
    auto* users = app.add_subcommand("users", "describe, alter and delete SCRAM credentials (kafka-configs.sh --entity-type users)");
    users->require_subcommand(1);
    args.describe = users->add_subcommand("describe", "the SCRAM mechanisms and iterations of users (all without --user)");
    args.alter = users->add_subcommand("alter", "create or replace one user's credential for a mechanism");
    args.remove = users->add_subcommand("delete", "delete one user's credential for a mechanism");
    for (auto* cmd : {args.describe, args.alter, args.remove}) add_connection_options(*cmd, connection);
    args.describe->add_option("--user", args.users, "a user name (repeatable)");
    args.describe->add_option("--format", args.format, "text or json")->capture_default_str();
    for (auto* cmd : {args.alter, args.remove}) {
        cmd->add_option("--user", args.users, "the user name")->required()->expected(1);
        cmd->add_option("--mechanism", args.mechanism, "SCRAM-SHA-256 or SCRAM-SHA-512")->required();
    }
    args.alter->add_option("--password", args.password, "the password (salted here; only the salted form is sent)")
        ->required();
    args.alter->add_option("--iterations", args.iterations, "PBKDF2 iterations (Kafka accepts 4096 to 16384)")
        ->capture_default_str();
    return users;
}

int run_users(const users_args& args, const connection_options& connection, command_io& io) {
    return run_with_wire_client(args.format, connection, io, [&](wire_client& client, output_format format) {
        if (args.describe->parsed()) return run_describe(args, client, io, format);
        if (args.alter->parsed()) return run_alter(args, client, io);
        return run_delete(args, client, io);
    });
}

}  // namespace samsa::cli
