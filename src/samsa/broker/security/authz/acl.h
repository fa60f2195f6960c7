#pragma once
// acl: Kafka's ACL model. A binding is a resource pattern (type, name,
// LITERAL or PREFIXED) plus an entry (principal, host, operation, ALLOW or
// DENY); a filter is the same shape with "any" values, as CreateAcls /
// DescribeAcls / DeleteAcls carry them. The numeric codes are Kafka's wire
// codes (org.apache.kafka.common.acl.AclOperation and friends).
//
// Thread: plain values, any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace samsa::broker::security::authz {

enum class resource_type : int8_t {
    unknown = 0, any = 1, topic = 2, group = 3, cluster = 4, transactional_id = 5, delegation_token = 6, user = 7,
};

enum class pattern_type : int8_t { unknown = 0, any = 1, match = 2, literal = 3, prefixed = 4 };

enum class operation : int8_t {
    unknown = 0, any = 1, all = 2, read = 3, write = 4, create = 5, remove = 6 /* Delete */, alter = 7,
    describe = 8, cluster_action = 9, describe_configs = 10, alter_configs = 11, idempotent_write = 12,
    create_tokens = 13, describe_tokens = 14,
};

enum class permission : int8_t { unknown = 0, any = 1, deny = 2, allow = 3 };

// The one name a CLUSTER resource has, and the wildcard name and principal.
inline constexpr std::string_view cluster_name = "kafka-cluster";
inline constexpr std::string_view wildcard = "*";
inline constexpr std::string_view wildcard_principal = "User:*";

struct resource_pattern {
    authz::resource_type type = resource_type::unknown;
    std::string name;
    authz::pattern_type pattern = pattern_type::literal;
    bool operator==(const resource_pattern&) const = default;
    auto operator<=>(const resource_pattern&) const = default;
};

struct acl_entry {
    std::string principal;  // "User:alice", "User:*"
    std::string host;       // "*" or an IP address
    authz::operation operation = operation::unknown;
    authz::permission permission = permission::unknown;
    bool operator==(const acl_entry&) const = default;
    auto operator<=>(const acl_entry&) const = default;
};

struct acl_binding {
    resource_pattern pattern;
    acl_entry entry;
    bool operator==(const acl_binding&) const = default;
    auto operator<=>(const acl_binding&) const = default;
};

// nullopt strings match anything; `any` enums match anything. A pattern
// type MATCH matches the bindings that would apply to a resource of that
// name: the literal name, the literal wildcard, and prefixes of it.
struct acl_binding_filter {
    authz::resource_type type = resource_type::any;
    std::optional<std::string> name;
    authz::pattern_type pattern = pattern_type::any;
    std::optional<std::string> principal;
    std::optional<std::string> host;
    authz::operation operation = operation::any;
    authz::permission permission = permission::any;

    bool matches(const acl_binding& b) const;
    // Why the filter can never match (a field UNKNOWN), or nullopt: Kafka
    // refuses such filters with INVALID_REQUEST.
    std::optional<std::string> why_invalid() const;
};

// Why a binding cannot be created (Kafka's CreateAcls INVALID_REQUEST
// reasons), or nullopt.
std::optional<std::string> why_invalid(const acl_binding& b);

// Names as Kafka's tools print them ("Topic", "Read", "Allow", "Literal") and
// parse them (case-insensitive, '-'/'_' ignored); nullopt when unknown.
std::string_view to_string(resource_type t);
std::string_view to_string(pattern_type t);
std::string_view to_string(operation op);
std::string_view to_string(permission p);
std::optional<resource_type> parse_resource_type(std::string_view s);
std::optional<pattern_type> parse_pattern_type(std::string_view s);
std::optional<operation> parse_operation(std::string_view s);
std::optional<permission> parse_permission(std::string_view s);

// Whether an ALLOW for `granted` also allows `wanted`: All allows all;
// Read, Write, Delete and Alter imply Describe; AlterConfigs implies
// DescribeConfigs (Kafka's implied operations).
bool allow_implies(operation granted, operation wanted);

// "Type:name" with a non-empty type and name.
bool is_valid_principal(std::string_view p);

}  // namespace samsa::broker::security::authz
