// DescribeCluster (KIP-700): the cluster id, the controller and the brokers
// of the listener the request came in on — here this one node, which is
// also the controller (as Metadata says). Kafka's AuthHelper rules: only
// broker endpoints are served (endpoint type 1; anything else is
// UNSUPPORTED_ENDPOINT_TYPE or MISMATCHED_ENDPOINT_TYPE, INVALID_REQUEST at
// v0); the cluster's authorized operations when asked, 0 without Describe on
// the cluster, INT32_MIN when not asked. No error when Describe is missing:
// the node list is not secret (Metadata gives it to anyone).
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/cluster_handlers.h"
#include "samsa/protocol/messages/describe_cluster.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

// Kafka's EndpointType ids.
constexpr int8_t endpoint_brokers = 1;
constexpr int8_t endpoint_controllers = 2;

// The error for an endpoint type this broker does not serve, else none.
protocol::describe_cluster_response endpoint_type_error(const request_context& ctx, int8_t asked) {
    protocol::describe_cluster_response resp;
    bool known = asked == endpoint_brokers || asked == endpoint_controllers;
    if (ctx.version() == 0) {
        resp.error_code = error_code::invalid_request;
    } else {
        resp.error_code = known ? error_code::mismatched_endpoint_type : error_code::unsupported_endpoint_type;
    }
    resp.error_message = known ? "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER"
                               : "Unsupported endpoint type " + std::to_string(asked);
    return resp;
}

}  // namespace

void handle_describe_cluster(request_context ctx) {
    auto req = ctx.decode<protocol::describe_cluster_request>();
    if (!req) return;
    if (req->endpoint_type != endpoint_brokers) {
        ctx.respond(endpoint_type_error(ctx, req->endpoint_type));
        return;
    }
    broker& b = *ctx.b;
    protocol::describe_cluster_response resp;
    resp.endpoint_type = endpoint_brokers;
    resp.cluster_id = b.cluster_id();
    resp.controller_id = b.node();
    const listener& adv = b.advertised(ctx.session.listener_name);
    resp.brokers.push_back({b.node(), adv.host.empty() ? "localhost" : adv.host, adv.port, std::nullopt});
    if (req->include_cluster_authorized_operations) resp.cluster_authorized_operations = cluster_authorized_operations(ctx);
    ctx.respond(resp);
}

}  // namespace samsa::broker
