#pragma once
// AlterUserScramCredentials (api key 51): version 0, flexible (KIP-554).
// Upserts and deletes SCRAM credentials; the client salts the password
// itself, so the broker never sees it.

#include <optional>
#include <string>
#include <vector>

#include "samsa/bytes/bytes.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using alter_user_scram_credentials_api = api_range<api_key::alter_user_scram_credentials, 0, 0>;

struct scram_credential_deletion {
    std::string name;
    int8_t mechanism = 0;
    bool operator==(const scram_credential_deletion&) const = default;
};

struct scram_credential_upsertion {
    std::string name;
    int8_t mechanism = 0;
    int32_t iterations = 0;
    bytes salt;
    bytes salted_password;
    bool operator==(const scram_credential_upsertion&) const = default;
};

struct alter_user_scram_credentials_request {
    using api = alter_user_scram_credentials_api;
    std::vector<scram_credential_deletion> deletions;
    std::vector<scram_credential_upsertion> upsertions;
    bool operator==(const alter_user_scram_credentials_request&) const = default;
};

struct alter_user_scram_credentials_result {
    std::string user;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    bool operator==(const alter_user_scram_credentials_result&) const = default;
};

struct alter_user_scram_credentials_response {
    using api = alter_user_scram_credentials_api;
    int32_t throttle_time_ms = 0;
    std::vector<alter_user_scram_credentials_result> results;
    bool operator==(const alter_user_scram_credentials_response&) const = default;
};

template<class IO>
void serde(IO& io, scram_credential_deletion& m) {
    io.field(m.name);
    io.field(m.mechanism);
    io.tags();
}

template<class IO>
void serde(IO& io, scram_credential_upsertion& m) {
    io.field(m.name);
    io.field(m.mechanism);
    io.field(m.iterations);
    io.field(m.salt);
    io.field(m.salted_password);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_user_scram_credentials_request& m) {
    io.field(m.deletions);
    io.field(m.upsertions);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_user_scram_credentials_result& m) {
    io.field(m.user);
    io.field(m.error_code);
    io.field(m.error_message);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_user_scram_credentials_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.results);
    io.tags();
}

}  // namespace samsa::protocol
