#pragma once
// request_context: one decoded request on its way through a handler. It owns
// the frame (so borrowed fields such as a produce request's records stay
// valid) and the response_slot; a handler that answers later (long-polling
// Fetch) moves the whole context into its parked state.
//
// Thread: the I/O thread.

#include <optional>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "samsa/broker/broker.h"
#include "samsa/broker/net/response_slot.h"
#include "samsa/broker/security/principal.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/header.h"

namespace samsa::broker {

struct request_context {
    broker* b = nullptr;
    protocol::request_header header;
    bytes frame;            // the whole request (after the size field)
    bytes_view body;        // the message body inside `frame`
    response_slot slot;
    std::string peer;       // for log lines
    security::session session;  // the sender, for the authorizer

    int16_t version() const { return header.api_version; }

    // Decodes the body; on malformed bytes logs, closes the connection (as
    // Kafka does with a request it cannot parse) and returns nullopt.
    template<protocol::message T>
    std::optional<T> decode() {
        auto msg = protocol::decode<T>(body, header.api_version);
        if (!msg) {
            spdlog::warn("{} from {} (correlation id {}): {}", protocol::name(header.key), peer,
                         header.correlation_id, msg.error().message);
            slot.close("malformed request");
            return std::nullopt;
        }
        return std::move(*msg);
    }

    template<protocol::message T>
    void respond(const T& response) {
        std::vector<bytes> frame_parts;
        frame_parts.push_back(protocol::encode_response_frame(header.correlation_id, header.api_version, response));
        slot.send(std::move(frame_parts));
    }

    // Answers with the buffers that the response's RECORDS fields view moved
    // into the written frame instead of copied into it (Fetch: the stored
    // batches go to the socket as read from the log), and the external
    // RECORDS fields (raw_records::external) as the parts `external(id)`
    // returns (file ranges sent with sendfile). Each buffer must be viewed
    // whole by one field; `records` is consumed.
    template<class T, class External>
    void respond_with_records(const T& response, std::vector<bytes> records, External&& external) {
        size_t next = 0;
        auto own = [&](const byte_writer::splice_point& s) -> std::optional<frame_part> {
            if (s.external_size > 0) return external(s.external_id);
            for (; next < records.size(); ++next) {
                if (records[next].data() == s.data.data() && records[next].size() == s.data.size()) {
                    return frame_part(std::move(records[next++]));
                }
            }
            return std::nullopt;
        };
        slot.send(protocol::encode_response_frame_parts(header.correlation_id, header.api_version, response,
                                                        min_spliced_records_bytes, own));
    }
    // Smaller record sets are cheaper to copy than to send as their own iovec.
    static constexpr size_t min_spliced_records_bytes = 4096;
};

}  // namespace samsa::broker
