// DescribeUserScramCredentials: the mechanisms and iteration counts of the
// named users (all users when none are named). A named user without
// credentials gets RESOURCE_NOT_FOUND; a name asked twice, DUPLICATE_RESOURCE
// (Kafka's answers).
#include <map>

#include "samsa/broker/handlers/security_handlers.h"
#include "samsa/broker/security/scram/scram_store.h"
#include "samsa/protocol/messages/describe_user_scram_credentials.h"

namespace samsa::broker {

namespace {

protocol::describe_user_scram_credentials_result describe_user(const security::scram_store& store,
                                                               const std::string& user) {
    protocol::describe_user_scram_credentials_result r;
    r.user = user;
    for (const auto& [m, iterations] : store.describe(user)) {
        r.credential_infos.push_back({security::scram_mechanism_type(m), iterations});
    }
    if (r.credential_infos.empty()) {
        r.error_code = protocol::error_code::resource_not_found;
        r.error_message = "Attempt to describe a user credential that does not exist: " + user;
    }
    return r;
}

}  // namespace

void handle_describe_user_scram_credentials(request_context ctx) {
    auto req = ctx.decode<protocol::describe_user_scram_credentials_request>();
    if (!req) return;
    const security::scram_store& store = ctx.b->scram();
    protocol::describe_user_scram_credentials_response resp;
    if (!req->users || req->users->empty()) {
        for (const auto& user : store.users()) resp.results.push_back(describe_user(store, user));
        ctx.respond(resp);
        return;
    }
    std::map<std::string, int> asked;
    for (const auto& u : *req->users) ++asked[u.name];
    for (const auto& [user, times] : asked) {
        if (times > 1) {
            protocol::describe_user_scram_credentials_result r;
            r.user = user;
            r.error_code = protocol::error_code::duplicate_resource;
            r.error_message = "Cannot describe SCRAM credentials for the same user twice in a single request: " + user;
            resp.results.push_back(std::move(r));
            continue;
        }
        resp.results.push_back(describe_user(store, user));
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
