#pragma once
// dispatcher: from a frame to a handler. Decodes the request header, finds
// the API in the registry and calls its handler. What Kafka does with a
// request it cannot serve, we do too:
//   - ApiVersions at an unknown version: a v0 answer with UNSUPPORTED_VERSION
//     and the full list, so the client can pick a version and retry;
//   - any other unknown API key or unsupported version, or a header that does
//     not parse: close the connection, with a log line.
//
// Thread: the I/O thread.

#include <chrono>

#include "samsa/broker/broker.h"
#include "samsa/broker/net/connection.h"
#include "samsa/protocol/header.h"

namespace samsa::broker {

class dispatcher final : public request_dispatcher {
public:
    explicit dispatcher(broker& b) : broker_(b) {}
    void dispatch(connection& conn, bytes frame, response_slot slot) override;

private:
    void charge_request_time(connection& conn, const protocol::request_header& header,
                             std::chrono::steady_clock::duration spent);

    broker& broker_;
};

}  // namespace samsa::broker
