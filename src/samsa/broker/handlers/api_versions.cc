// ApiVersions: the registry table, as it is. Answered at any supported
// version; the dispatcher handles unsupported versions (v0 fallback).

#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/handlers/registry.h"
#include "samsa/protocol/messages/api_versions.h"

namespace samsa::broker {

protocol::api_versions_response make_api_versions_response() {
    protocol::api_versions_response response;
    for (const auto& e : api_table()) {
        response.api_keys.push_back({e.key, e.min_version, e.max_version});
    }
    return response;
}

void handle_api_versions(request_context ctx) {
    auto request = ctx.decode<protocol::api_versions_request>();
    if (!request) return;
    ctx.respond(make_api_versions_response());
}

}  // namespace samsa::broker
