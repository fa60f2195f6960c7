#pragma once
// The client quota APIs' handlers (describe_client_quotas.cc,
// alter_client_quotas.cc) and the throttling Produce and Fetch share.
//
// Thread: the I/O thread.

#include <cstdint>

#include "samsa/broker/handlers/request_context.h"
#include "samsa/broker/security/quota/quota_manager.h"
#include "samsa/protocol/messages/describe_client_quotas.h"

namespace samsa::broker {

void handle_describe_client_quotas(request_context ctx);
void handle_alter_client_quotas(request_context ctx);

// Records `value` against the sender's quota of `kind`; the throttle time
// (ms) to put in the answer, 0 when within quota. When positive the
// connection is muted for that long (Kafka mutes a throttled channel).
int32_t record_quota(request_context& ctx, security::quota::quota_kind kind, double value);

// The wire entity as the store keeps it (sorted by type).
security::quota::quota_entity entity_from_wire(const std::vector<protocol::quota_entity_data>& e);
std::vector<protocol::quota_entity_data> entity_to_wire(const security::quota::quota_entity& e);

}  // namespace samsa::broker
