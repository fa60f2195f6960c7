// AlterClientQuotas: sets or removes quota keys per entity (user and/or
// client-id, named or default); invalid entries answer INVALID_REQUEST and
// are not applied, the valid ones are stored together (unless validate_only).
// Needs AlterConfigs on the cluster (CLUSTER_AUTHORIZATION_FAILED).
#include <set>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/quota_handlers.h"
#include "samsa/protocol/messages/alter_client_quotas.h"

namespace samsa::broker {

namespace quota = security::quota;
using protocol::error_code;

namespace {

std::optional<std::string> why_invalid(const quota::quota_entity& e, const std::vector<quota::quota_op>& ops) {
    if (auto why = quota::why_invalid(e)) return why;
    std::set<std::string> keys;
    for (const auto& op : ops) {
        if (auto why = quota::why_invalid(op)) return why;
        if (!keys.insert(op.key).second) return "Duplicate quota key " + op.key;
    }
    return std::nullopt;
}

}  // namespace

void handle_alter_client_quotas(request_context ctx) {
    auto req = ctx.decode<protocol::alter_client_quotas_request>();
    if (!req) return;
    protocol::alter_client_quotas_response resp;
    const bool allowed = authorized_on_cluster(ctx, acl_op::alter_configs);
    std::vector<std::pair<quota::quota_entity, std::vector<quota::quota_op>>> changes;
    std::vector<size_t> change_index;
    for (const auto& entry : req->entries) {
        auto& out = resp.entries.emplace_back();
        out.entity = entry.entity;
        if (!allowed) {
            out.error_code = error_code::cluster_authorization_failed;
            continue;
        }
        auto entity = entity_from_wire(entry.entity);
        std::vector<quota::quota_op> ops;
        for (const auto& op : entry.ops) ops.push_back({op.key, op.value, op.remove});
        if (auto why = why_invalid(entity, ops)) {
            out.error_code = error_code::invalid_request;
            out.error_message = *why;
            continue;
        }
        changes.emplace_back(std::move(entity), std::move(ops));
        change_index.push_back(resp.entries.size() - 1);
    }
    if (!req->validate_only && !changes.empty()) {
        if (auto s = ctx.b->quota_store().alter(changes); !s) {
            for (size_t i : change_index) {
                resp.entries[i].error_code = error_code::unknown_server_error;
                resp.entries[i].error_message = s.error().message;
            }
        }
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
