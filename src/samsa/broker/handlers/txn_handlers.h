#pragma once
// The transaction APIs' handlers (add_partitions_to_txn.cc ...
// list_transactions.cc, describe_producers.cc), one file per Kafka API like the others in
// handlers.h. They translate between the wire messages (every version) and
// the transaction coordinator (broker/txn/txn_coordinator.h), which holds
// the rules.
//
// Thread: the I/O thread.

#include "samsa/broker/handlers/request_context.h"
#include "samsa/protocol/error_code.h"

namespace samsa::broker {

void handle_add_partitions_to_txn(request_context ctx);
void handle_add_offsets_to_txn(request_context ctx);
void handle_end_txn(request_context ctx);
void handle_txn_offset_commit(request_context ctx);
void handle_describe_transactions(request_context ctx);
void handle_list_transactions(request_context ctx);
void handle_describe_producers(request_context ctx);

// Clients older than an API's version with PRODUCER_FENCED know the same
// situation as INVALID_PRODUCER_EPOCH (Kafka's KafkaApis does this mapping).
inline protocol::error_code fenced_for_version(protocol::error_code e, int16_t version, int16_t fenced_since) {
    if (e == protocol::error_code::producer_fenced && version < fenced_since)
        return protocol::error_code::invalid_producer_epoch;
    return e;
}

}  // namespace samsa::broker
