#include "samsa/broker/txn/txn_records.h"

#include <fmt/format.h>

#include "samsa/bytes/byte_writer.h"
#include "samsa/protocol/wire.h"

namespace samsa::broker::txn {

// Found by argument-dependent lookup from the wire layer (protocol/wire.h).
template<class IO>
void serde(IO& io, txn_log_partitions& p) {
    io.field(p.topic);
    io.field(p.partition_ids);
    io.tags();
}

template<class IO>
void serde(IO& io, txn_log_value& v) {
    io.field(v.producer_id);
    io.field(v.producer_epoch);
    io.field(v.transaction_timeout_ms);
    io.field(v.transaction_status);
    io.field(v.transaction_partitions);
    io.field(v.last_update_timestamp_ms);
    io.field(v.start_timestamp_ms);
    io.tags();
}

namespace {

constexpr int16_t key_version = 0;
constexpr int16_t value_version = 0;  // what Kafka 3.8 writes (KIP-915)
constexpr int16_t max_value_version = 1;

int16_t version_of(bytes_view data) { return static_cast<int16_t>((data[0] << 8) | data[1]); }

}  // namespace

bytes encode_txn_key(const std::string& transactional_id) {
    byte_writer out;
    out.write_i16(key_version);
    protocol::protocol_writer w(out, key_version, false);
    w.field(transactional_id);
    return out.release();
}

bytes encode_txn_value(const txn_log_value& v) {
    byte_writer out;
    out.write_i16(value_version);
    protocol::protocol_writer w(out, value_version, false);
    serde(w, const_cast<txn_log_value&>(v));  // the writer only reads
    return out.release();
}

result<std::string> decode_txn_key(bytes_view key) {
    if (key.size() < 2) return make_error(errc::corrupt, "transaction log key shorter than its version");
    const int16_t version = version_of(key);
    if (version != key_version)
        return make_error(errc::unsupported, fmt::format("transaction log key version {}", version));
    protocol::protocol_reader r(key.subspan(2), version, false);
    std::string id;
    r.field(id);
    if (!r.ok()) return make_error(errc::corrupt, "malformed transaction log key");
    return id;
}

result<txn_log_value> decode_txn_value(bytes_view value) {
    if (value.size() < 2) return make_error(errc::corrupt, "transaction log value shorter than its version");
    const int16_t version = version_of(value);
    if (version < 0 || version > max_value_version)
        return make_error(errc::unsupported, fmt::format("transaction log value version {}", version));
    protocol::protocol_reader r(value.subspan(2), version, /*flexible=*/version >= 1);
    txn_log_value v;
    serde(r, v);
    if (!r.ok()) return make_error(errc::corrupt, fmt::format("malformed transaction log value (version {})", version));
    return v;
}

}  // namespace samsa::broker::txn
