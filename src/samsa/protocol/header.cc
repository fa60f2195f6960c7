#include "samsa/protocol/header.h"

#include <fmt/format.h>

#include "samsa/protocol/wire.h"

namespace samsa::protocol {

int16_t request_header_version(api_key key, int16_t api_version) {
    if (is_flexible(key, api_version)) return 2;
    if (key == api_key::controlled_shutdown && api_version == 0) return 0;
    return 1;
}

int16_t response_header_version(api_key key, int16_t api_version) {
    if (key == api_key::api_versions) return 0;
    return is_flexible(key, api_version) ? 1 : 0;
}

result<request_frame> parse_request(bytes_view frame) {
    byte_reader in(frame);
    request_frame out;
    out.header.key = static_cast<api_key>(in.read_i16());
    out.header.api_version = in.read_i16();
    out.header.correlation_id = in.read_i32();
    if (!in.ok()) return make_error(errc::corrupt, fmt::format("request header truncated ({} bytes)", frame.size()));
    out.header_version = request_header_version(out.header.key, out.header.api_version);
    // The rest of the header is read with the protocol reader: client_id is a
    // classic nullable string in every header version.
    protocol_reader r(frame.subspan(in.position()), out.header.api_version, /*flexible=*/false);
    if (out.header_version >= 1) r.field(out.header.client_id);
    if (out.header_version >= 2) {
        protocol_reader tags(frame.subspan(in.position() + r.position()), out.header.api_version, /*flexible=*/true);
        tags.tags();
        if (!r.ok() || !tags.ok())
            return make_error(errc::corrupt, fmt::format("malformed {} v{} request header", name(out.header.key),
                                                         out.header.api_version));
        out.body = frame.subspan(in.position() + r.position() + tags.position());
        return out;
    }
    if (!r.ok())
        return make_error(errc::corrupt,
                          fmt::format("malformed {} v{} request header", name(out.header.key), out.header.api_version));
    out.body = frame.subspan(in.position() + r.position());
    return out;
}

void write_request_header(byte_writer& out, const request_header& header) {
    int16_t hv = request_header_version(header.key, header.api_version);
    out.write_i16(static_cast<int16_t>(header.key));
    out.write_i16(header.api_version);
    out.write_i32(header.correlation_id);
    protocol_writer w(out, header.api_version, /*flexible=*/false);
    if (hv >= 1) w.field(header.client_id);
    if (hv >= 2) out.write_uvarint(0);  // no tagged fields
}

void write_response_header(byte_writer& out, int32_t correlation_id, int16_t header_version) {
    out.write_i32(correlation_id);
    if (header_version >= 1) out.write_uvarint(0);
}

result<int32_t> parse_response_header(bytes_view frame, int16_t header_version, bytes_view& body) {
    protocol_reader r(frame, 0, /*flexible=*/header_version >= 1);
    int32_t correlation_id = 0;
    r.field(correlation_id);
    r.tags();
    if (!r.ok()) return make_error(errc::corrupt, "malformed response header");
    body = frame.subspan(r.position());
    return correlation_id;
}

}  // namespace samsa::protocol
