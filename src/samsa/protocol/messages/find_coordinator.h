#pragma once
// FindCoordinator (api key 10): versions 0-5.
//
// v5 only tells the broker the client understands TRANSACTION_ABORTABLE
// (KIP-890).
//
// key_type (v1+): 0 = group, 1 = transaction. Up to v3 one key and one
// answer; v4 batches keys (coordinator_keys) and answers per key.

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using find_coordinator_api = api_range<api_key::find_coordinator, 0, 5>;

enum class coordinator_type : int8_t { group = 0, transaction = 1 };

struct find_coordinator_request {
    using api = find_coordinator_api;
    std::string key;                                    // v0-3
    coordinator_type key_type = coordinator_type::group;  // v1+
    std::vector<std::string> coordinator_keys;          // v4+
    bool operator==(const find_coordinator_request&) const = default;
};

struct coordinator {
    std::string key;
    samsa::node_id node_id;
    std::string host;
    int32_t port = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    bool operator==(const coordinator&) const = default;
};

struct find_coordinator_response {
    using api = find_coordinator_api;
    int32_t throttle_time_ms = 0;                                  // v1+
    protocol::error_code error_code = protocol::error_code::none;  // v0-3
    std::optional<std::string> error_message;                      // v1-3
    samsa::node_id node_id;                                        // v0-3
    std::string host;                                              // v0-3
    int32_t port = 0;                                              // v0-3
    std::vector<coordinator> coordinators;                         // v4+
    bool operator==(const find_coordinator_response&) const = default;
};

template<class IO>
void serde(IO& io, find_coordinator_request& m) {
    if (io.version() <= 3) io.field(m.key);
    if (io.version() >= 1) io.field(m.key_type);
    if (io.version() >= 4) io.field(m.coordinator_keys);
    io.tags();
}

template<class IO>
void serde(IO& io, coordinator& m) {
    io.field(m.key);
    io.field(m.node_id);
    io.field(m.host);
    io.field(m.port);
    io.field(m.error_code);
    io.field(m.error_message);
    io.tags();
}

template<class IO>
void serde(IO& io, find_coordinator_response& m) {
    if (io.version() >= 1) io.field(m.throttle_time_ms);
    if (io.version() <= 3) {
        io.field(m.error_code);
        if (io.version() >= 1) io.field(m.error_message);
        io.field(m.node_id);
        io.field(m.host);
        io.field(m.port);
    } else {
        io.field(m.coordinators);
    }
    io.tags();
}

}  // namespace samsa::protocol
