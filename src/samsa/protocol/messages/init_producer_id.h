#pragma once
// InitProducerId (api key 22): versions 0-5.
//
// v5 only tells the broker the client understands TRANSACTION_ABORTABLE
// (KIP-890).
//
// An idempotent producer sends transactional_id null; from v3 a producer may
// pass its current id and epoch to bump the epoch instead of getting a new id.

#include <optional>
#include <string>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using init_producer_id_api = api_range<api_key::init_producer_id, 0, 5>;

struct init_producer_id_request {
    using api = init_producer_id_api;
    std::optional<std::string> transactional_id;
    int32_t transaction_timeout_ms = 0;
    samsa::producer_id producer_id{-1};           // v3+
    samsa::producer_epoch producer_epoch{-1};     // v3+
    bool operator==(const init_producer_id_request&) const = default;
};

struct init_producer_id_response {
    using api = init_producer_id_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;
    samsa::producer_id producer_id{-1};
    samsa::producer_epoch producer_epoch{0};
    bool operator==(const init_producer_id_response&) const = default;
};

template<class IO>
void serde(IO& io, init_producer_id_request& m) {
    io.field(m.transactional_id);
    io.field(m.transaction_timeout_ms);
    if (io.version() >= 3) {
        io.field(m.producer_id);
        io.field(m.producer_epoch);
    }
    io.tags();
}

template<class IO>
void serde(IO& io, init_producer_id_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.field(m.producer_id);
    io.field(m.producer_epoch);
    io.tags();
}

}  // namespace samsa::protocol
