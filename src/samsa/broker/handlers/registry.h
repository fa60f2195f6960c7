#pragma once
// The one table of what samsa-broker serves: {api_key, min_version,
// max_version, handler}. ApiVersions answers from it; the dispatcher routes
// by it; nothing else lists APIs. The first flexible version of each API
// comes from the protocol layer (protocol::first_flexible_version).
//
// Thread: any; the table is constant.

#include <cstdint>
#include <span>

#include "samsa/broker/handlers/request_context.h"
#include "samsa/protocol/api_key.h"
#include "samsa/protocol/messages/api_versions.h"

namespace samsa::broker {

using handler_fn = void (*)(request_context ctx);

struct api_entry {
    protocol::api_key key;
    int16_t min_version;
    int16_t max_version;
    handler_fn handler;
};

std::span<const api_entry> api_table();
// nullptr when the API is not served.
const api_entry* find_api(protocol::api_key key);

// The ApiVersions answer the table gives (api_versions.cc).
protocol::api_versions_response make_api_versions_response();

}  // namespace samsa::broker
