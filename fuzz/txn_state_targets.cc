#include "txn_state_targets.h"

#include "samsa/broker/txn/txn_records.h"
#include "samsa/record/control_record.h"
#include "samsa/storage/transaction_index.h"

namespace samsa::fuzz {

namespace {

bool txn_key_round_trips(bytes_view in) {
    auto key = broker::txn::decode_txn_key(in);
    if (!key) return true;
    auto again = broker::txn::decode_txn_key(broker::txn::encode_txn_key(*key));
    return again && *again == *key;
}

bool txn_value_round_trips(bytes_view in) {
    auto value = broker::txn::decode_txn_value(in);
    if (!value) return true;
    auto again = broker::txn::decode_txn_value(broker::txn::encode_txn_value(*value));
    return again && *again == *value;
}

bool txn_index_round_trips(bytes_view in) {
    auto entries = storage::transaction_index::parse(in, "fuzz");
    if (!entries) return true;
    bytes out = storage::transaction_index::serialize(*entries);
    return out.size() == in.size() && std::equal(out.begin(), out.end(), in.begin());
}

}  // namespace

bool txn_state(const uint8_t* data, size_t size) {
    bytes_view in(data, size);
    (void)record::read_end_txn_marker(in);  // must only fail cleanly
    return txn_key_round_trips(in) && txn_value_round_trips(in) && txn_index_round_trips(in);
}

}  // namespace samsa::fuzz
