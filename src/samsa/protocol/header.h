#pragma once
// Request and response headers, and which header version each API version
// uses.
//
//   request header v0   api_key int16, api_version int16, correlation_id int32
//   request header v1   v0 + client_id NULLABLE_STRING (always classic, even
//                       in v2: brokers must read it before knowing more)
//   request header v2   v1 + tagged fields
//   response header v0  correlation_id int32
//   response header v1  v0 + tagged fields
//
// A flexible API version uses request header v2 and response header v1; the
// others use v1 and v0. Exceptions: ApiVersions responses always use header v0
// (a client that does not know the broker's versions must still be able to
// read the answer), and ControlledShutdown v0 requests have no client id.
//
// A frame on the wire is an int32 size followed by that many bytes; the
// functions here take and give the bytes after the size.

#include <cstdint>
#include <optional>
#include <string>

#include "samsa/base/result.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/api_key.h"

namespace samsa::protocol {

struct request_header {
    api_key key{};
    int16_t api_version = 0;
    int32_t correlation_id = 0;
    std::optional<std::string> client_id;

    bool operator==(const request_header&) const = default;
};

int16_t request_header_version(api_key key, int16_t api_version);
int16_t response_header_version(api_key key, int16_t api_version);

// A request split into its header and its body (borrowed from the frame).
struct request_frame {
    request_header header;
    int16_t header_version = 1;
    bytes_view body;
};

// Decodes the header of a request frame (the bytes after the size field).
// Works for any api key and version, known or not: the caller decides what
// to do with a request it cannot serve. Fails (errc::corrupt) when the header
// itself is truncated or malformed.
result<request_frame> parse_request(bytes_view frame);

void write_request_header(byte_writer& out, const request_header& header);
void write_response_header(byte_writer& out, int32_t correlation_id, int16_t header_version);

// Reads a response header of the given version; returns the correlation id
// and leaves `body` at the bytes that follow.
result<int32_t> parse_response_header(bytes_view frame, int16_t header_version, bytes_view& body);

}  // namespace samsa::protocol
