#pragma once
// What handlers ask the authorizer, in KafkaApis' words: may the sender of
// this request do `op` on this resource? Always yes when the broker has no
// authorizer (authorizer.class.name unset), as in Kafka.
//
// Thread: the I/O thread.

#include <cstdint>
#include <span>
#include <optional>
#include <string_view>

#include "samsa/broker/handlers/request_context.h"
#include "samsa/broker/security/authz/authorizer.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/config_resource.h"

namespace samsa::broker {

using acl_op = security::authz::operation;
using acl_resource = security::authz::resource_type;

inline bool authorized(const request_context& ctx, acl_op op, acl_resource type, std::string_view name) {
    const auto* a = ctx.b->authorizer();
    return !a || a->authorize(ctx.session, op, type, name);
}

inline bool authorized_on_cluster(const request_context& ctx, acl_op op) {
    return authorized(ctx, op, acl_resource::cluster, security::authz::cluster_name);
}

inline bool authorized_on_topic(const request_context& ctx, acl_op op, std::string_view topic) {
    return authorized(ctx, op, acl_resource::topic, topic);
}

inline bool authorized_on_group(const request_context& ctx, acl_op op, std::string_view group) {
    return authorized(ctx, op, acl_resource::group, group);
}

inline bool authorized_on_transactional_id(const request_context& ctx, acl_op op, std::string_view id) {
    return authorized(ctx, op, acl_resource::transactional_id, id);
}

// Creating a topic: Create on the cluster or on the topic (KafkaApis'
// CreateTopics and Metadata auto-creation).
inline bool authorized_to_create_topic(const request_context& ctx, std::string_view topic) {
    return authorized_on_cluster(ctx, acl_op::create) || authorized_on_topic(ctx, acl_op::create, topic);
}

// DescribeConfigs / AlterConfigs / IncrementalAlterConfigs on one resource:
// `op` (DescribeConfigs or AlterConfigs) on the cluster for broker
// resources, on the topic for topics. The error when denied, else nullopt.
inline std::optional<protocol::error_code> config_resource_denied(const request_context& ctx, acl_op op,
                                                                  protocol::config_resource_type type,
                                                                  std::string_view name) {
    using protocol::config_resource_type;
    if (type == config_resource_type::broker || type == config_resource_type::broker_logger) {
        if (!authorized_on_cluster(ctx, op)) return protocol::error_code::cluster_authorization_failed;
    } else if (type == config_resource_type::topic) {
        if (!authorized_on_topic(ctx, op, name)) return protocol::error_code::topic_authorization_failed;
    }
    return std::nullopt;
}

// Kafka's authorizeByResourceType: `op` on some resource of `type`.
inline bool authorized_on_any(const request_context& ctx, acl_op op, acl_resource type) {
    const auto* a = ctx.b->authorizer();
    return !a || a->authorize_any(ctx.session, op, type);
}

// The operations Kafka's ACLs support on each resource type
// (AclEntry.supportedOperations): what an authorized-operations field covers.
inline std::span<const acl_op> supported_operations(acl_resource type) {
    static constexpr acl_op topic[] = {acl_op::read,   acl_op::write,           acl_op::create,
                                       acl_op::describe, acl_op::remove,        acl_op::alter,
                                       acl_op::describe_configs, acl_op::alter_configs};
    static constexpr acl_op group[] = {acl_op::read, acl_op::describe, acl_op::remove};
    static constexpr acl_op cluster[] = {acl_op::create,        acl_op::cluster_action,   acl_op::describe_configs,
                                         acl_op::alter_configs, acl_op::idempotent_write, acl_op::alter,
                                         acl_op::describe};
    static constexpr acl_op transactional_id[] = {acl_op::describe, acl_op::write};
    switch (type) {
        case acl_resource::topic: return topic;
        case acl_resource::group: return group;
        case acl_resource::cluster: return cluster;
        case acl_resource::transactional_id: return transactional_id;
        default: return {};
    }
}

// Kafka's authorizedOperations: a bit (1 << AclOperation code) for each
// supported operation the sender may do on the resource; all of them
// without an authorizer.
inline int32_t authorized_operations(const request_context& ctx, acl_resource type, std::string_view name) {
    uint32_t bits = 0;
    for (acl_op op : supported_operations(type)) {
        if (authorized(ctx, op, type, name)) bits |= 1u << static_cast<int>(op);
    }
    return static_cast<int32_t>(bits);
}

// The cluster's authorized operations as Metadata (v8-10) and
// DescribeCluster report them when asked: 0 without Describe on the cluster
// (KafkaApis / AuthHelper).
inline int32_t cluster_authorized_operations(const request_context& ctx) {
    if (!authorized_on_cluster(ctx, acl_op::describe)) return 0;
    return authorized_operations(ctx, acl_resource::cluster, security::authz::cluster_name);
}

}  // namespace samsa::broker
