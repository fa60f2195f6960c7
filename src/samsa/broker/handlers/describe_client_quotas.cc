// DescribeClientQuotas: the stored quotas whose entity matches every
// component filter (EXACT name, DEFAULT entity, SPECIFIED any name; with
// strict, no other component either). Needs DescribeConfigs on the cluster
// (CLUSTER_AUTHORIZATION_FAILED). Also the quota helpers the handlers share.
#include <algorithm>
#include <set>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/quota_handlers.h"

namespace samsa::broker {

namespace quota = security::quota;
using protocol::error_code;

quota::quota_entity entity_from_wire(const std::vector<protocol::quota_entity_data>& e) {
    quota::quota_entity out;
    for (const auto& c : e) out.push_back({c.entity_type, c.entity_name});
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<protocol::quota_entity_data> entity_to_wire(const quota::quota_entity& e) {
    std::vector<protocol::quota_entity_data> out;
    for (const auto& c : e) out.push_back({c.type, c.name});
    return out;
}

int32_t record_quota(request_context& ctx, quota::quota_kind kind, double value) {
    auto ms = ctx.b->quotas().record(kind, ctx.session, ctx.header.client_id.value_or(""), value,
                                     quota::quota_manager::now_ms());
    if (ms <= 0) return 0;
    ctx.slot.mute_connection_for(std::chrono::milliseconds(ms));
    return static_cast<int32_t>(std::min<int64_t>(ms, INT32_MAX));
}

namespace {

constexpr int8_t match_exact = 0, match_default = 1, match_specified = 2;

bool component_matches(const protocol::quota_filter_component& f, const quota::entity_component& c) {
    switch (f.match_type) {
    case match_exact: return c.name && f.match && *c.name == *f.match;
    case match_default: return !c.name;
    case match_specified: return c.name.has_value();
    default: return false;
    }
}

bool entity_matches(const protocol::describe_client_quotas_request& r, const quota::quota_entity& e) {
    for (const auto& f : r.components) {
        auto c = std::find_if(e.begin(), e.end(), [&](const auto& x) { return x.type == f.entity_type; });
        if (c == e.end() || !component_matches(f, *c)) return false;
    }
    return !r.strict || e.size() == r.components.size();
}

std::optional<std::string> why_invalid(const protocol::describe_client_quotas_request& r) {
    std::set<std::string> types;
    for (const auto& f : r.components) {
        if (!types.insert(f.entity_type).second) return "Duplicate entity type " + f.entity_type;
        if (f.match_type < match_exact || f.match_type > match_specified) return "Unknown match type";
        if (f.match_type == match_exact && !f.match) return "Exact match requires a name";
        if (f.match_type != match_exact && f.match) return "Default and specified matches take no name";
    }
    return std::nullopt;
}

}  // namespace

void handle_describe_client_quotas(request_context ctx) {
    auto req = ctx.decode<protocol::describe_client_quotas_request>();
    if (!req) return;
    protocol::describe_client_quotas_response resp;
    if (!authorized_on_cluster(ctx, acl_op::describe_configs)) {
        resp.error_code = error_code::cluster_authorization_failed;
    } else if (auto why = why_invalid(*req)) {
        resp.error_code = error_code::invalid_request;
        resp.error_message = *why;
    } else {
        resp.entries.emplace();
        for (const auto& [entity, values] : ctx.b->quota_store().all()) {
            if (!entity_matches(*req, entity)) continue;
            auto& out = resp.entries->emplace_back();
            out.entity = entity_to_wire(entity);
            for (const auto& [k, v] : values) out.values.push_back({k, v});
        }
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
