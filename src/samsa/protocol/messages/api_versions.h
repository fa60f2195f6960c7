#pragma once
// ApiVersions (api key 18): versions 0-3.
//
// The response always travels with response header v0 (see header.h); at v3
// its body is flexible. A broker asked for a version it does not know answers
// with a v0 body and UNSUPPORTED_VERSION so the client can retry lower.

#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using api_versions_api = api_range<api_key::api_versions, 0, 3>;

struct api_versions_request {
    using api = api_versions_api;
    std::string client_software_name;     // v3+
    std::string client_software_version;  // v3+
    bool operator==(const api_versions_request&) const = default;
};

struct api_version {
    protocol::api_key api_key{};
    int16_t min_version = 0;
    int16_t max_version = 0;
    bool operator==(const api_version&) const = default;
};

struct supported_feature_key {
    std::string name;
    int16_t min_version = 0;
    int16_t max_version = 0;
    bool operator==(const supported_feature_key&) const = default;
};

struct finalized_feature_key {
    std::string name;
    int16_t max_version_level = 0;
    int16_t min_version_level = 0;
    bool operator==(const finalized_feature_key&) const = default;
};

struct api_versions_response {
    using api = api_versions_api;
    protocol::error_code error_code = protocol::error_code::none;
    std::vector<api_version> api_keys;
    int32_t throttle_time_ms = 0;  // v1+
    // Tagged fields, v3+.
    std::vector<supported_feature_key> supported_features;   // tag 0
    int64_t finalized_features_epoch = -1;                   // tag 1
    std::vector<finalized_feature_key> finalized_features;   // tag 2
    bool zk_migration_ready = false;                         // tag 3
    bool operator==(const api_versions_response&) const = default;
};

template<class IO>
void serde(IO& io, api_versions_request& m) {
    if (io.version() >= 3) {
        io.field(m.client_software_name);
        io.field(m.client_software_version);
    }
    io.tags();
}

template<class IO>
void serde(IO& io, api_version& m) {
    io.field(m.api_key);
    io.field(m.min_version);
    io.field(m.max_version);
    io.tags();
}

template<class IO>
void serde(IO& io, supported_feature_key& m) {
    io.field(m.name);
    io.field(m.min_version);
    io.field(m.max_version);
    io.tags();
}

template<class IO>
void serde(IO& io, finalized_feature_key& m) {
    io.field(m.name);
    io.field(m.max_version_level);
    io.field(m.min_version_level);
    io.tags();
}

template<class IO>
void serde(IO& io, api_versions_response& m) {
    io.field(m.error_code);
    io.field(m.api_keys);
    if (io.version() >= 1) io.field(m.throttle_time_ms);
    io.tags([&](auto& t) {
        t(0, m.supported_features, !m.supported_features.empty());
        t(1, m.finalized_features_epoch, m.finalized_features_epoch != -1);
        t(2, m.finalized_features, !m.finalized_features.empty());
        t(3, m.zk_migration_ready, m.zk_migration_ready);
    });
}

}  // namespace samsa::protocol
