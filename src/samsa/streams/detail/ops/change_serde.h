#pragma once
// The serde of change<V> on the repartition topic of ktable::group_by (Kafka's
// ChangedSerializer carries the same information; this layout is Samsa's own,
// as the topic is internal to one application):
//
//   +-------+------------------------------+-----------+-----------+
//   | flags | new length (BE int32, only   | new value | old value |
//   | 1 B   | when both values are present)| bytes     | bytes     |
//   +-------+------------------------------+-----------+-----------+
//   flags: bit 0 = new value present, bit 1 = old value present; other bits,
//   or bytes after flags 0, are a malformed record (serde_error)
#include <stdexcept>
#include <string>

#include "samsa/streams/record.h"
#include "samsa/streams/serdes/core.h"

namespace samsa::streams::internal {

template<class V>
serde<change<V>> change_serde(serde<V> inner) {
    return serde<change<V>>{
        [s = inner.serialize](std::string_view topic, const change<V>& c) {
            bytes out;
            uint8_t flags = (c.new_value ? 1 : 0) | (c.old_value ? 2 : 0);
            out.push_back(flags);
            bytes n = c.new_value ? s(topic, *c.new_value) : bytes{};
            if (flags == 3) {
                auto len = static_cast<uint32_t>(n.size());
                for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(len >> shift));
            }
            out.insert(out.end(), n.begin(), n.end());
            if (c.old_value) {
                bytes o = s(topic, *c.old_value);
                out.insert(out.end(), o.begin(), o.end());
            }
            return out;
        },
        [d = inner.deserialize](std::string_view topic, bytes_view data) {
            if (data.empty()) throw serde_error("empty change record on topic '" + std::string(topic) + "'");
            uint8_t flags = data[0];
            data = data.subspan(1);
            change<V> c;
            if (flags == 3) {
                if (data.size() < 4) throw serde_error("truncated change record");
                uint32_t len = (uint32_t(data[0]) << 24) | (uint32_t(data[1]) << 16) | (uint32_t(data[2]) << 8) | data[3];
                data = data.subspan(4);
                if (data.size() < len) throw serde_error("truncated change record");
                c.new_value = d(topic, data.first(len));
                c.old_value = d(topic, data.subspan(len));
            } else if (flags == 1) {
                c.new_value = d(topic, data);
            } else if (flags == 2) {
                c.old_value = d(topic, data);
            } else if (flags != 0 || !data.empty()) {
                // The serializer writes neither: bytes from elsewhere, not an
                // empty change to be dropped silently downstream.
                throw serde_error("malformed change record (flags " + std::to_string(flags) + ", " +
                                  std::to_string(data.size()) + " value bytes) on topic '" + std::string(topic) + "'");
            }
            return c;
        },
    };
}

}  // namespace samsa::streams::internal
