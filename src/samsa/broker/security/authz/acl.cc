#include "samsa/broker/security/authz/acl.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace samsa::broker::security::authz {

namespace {


constexpr std::pair<resource_type, std::string_view> resource_type_names[] = {
    {resource_type::unknown, "Unknown"}, {resource_type::any, "Any"}, {resource_type::topic, "Topic"},
    {resource_type::group, "Group"}, {resource_type::cluster, "Cluster"},
    {resource_type::transactional_id, "TransactionalId"}, {resource_type::delegation_token, "DelegationToken"},
    {resource_type::user, "User"},
};
constexpr std::pair<pattern_type, std::string_view> pattern_type_names[] = {
    {pattern_type::unknown, "Unknown"}, {pattern_type::any, "Any"}, {pattern_type::match, "Match"},
    {pattern_type::literal, "Literal"}, {pattern_type::prefixed, "Prefixed"},
};
constexpr std::pair<operation, std::string_view> operation_names[] = {
    {operation::unknown, "Unknown"}, {operation::any, "Any"}, {operation::all, "All"},
    {operation::read, "Read"}, {operation::write, "Write"}, {operation::create, "Create"},
    {operation::remove, "Delete"}, {operation::alter, "Alter"}, {operation::describe, "Describe"},
    {operation::cluster_action, "ClusterAction"}, {operation::describe_configs, "DescribeConfigs"},
    {operation::alter_configs, "AlterConfigs"}, {operation::idempotent_write, "IdempotentWrite"},
    {operation::create_tokens, "CreateTokens"}, {operation::describe_tokens, "DescribeTokens"},
};
constexpr std::pair<permission, std::string_view> permission_names[] = {
    {permission::unknown, "Unknown"}, {permission::any, "Any"}, {permission::deny, "Deny"},
    {permission::allow, "Allow"},
};

// "TransactionalId", "transactional-id" and "TRANSACTIONAL_ID" are the same name.
std::string folded(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '-' || c == '_') continue;
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

template<class E, size_t N>
std::string_view name_in(const std::pair<E, std::string_view> (&table)[N], E value) {
    for (const auto& [v, n] : table) {
        if (v == value) return n;
    }
    return "Unknown";
}

template<class E, size_t N>
std::optional<E> parse_in(const std::pair<E, std::string_view> (&table)[N], std::string_view s) {
    std::string f = folded(s);
    for (const auto& [v, n] : table) {
        if (folded(n) == f) return v;
    }
    return std::nullopt;
}

bool pattern_matches(const acl_binding_filter& f, const resource_pattern& p) {
    if (f.type != resource_type::any && f.type != p.type) return false;
    if (f.pattern != pattern_type::any && f.pattern != pattern_type::match && f.pattern != p.pattern) return false;
    if (!f.name) return true;
    if (f.pattern == pattern_type::any || f.pattern == p.pattern) return *f.name == p.name;
    // MATCH: the bindings that apply to a resource named *f.name.
    if (p.pattern == pattern_type::literal) return *f.name == p.name || p.name == wildcard;
    if (p.pattern == pattern_type::prefixed) return f.name->starts_with(p.name);
    return false;
}

bool entry_matches(const acl_binding_filter& f, const acl_entry& e) {
    if (f.principal && *f.principal != e.principal) return false;
    if (f.host && *f.host != e.host) return false;
    if (f.operation != operation::any && f.operation != e.operation) return false;
    return f.permission == permission::any || f.permission == e.permission;
}

}  // namespace

bool acl_binding_filter::matches(const acl_binding& b) const {
    return pattern_matches(*this, b.pattern) && entry_matches(*this, b.entry);
}

std::optional<std::string> acl_binding_filter::why_invalid() const {
    if (type == resource_type::unknown) return "Unknown resource type";
    if (pattern == pattern_type::unknown) return "Unknown pattern type";
    if (operation == operation::unknown) return "Unknown operation";
    if (permission == permission::unknown) return "Unknown permission type";
    return std::nullopt;
}

std::optional<std::string> why_invalid(const acl_binding& b) {
    const auto& p = b.pattern;
    const auto& e = b.entry;
    if (p.type == resource_type::any || p.type == resource_type::unknown) return "Invalid resource type";
    if (p.pattern != pattern_type::literal && p.pattern != pattern_type::prefixed)
        return "Invalid patternType " + std::string(to_string(p.pattern));
    if (e.operation == operation::any || e.operation == operation::unknown) return "Invalid operation";
    if (e.permission == permission::any || e.permission == permission::unknown) return "Invalid permission type";
    if (!is_valid_principal(e.principal)) return "Could not parse principal from `" + e.principal + "`";
    if (p.type == resource_type::cluster && p.name != cluster_name)
        return "The only valid name for the CLUSTER resource is " + std::string(cluster_name);
    if (p.name.empty()) return "Invalid empty resource name specified";
    return std::nullopt;
}

std::string_view to_string(resource_type t) { return name_in(resource_type_names, t); }
std::string_view to_string(pattern_type t) { return name_in(pattern_type_names, t); }
std::string_view to_string(operation op) { return name_in(operation_names, op); }
std::string_view to_string(permission p) { return name_in(permission_names, p); }
std::optional<resource_type> parse_resource_type(std::string_view s) { return parse_in(resource_type_names, s); }
std::optional<pattern_type> parse_pattern_type(std::string_view s) { return parse_in(pattern_type_names, s); }
std::optional<operation> parse_operation(std::string_view s) { return parse_in(operation_names, s); }
std::optional<permission> parse_permission(std::string_view s) { return parse_in(permission_names, s); }

bool allow_implies(operation granted, operation wanted) {
    if (granted == wanted || granted == operation::all) return true;
    if (wanted == operation::describe) {
        return granted == operation::read || granted == operation::write || granted == operation::remove ||
               granted == operation::alter;
    }
    if (wanted == operation::describe_configs) return granted == operation::alter_configs;
    return false;
}

bool is_valid_principal(std::string_view p) {
    auto colon = p.find(':');
    return colon != std::string_view::npos && colon > 0 && colon + 1 < p.size();
}

}  // namespace samsa::broker::security::authz
