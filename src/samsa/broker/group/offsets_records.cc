#include "samsa/broker/group/offsets_records.h"

#include <limits>

#include <fmt/format.h>

#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/protocol/wire.h"

namespace samsa::broker::group {

// The serde descriptions drive both directions (protocol/wire.h); the
// version is the record's own. Outside the unnamed namespace so that the
// wire layer finds them by argument-dependent lookup.
template<class IO>
void serde(IO& io, offset_commit_value& v);
template<class IO>
void serde(IO& io, member_metadata_record& m);
template<class IO>
void serde(IO& io, group_metadata_value& v);

namespace {

constexpr int16_t offset_commit_key_version = 1;
constexpr int16_t group_metadata_key_version = 2;
constexpr int16_t offset_commit_value_version = 3;
constexpr int16_t group_metadata_value_version = 3;

}  // namespace

template<class IO>
void serde(IO& io, offset_commit_value& v) {
    io.field(v.offset);
    if (io.version() >= 3) io.field(v.leader_epoch);
    io.field(v.metadata);
    io.field(v.commit_timestamp);
    if (io.version() == 1) io.field(v.expire_timestamp);
    io.tags();
}

template<class IO>
void serde(IO& io, member_metadata_record& m) {
    io.field(m.member_id);
    if (io.version() >= 3) io.field(m.group_instance_id);
    io.field(m.client_id);
    io.field(m.client_host);
    if (io.version() >= 1) io.field(m.rebalance_timeout);
    io.field(m.session_timeout);
    io.field(m.subscription);
    io.field(m.assignment);
    io.tags();
}

template<class IO>
void serde(IO& io, group_metadata_value& v) {
    io.field(v.protocol_type);
    io.field(v.generation);
    io.field(v.protocol);
    io.field(v.leader);
    if (io.version() >= 2) io.field(v.current_state_timestamp);
    io.field(v.members);
    io.tags();
}

namespace {

template<class T>
bytes encode_versioned(int16_t version, const T& v) {
    byte_writer out;
    out.write_i16(version);
    protocol::protocol_writer w(out, version, /*flexible=*/version >= 4);
    serde(w, const_cast<T&>(v));
    return out.release();
}

template<class T>
result<T> decode_versioned(bytes_view data, const char* what, int16_t max_version) {
    if (data.size() < 2) return make_error(errc::corrupt, fmt::format("{}: {} bytes, no version", what, data.size()));
    int16_t version = static_cast<int16_t>((data[0] << 8) | data[1]);
    if (version < 0 || version > max_version)
        return make_error(errc::unsupported, fmt::format("{}: unknown version {}", what, version));
    protocol::protocol_reader r(data.subspan(2), version, /*flexible=*/version >= 4);
    T v{};
    serde(r, v);
    if (!r.ok()) return make_error(errc::corrupt, fmt::format("{} v{}: malformed ({} bytes)", what, version, data.size()));
    return v;
}

}  // namespace

bytes encode_key(const offset_commit_key& k) {
    byte_writer out;
    out.write_i16(offset_commit_key_version);
    protocol::protocol_writer w(out, offset_commit_key_version, false);
    w.field(k.group);
    w.field(k.topic);
    w.field(k.partition);
    return out.release();
}

bytes encode_key(const group_metadata_key& k) {
    byte_writer out;
    out.write_i16(group_metadata_key_version);
    protocol::protocol_writer w(out, group_metadata_key_version, false);
    w.field(k.group);
    return out.release();
}

bytes encode_value(const offset_commit_value& v) { return encode_versioned(offset_commit_value_version, v); }
bytes encode_value(const group_metadata_value& v) { return encode_versioned(group_metadata_value_version, v); }

result<offsets_key> decode_key(bytes_view key) {
    if (key.size() < 2) return make_error(errc::corrupt, fmt::format("offsets key: {} bytes, no version", key.size()));
    int16_t version = static_cast<int16_t>((key[0] << 8) | key[1]);
    protocol::protocol_reader r(key.subspan(2), version, false);
    if (version == 0 || version == 1) {
        offset_commit_key k;
        r.field(k.group);
        r.field(k.topic);
        r.field(k.partition);
        if (!r.ok()) return make_error(errc::corrupt, "offset commit key: malformed");
        return offsets_key(std::move(k));
    }
    if (version == 2) {
        group_metadata_key k;
        r.field(k.group);
        if (!r.ok()) return make_error(errc::corrupt, "group metadata key: malformed");
        return offsets_key(std::move(k));
    }
    // Newer Kafkas write other record types (consumer-protocol groups, share
    // groups) with higher key versions; they are not ours to read.
    return make_error(errc::unsupported, fmt::format("offsets key: unknown version {}", version));
}

result<offset_commit_value> decode_offset_commit_value(bytes_view value) {
    return decode_versioned<offset_commit_value>(value, "offset commit value", 4);
}

result<group_metadata_value> decode_group_metadata_value(bytes_view value) {
    return decode_versioned<group_metadata_value>(value, "group metadata value", 4);
}

int32_t java_string_hash(std::string_view utf8) {
    // Decode UTF-8 to code points (malformed sequences become U+FFFD, as
    // Java's decoder does), then hash the UTF-16 code units.
    uint32_t h = 0;
    auto unit = [&](uint32_t u) { h = 31 * h + u; };
    size_t i = 0;
    while (i < utf8.size()) {
        auto c = static_cast<unsigned char>(utf8[i]);
        uint32_t cp = 0xFFFD;
        size_t len = 1;
        if (c < 0x80) {
            cp = c;
        } else {
            size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
            if (need && i + need <= utf8.size()) {
                uint32_t v = c & (0xFF >> (need + 1));
                bool good = true;
                for (size_t k = 1; k < need; ++k) {
                    auto cc = static_cast<unsigned char>(utf8[i + k]);
                    if ((cc & 0xC0) != 0x80) {
                        good = false;
                        break;
                    }
                    v = (v << 6) | (cc & 0x3F);
                }
                if (good) {
                    cp = v;
                    len = need;
                }
            }
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit(0xD800 + (cp >> 10));
            unit(0xDC00 + (cp & 0x3FF));
        } else {
            unit(cp);
        }
        i += len;
    }
    return static_cast<int32_t>(h);
}

int32_t offsets_partition_for(std::string_view group_id, int32_t partitions) {
    int32_t h = java_string_hash(group_id);
    int32_t abs = h == std::numeric_limits<int32_t>::min() ? 0 : (h < 0 ? -h : h);
    return partitions > 0 ? abs % partitions : 0;
}

}  // namespace samsa::broker::group
