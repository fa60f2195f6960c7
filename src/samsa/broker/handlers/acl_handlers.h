#pragma once
// The ACL APIs' handlers (create_acls.cc, describe_acls.cc, delete_acls.cc)
// and the wire <-> model conversions they share.
//
// Thread: the I/O thread.

#include "samsa/broker/handlers/request_context.h"
#include "samsa/broker/security/authz/acl.h"
#include "samsa/protocol/messages/describe_acls.h"

namespace samsa::broker {

void handle_create_acls(request_context ctx);
void handle_describe_acls(request_context ctx);
void handle_delete_acls(request_context ctx);

// Kafka's answer when no authorizer is configured.
inline constexpr const char* no_authorizer_message = "No Authorizer is configured on the broker";

// Wire codes outside Kafka's enums become UNKNOWN (and the filter invalid).
security::authz::acl_binding_filter filter_from_wire(const protocol::acl_filter_fields& f);
security::authz::resource_type resource_type_from_wire(int8_t code);
security::authz::pattern_type pattern_type_from_wire(int8_t code);
security::authz::operation operation_from_wire(int8_t code);
security::authz::permission permission_from_wire(int8_t code);

}  // namespace samsa::broker
