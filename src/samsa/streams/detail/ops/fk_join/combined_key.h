#pragma once
// The subscription store's key (Kafka Streams' CombinedKeySchema): the
// foreign key first, length-prefixed, then the primary key, so that all
// subscriptions to one foreign key are one prefix scan.
//
//   +--------------------+------------------+------------------+
//   | fk length (int32)  | foreign key      | primary key      |
//   | big-endian         | fk serde bytes   | pk serde bytes   |
//   +--------------------+------------------+------------------+
//
// Threads: used by one task's processors.

#include <string>
#include <utility>

#include "samsa/streams/detail/ops/fk_join/wire.h"

namespace samsa::streams::internal::fk_join {

template<class KO, class K>
class combined_key_schema {
public:
    // The pseudo topics the serdes are called with ("<subscription topic>-fk"
    // and "-pk", decorated with the application id), as Kafka.
    combined_key_schema(serde<KO> fk_serde, std::string fk_topic, serde<K> pk_serde, std::string pk_topic)
        : fk_serde_(std::move(fk_serde)), fk_topic_(std::move(fk_topic)), pk_serde_(std::move(pk_serde)),
          pk_topic_(std::move(pk_topic)) {}

    samsa::bytes to_bytes(const KO& fk, const K& pk) const {
        samsa::bytes out = prefix_bytes(fk);
        samsa::bytes p = pk_serde_.serialize(pk_topic_, pk);
        out.insert(out.end(), p.begin(), p.end());
        return out;
    }
    samsa::bytes prefix_bytes(const KO& fk) const {
        samsa::bytes f = fk_serde_.serialize(fk_topic_, fk);
        samsa::bytes out;
        out.reserve(4 + f.size());
        put_be(out, static_cast<uint32_t>(f.size()), 4);
        out.insert(out.end(), f.begin(), f.end());
        return out;
    }
    std::pair<KO, K> from_bytes(bytes_view in) const {
        size_t n = static_cast<size_t>(get_be(in, 0, 4));
        if (in.size() < 4 + n) throw serde_error("combined key too short");
        return {fk_serde_.deserialize(fk_topic_, in.subspan(4, n)), pk_serde_.deserialize(pk_topic_, in.subspan(4 + n))};
    }

private:
    serde<KO> fk_serde_;
    std::string fk_topic_;
    serde<K> pk_serde_;
    std::string pk_topic_;
};

}  // namespace samsa::streams::internal::fk_join
