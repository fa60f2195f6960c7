#pragma once
// AlterClientQuotas (api key 49): versions 0-1 (v1 flexible). Each entry
// sets or removes quota keys of one entity; answered per entity.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/describe_client_quotas.h"

namespace samsa::protocol {

using alter_client_quotas_api = api_range<api_key::alter_client_quotas, 0, 1>;

struct quota_op_data {
    std::string key;
    double value = 0;
    bool remove = false;
    bool operator==(const quota_op_data&) const = default;
};

struct alter_quota_entry {
    std::vector<quota_entity_data> entity;
    std::vector<quota_op_data> ops;
    bool operator==(const alter_quota_entry&) const = default;
};

struct alter_client_quotas_request {
    using api = alter_client_quotas_api;
    std::vector<alter_quota_entry> entries;
    bool validate_only = false;
    bool operator==(const alter_client_quotas_request&) const = default;
};

struct alter_quota_entry_result {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::vector<quota_entity_data> entity;
    bool operator==(const alter_quota_entry_result&) const = default;
};

struct alter_client_quotas_response {
    using api = alter_client_quotas_api;
    int32_t throttle_time_ms = 0;
    std::vector<alter_quota_entry_result> entries;
    bool operator==(const alter_client_quotas_response&) const = default;
};

template<class IO>
void serde(IO& io, quota_op_data& m) {
    io.field(m.key);
    io.field(m.value);
    io.field(m.remove);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_quota_entry& m) {
    io.field(m.entity);
    io.field(m.ops);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_client_quotas_request& m) {
    io.field(m.entries);
    io.field(m.validate_only);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_quota_entry_result& m) {
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.entity);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_client_quotas_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.entries);
    io.tags();
}

}  // namespace samsa::protocol
