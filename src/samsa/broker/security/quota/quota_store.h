#pragma once
// quota_store: the client quotas set with AlterClientQuotas, durable in one
// JSON file in the primary log dir (quotas.json), replaced atomically on
// every change (write, fsync, rename, fsync the directory), for the same
// reasons as the ACL file (security/authz/acl_store.h): one node, small,
// rarely changed, needed whole before the first request.
//
// An entity is a set of components, each an entity type ("user",
// "client-id") with a name or the default (no name), as Kafka's
// ClientQuotaEntity. Values are keyed as Kafka's: producer_byte_rate,
// consumer_byte_rate, request_percentage.
//
// Thread: the I/O thread.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"

namespace samsa::broker::security::quota {

inline constexpr const char* quota_file_name = "quotas.json";
inline constexpr std::string_view user_type = "user";
inline constexpr std::string_view client_id_type = "client-id";
inline constexpr std::string_view producer_byte_rate = "producer_byte_rate";
inline constexpr std::string_view consumer_byte_rate = "consumer_byte_rate";
inline constexpr std::string_view request_percentage = "request_percentage";

struct entity_component {
    std::string type;
    std::optional<std::string> name;  // nullopt: the default entity of the type
    auto operator<=>(const entity_component&) const = default;
};

// Sorted by type; at most one component per type.
using quota_entity = std::vector<entity_component>;
using quota_values = std::map<std::string, double, std::less<>>;

struct quota_op {
    std::string key;
    double value = 0;
    bool remove = false;
};

// Why an entity or an op cannot be stored (Kafka's INVALID_REQUEST
// reasons), or nullopt.
std::optional<std::string> why_invalid(const quota_entity& e);
std::optional<std::string> why_invalid(const quota_op& op);

class quota_store {
public:
    // The quotas in `dir` (none when there is no file); empty dir: memory only.
    static result<quota_store> open(const std::string& dir);

    const std::map<quota_entity, quota_values>& all() const { return quotas_; }
    // The value of `key` set on exactly this entity.
    std::optional<double> value(const quota_entity& e, std::string_view key) const;
    // Applies the ops of each entity (all valid) and writes the file once.
    status alter(const std::vector<std::pair<quota_entity, std::vector<quota_op>>>& changes);

private:
    explicit quota_store(std::string dir) : dir_(std::move(dir)) {}
    status save(const std::map<quota_entity, quota_values>& next) const;

    std::string dir_;
    std::map<quota_entity, quota_values> quotas_;
};

}  // namespace samsa::broker::security::quota
