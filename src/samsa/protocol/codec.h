#pragma once
// Decoding and encoding whole messages. Every message struct names its API
// (`using api = api_range<api_key::produce, 3, 9>;`) and has a
// `serde(io, msg)` description (see wire.h); these templates do the rest.
//
// Broker side:
//   auto frame = parse_request(bytes_after_size);            // header.h
//   auto req = decode<produce_request>(frame->body, frame->header.api_version);
//   if (!req) -> answer with errc / close, per the broker's policy
//   produce_response resp = ...;
//   bytes out = encode_response_frame(frame->header.correlation_id,
//                                     frame->header.api_version, resp);
//
// Client side (tests, the raw test client): encode_request_frame() and
// decode_response_frame().

#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "samsa/base/assert.h"
#include "samsa/base/result.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/api_key.h"
#include "samsa/protocol/header.h"
#include "samsa/protocol/wire.h"

namespace samsa::protocol {

// The versions Samsa implements for one API; each message header declares
// its own on one line.
template<api_key Key, int16_t Min, int16_t Max>
struct api_range {
    static constexpr api_key key = Key;
    static constexpr int16_t min_version = Min;
    static constexpr int16_t max_version = Max;
    static constexpr bool supports(int16_t v) { return v >= Min && v <= Max; }
};

template<class T>
concept message = requires {
    T::api::key;
    T::api::min_version;
    T::api::max_version;
};

// Decodes a message body of the given version. Borrowed fields (raw_records)
// point into `body`. Trailing bytes after the message are ignored, as Kafka
// does. Fails with errc::unsupported for a version outside the range and
// errc::corrupt for malformed bytes.
template<message T>
result<T> decode(bytes_view body, int16_t version) {
    if (!T::api::supports(version))
        return make_error(errc::unsupported, fmt::format("{} v{} is not supported (versions {}-{})",
                                                         name(T::api::key), version, T::api::min_version,
                                                         T::api::max_version));
    protocol_reader r(body, version, is_flexible(T::api::key, version));
    T msg{};
    serde(r, msg);
    if (!r.ok())
        return make_error(errc::corrupt,
                          fmt::format("malformed {} v{} message ({} bytes)", name(T::api::key), version, body.size()));
    return msg;
}

// Appends the encoding of `msg` at `version` (which must be supported: a
// programmer error otherwise). Fields the version lacks are left out.
template<message T>
void encode(byte_writer& out, const T& msg, int16_t version) {
    SAMSA_ASSERT(T::api::supports(version));
    protocol_writer w(out, version, is_flexible(T::api::key, version));
    serde(w, const_cast<T&>(msg));  // the writer only reads; see wire.h
}

template<message T>
bytes encode(const T& msg, int16_t version) {
    byte_writer out;
    encode(out, msg, version);
    return out.release();
}

// A whole response frame: int32 size, the header the API version calls for,
// the body.
template<message T>
bytes encode_response_frame(int32_t correlation_id, int16_t version, const T& msg) {
    byte_writer out;
    size_t size_at = out.reserve_i32();
    write_response_header(out, correlation_id, response_header_version(T::api::key, version));
    encode(out, msg, version);
    out.patch_i32(size_at, static_cast<int32_t>(out.size() - 4));
    return out.release();
}

// The same frame as gathered parts, in wire order: pieces of the encoded
// buffer and, between them, the RECORDS fields of at least `min_splice_bytes`
// and the external ones, which are not copied. `own(splice_point)` returns
// the part a splice becomes (an owned buffer the view covers exactly, moved
// in; or the file range an external one names), or nullopt to copy the view
// instead (never for an external splice). Part is constructible from bytes.
template<message T, class Owner>
auto encode_response_frame_parts(int32_t correlation_id, int16_t version, const T& msg, size_t min_splice_bytes,
                                 Owner&& own) {
    using part = typename std::invoke_result_t<Owner&, const byte_writer::splice_point&>::value_type;
    byte_writer out;
    out.reserve(4096);
    out.enable_splicing(min_splice_bytes);
    size_t size_at = out.reserve_i32();
    write_response_header(out, correlation_id, response_header_version(T::api::key, version));
    encode(out, msg, version);
    out.patch_i32(size_at, static_cast<int32_t>(out.size() - 4));
    std::vector<part> parts;
    if (out.splices().empty()) {
        parts.emplace_back(out.release());
        return parts;
    }
    const bytes& encoded = out.buffer();
    size_t from = 0;
    for (const auto& s : out.splices()) {
        if (s.at > from) parts.emplace_back(bytes(encoded.begin() + from, encoded.begin() + s.at));
        from = s.at;
        std::optional<part> owned = own(s);
        SAMSA_ASSERT(owned || s.external_size == 0);
        if (owned) {
            parts.push_back(std::move(*owned));
        } else {
            parts.emplace_back(bytes(s.data.begin(), s.data.end()));
        }
    }
    if (from < encoded.size()) parts.emplace_back(bytes(encoded.begin() + from, encoded.end()));
    return parts;
}

// A whole request frame: int32 size, request header, body. `header.key` is
// set from T.
template<message T>
bytes encode_request_frame(request_header header, const T& msg) {
    header.key = T::api::key;
    byte_writer out;
    size_t size_at = out.reserve_i32();
    write_request_header(out, header);
    encode(out, msg, header.api_version);
    out.patch_i32(size_at, static_cast<int32_t>(out.size() - 4));
    return out.release();
}

// Decodes a response frame (the bytes after the size field) of the given
// version; the correlation id is stored in `correlation_id`.
template<message T>
result<T> decode_response_frame(bytes_view frame, int16_t version, int32_t& correlation_id) {
    bytes_view body;
    auto cid = parse_response_header(frame, response_header_version(T::api::key, version), body);
    if (!cid) return cid.error();
    correlation_id = *cid;
    return decode<T>(body, version);
}

}  // namespace samsa::protocol
