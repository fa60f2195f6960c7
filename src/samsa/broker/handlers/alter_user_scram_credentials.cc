// AlterUserScramCredentials: upserts (salt and salted password computed by
// the client) and deletions of SCRAM credentials, one result per user.
// Kafka's checks: an unknown mechanism is UNSUPPORTED_SASL_MECHANISM, an
// empty name or too few/many iterations UNACCEPTABLE_CREDENTIAL, a user
// altered twice for one mechanism DUPLICATE_RESOURCE, a deletion of nothing
// RESOURCE_NOT_FOUND. Each user's changes are stored durably before the
// answer.
#include <map>
#include <set>

#include "samsa/broker/handlers/security_handlers.h"
#include "samsa/broker/security/scram/scram_store.h"
#include "samsa/protocol/messages/alter_user_scram_credentials.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

struct user_result {
    error_code error = error_code::none;
    std::string message;
    void fail(error_code e, std::string m) {
        if (error != error_code::none) return;  // the first problem is reported
        error = e;
        message = std::move(m);
    }
};

}  // namespace

void handle_alter_user_scram_credentials(request_context ctx) {
    auto req = ctx.decode<protocol::alter_user_scram_credentials_request>();
    if (!req) return;
    security::scram_store& store = ctx.b->scram();
    std::map<std::string, user_result> results;
    std::map<std::pair<std::string, int8_t>, int> seen;
    for (const auto& d : req->deletions) ++seen[{d.name, d.mechanism}];
    for (const auto& u : req->upsertions) ++seen[{u.name, u.mechanism}];

    auto check = [&](const std::string& name, int8_t mechanism) -> std::optional<security::scram_mechanism> {
        user_result& r = results[name];
        if (name.empty()) r.fail(error_code::unacceptable_credential, "Username must not be empty");
        auto m = security::scram_mechanism_of_type(mechanism);
        if (!m) r.fail(error_code::unsupported_sasl_mechanism, "Unknown SCRAM mechanism");
        if (seen[{name, mechanism}] > 1) {
            r.fail(error_code::duplicate_resource, "A user credential cannot be altered twice in the same request");
        }
        return r.error == error_code::none ? m : std::nullopt;
    };
    // Validate everything first: a user with any bad change gets none of them.
    for (const auto& d : req->deletions) check(d.name, d.mechanism);
    for (const auto& u : req->upsertions) {
        check(u.name, u.mechanism);
        if (u.iterations < security::scram_min_iterations) {
            results[u.name].fail(error_code::unacceptable_credential, "Too few iterations");
        } else if (u.iterations > security::scram_max_iterations) {
            results[u.name].fail(error_code::unacceptable_credential, "Too many iterations");
        }
        if (u.salt.empty() || u.salted_password.empty()) {
            results[u.name].fail(error_code::unacceptable_credential, "Salt and salted password must not be empty");
        }
    }
    for (const auto& d : req->deletions) {
        user_result& r = results[d.name];
        if (r.error != error_code::none) continue;
        auto m = *security::scram_mechanism_of_type(d.mechanism);
        auto removed = store.remove(d.name, m);
        if (!removed) r.fail(error_code::unknown_server_error, removed.error().message);
        else if (!*removed) r.fail(error_code::resource_not_found, "Attempt to delete a user credential that does not exist");
    }
    for (const auto& u : req->upsertions) {
        user_result& r = results[u.name];
        if (r.error != error_code::none) continue;
        auto m = *security::scram_mechanism_of_type(u.mechanism);
        auto credential = security::scram_credential_from_salted(m, u.salt, u.salted_password, u.iterations);
        if (auto s = store.upsert(u.name, m, std::move(credential)); !s) {
            r.fail(error_code::unknown_server_error, s.error().message);
        }
    }
    protocol::alter_user_scram_credentials_response resp;
    for (auto& [user, r] : results) {
        protocol::alter_user_scram_credentials_result out;
        out.user = user;
        out.error_code = r.error;
        if (r.error != error_code::none) out.error_message = r.message;
        resp.results.push_back(std::move(out));
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
