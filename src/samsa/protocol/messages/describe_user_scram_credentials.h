#pragma once
// DescribeUserScramCredentials (api key 50): version 0, flexible (KIP-554).
// Which SCRAM mechanisms (1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512) and
// iteration counts each user has; never the keys.

#include <optional>
#include <string>
#include <vector>

#include "samsa/bytes/bytes.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using describe_user_scram_credentials_api = api_range<api_key::describe_user_scram_credentials, 0, 0>;

struct scram_user_name {
    std::string name;
    bool operator==(const scram_user_name&) const = default;
};

struct describe_user_scram_credentials_request {
    using api = describe_user_scram_credentials_api;
    std::optional<std::vector<scram_user_name>> users;  // null or empty: all users
    bool operator==(const describe_user_scram_credentials_request&) const = default;
};

struct scram_credential_info {
    int8_t mechanism = 0;
    int32_t iterations = 0;
    bool operator==(const scram_credential_info&) const = default;
};

struct describe_user_scram_credentials_result {
    std::string user;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::vector<scram_credential_info> credential_infos;
    bool operator==(const describe_user_scram_credentials_result&) const = default;
};

struct describe_user_scram_credentials_response {
    using api = describe_user_scram_credentials_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::vector<describe_user_scram_credentials_result> results;
    bool operator==(const describe_user_scram_credentials_response&) const = default;
};

template<class IO>
void serde(IO& io, scram_user_name& m) {
    io.field(m.name);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_user_scram_credentials_request& m) {
    io.field(m.users);
    io.tags();
}

template<class IO>
void serde(IO& io, scram_credential_info& m) {
    io.field(m.mechanism);
    io.field(m.iterations);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_user_scram_credentials_result& m) {
    io.field(m.user);
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.credential_infos);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_user_scram_credentials_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.results);
    io.tags();
}

}  // namespace samsa::protocol
