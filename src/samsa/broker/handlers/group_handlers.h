#pragma once
// The group APIs' handlers (find_coordinator.cc ... offset_delete.cc), one
// file per Kafka API like the others in handlers.h. They translate between
// the wire messages (every version) and the group coordinator's own
// requests (broker/group/group_requests.h); the rules live in the
// coordinator.
//
// Thread: the I/O thread.

#include <memory>
#include <string>

#include "samsa/broker/handlers/request_context.h"

namespace samsa::broker {

void handle_find_coordinator(request_context ctx);
void handle_join_group(request_context ctx);
void handle_sync_group(request_context ctx);
void handle_heartbeat(request_context ctx);
void handle_leave_group(request_context ctx);
void handle_offset_commit(request_context ctx);
void handle_offset_fetch(request_context ctx);
void handle_list_groups(request_context ctx);
void handle_describe_groups(request_context ctx);
void handle_delete_groups(request_context ctx);
void handle_offset_delete(request_context ctx);

// Kafka's client host for DescribeGroups: "/" + the peer's address.
inline std::string client_host_of(const request_context& ctx) {
    auto colon = ctx.peer.rfind(':');
    return "/" + (colon == std::string::npos ? ctx.peer : ctx.peer.substr(0, colon));
}

}  // namespace samsa::broker
