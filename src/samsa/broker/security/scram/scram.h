#pragma once
// SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka uses them:
// the stored credential (salt, iterations, StoredKey, ServerKey) and the
// server side of one exchange. Hashing, HMAC and PBKDF2 are OpenSSL's.
//
//   client-first  n,,n=alice,r=<client nonce>
//   server-first  r=<client nonce><server nonce>,s=<salt>,i=<iterations>
//   client-final  c=biws,r=<nonce>,p=<proof>
//   server-final  v=<server signature>
//
// Thread: any; a scram_exchange belongs to one connection.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "samsa/bytes/base64.h"
#include "samsa/bytes/bytes.h"

namespace samsa::broker::security {

enum class scram_mechanism { sha256, sha512 };

// "SCRAM-SHA-256" -> sha256; nullopt for anything else.
std::optional<scram_mechanism> parse_scram_mechanism(std::string_view name);
std::string_view scram_mechanism_name(scram_mechanism m);
// Kafka's ScramMechanism enum in the admin protocol: 1 = SHA-256, 2 = SHA-512.
int8_t scram_mechanism_type(scram_mechanism m);
std::optional<scram_mechanism> scram_mechanism_of_type(int8_t type);
// Kafka's lower bound on iterations (ScramMechanism.minIterations) and its upper one.
inline constexpr int32_t scram_min_iterations = 4096;
inline constexpr int32_t scram_max_iterations = 16384;

struct scram_credential {
    bytes salt;
    bytes stored_key;
    bytes server_key;
    int32_t iterations = 0;
    bool operator==(const scram_credential&) const = default;
};

// SaltedPassword = PBKDF2(password, salt, iterations).
bytes scram_salted_password(scram_mechanism m, std::string_view password, bytes_view salt, int32_t iterations);
// The credential from a salted password (what AlterUserScramCredentials carries).
scram_credential scram_credential_from_salted(scram_mechanism m, bytes_view salt, bytes_view salted_password,
                                              int32_t iterations);
scram_credential scram_make_credential(scram_mechanism m, std::string_view password, int32_t iterations);

// The server side of one SCRAM exchange.
class scram_exchange {
public:
    using lookup_fn = std::function<std::optional<scram_credential>(const std::string& user)>;
    scram_exchange(scram_mechanism m, lookup_fn lookup) : mechanism_(m), lookup_(std::move(lookup)) {}

    struct step {
        bool ok = false;
        bool done = false;
        std::string reply;
        std::string error;  // for the client, when !ok
    };
    step evaluate(std::string_view message);
    const std::string& user() const { return user_; }
    // Tests only: the server nonce part, to replay RFC 7677's example.
    void fix_server_nonce(std::string nonce) { fixed_server_nonce_ = std::move(nonce); }

private:
    step client_first(std::string_view message);
    step client_final(std::string_view message);

    scram_mechanism mechanism_;
    lookup_fn lookup_;
    int stage_ = 0;
    std::string user_;
    std::string client_first_bare_;
    std::string server_first_;
    std::string nonce_;
    std::string gs2_header_;
    scram_credential credential_;
    std::string fixed_server_nonce_;
};

}  // namespace samsa::broker::security
