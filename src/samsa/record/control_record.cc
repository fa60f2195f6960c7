#include "samsa/record/control_record.h"

#include <fmt/format.h>

#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"

namespace samsa::record {

namespace {

// A control batch holds one tiny record; anything larger is damage.
constexpr size_t max_control_batch_bytes = 1 << 16;

}  // namespace

bytes build_end_txn_marker_batch(producer_id id, producer_epoch epoch, const end_txn_marker& marker,
                                 timestamp_ms now) {
    byte_writer key;
    key.write_i16(0);
    key.write_i16(static_cast<int16_t>(marker.type));
    byte_writer value;
    value.write_i16(0);
    value.write_i32(marker.coordinator_epoch);
    record_batch_builder builder;
    builder.producer({id, epoch, -1, /*transactional=*/true, /*control=*/true});
    builder.add(record{key.release(), value.release(), now, {}});
    return builder.build();
}

result<std::optional<end_txn_marker>> read_end_txn_marker(bytes_view batch) {
    auto decoded = batch_records::decode(batch, max_control_batch_bytes);
    if (!decoded) return decoded.error();
    if (!decoded->header().control()) return make_error(errc::corrupt, "not a control batch");
    if (decoded->records().empty()) return std::optional<end_txn_marker>{};
    const record_view& r = decoded->records().front();
    if (!r.key || r.key->size() < 4) return make_error(errc::corrupt, "control record without a 4-byte key");
    byte_reader k(*r.key);
    const int16_t key_version = k.read_i16();
    const int16_t type = k.read_i16();
    if (key_version < 0) return make_error(errc::corrupt, fmt::format("control record key version {}", key_version));
    if (type != 0 && type != 1) return std::optional<end_txn_marker>{};
    end_txn_marker m;
    m.type = static_cast<control_type>(type);
    if (!r.value || r.value->size() < 6) return make_error(errc::corrupt, "transaction marker without its value");
    byte_reader v(*r.value);
    (void)v.read_i16();  // version
    m.coordinator_epoch = v.read_i32();
    return std::optional<end_txn_marker>(m);
}

}  // namespace samsa::record
