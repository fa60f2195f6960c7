#include "samsa/broker/security/scram/scram.h"
#include "samsa/broker/security/scram/scram_client.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace samsa::broker::security {

namespace {

const EVP_MD* digest(scram_mechanism m) { return m == scram_mechanism::sha256 ? EVP_sha256() : EVP_sha512(); }

bytes hmac(scram_mechanism m, bytes_view key, bytes_view data) {
    bytes out(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    HMAC(digest(m), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
    out.resize(len);
    return out;
}

bytes hash(scram_mechanism m, bytes_view data) {
    bytes out(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, digest(m), nullptr);
    out.resize(len);
    return out;
}

bytes random_bytes(size_t n) {
    bytes out(n);
    RAND_bytes(out.data(), static_cast<int>(n));
    return out;
}

// Letters and digits only, as Kafka's own server nonces: some clients
// mishandle '+' and '/' in a nonce.
std::string printable_nonce() {
    static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string out;
    for (uint8_t b : random_bytes(24)) out += alphabet[b % 62];
    return out;
}

// The attributes of a SCRAM message: "a=1,b=2" -> value of `key`.
std::optional<std::string_view> attribute(std::string_view message, char key) {
    size_t at = 0;
    while (at <= message.size()) {
        size_t end = message.find(',', at);
        if (end == std::string_view::npos) end = message.size();
        std::string_view item = message.substr(at, end - at);
        if (item.size() >= 2 && item[0] == key && item[1] == '=') return item.substr(2);
        at = end + 1;
    }
    return std::nullopt;
}

// RFC 5802 saslname: "=2C" is ',' and "=3D" is '='.
std::optional<std::string> decode_saslname(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '=') {
            out += s[i];
            continue;
        }
        if (s.substr(i, 3) == "=2C") out += ',';
        else if (s.substr(i, 3) == "=3D") out += '=';
        else return std::nullopt;
        i += 2;
    }
    return out;
}

}  // namespace

std::optional<scram_mechanism> parse_scram_mechanism(std::string_view name) {
    if (name == "SCRAM-SHA-256") return scram_mechanism::sha256;
    if (name == "SCRAM-SHA-512") return scram_mechanism::sha512;
    return std::nullopt;
}

std::string_view scram_mechanism_name(scram_mechanism m) {
    return m == scram_mechanism::sha256 ? "SCRAM-SHA-256" : "SCRAM-SHA-512";
}

int8_t scram_mechanism_type(scram_mechanism m) { return m == scram_mechanism::sha256 ? 1 : 2; }

std::optional<scram_mechanism> scram_mechanism_of_type(int8_t type) {
    if (type == 1) return scram_mechanism::sha256;
    if (type == 2) return scram_mechanism::sha512;
    return std::nullopt;
}

bytes scram_salted_password(scram_mechanism m, std::string_view password, bytes_view salt, int32_t iterations) {
    bytes out(static_cast<size_t>(EVP_MD_get_size(digest(m))));
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                      iterations, digest(m), static_cast<int>(out.size()), out.data());
    return out;
}

scram_credential scram_credential_from_salted(scram_mechanism m, bytes_view salt, bytes_view salted_password,
                                              int32_t iterations) {
    scram_credential c;
    c.salt.assign(salt.begin(), salt.end());
    c.iterations = iterations;
    bytes client_key = hmac(m, salted_password, as_bytes("Client Key"));
    c.stored_key = hash(m, client_key);
    c.server_key = hmac(m, salted_password, as_bytes("Server Key"));
    return c;
}

scram_credential scram_make_credential(scram_mechanism m, std::string_view password, int32_t iterations) {
    bytes salt = random_bytes(32);
    return scram_credential_from_salted(m, salt, scram_salted_password(m, password, salt, iterations), iterations);
}

scram_exchange::step scram_exchange::evaluate(std::string_view message) {
    if (stage_ == 0) return client_first(message);
    if (stage_ == 1) return client_final(message);
    return {false, false, {}, "Authentication failed: unexpected SCRAM message"};
}

scram_exchange::step scram_exchange::client_first(std::string_view message) {
    stage_ = 1;
    const std::string invalid = "Authentication failed: Invalid SCRAM client first message";
    // gs2-header: "n," or "y," (no channel binding over Kafka), an optional
    // "a=authzid", then ','.
    if (message.size() < 3 || (message[0] != 'n' && message[0] != 'y') || message[1] != ',') {
        return {false, false, {}, invalid};
    }
    size_t second_comma = message.find(',', 2);
    if (second_comma == std::string_view::npos) return {false, false, {}, invalid};
    gs2_header_ = std::string(message.substr(0, second_comma + 1));
    client_first_bare_ = std::string(message.substr(second_comma + 1));
    auto name = attribute(client_first_bare_, 'n');
    auto client_nonce = attribute(client_first_bare_, 'r');
    if (!name || !client_nonce || client_nonce->empty()) return {false, false, {}, invalid};
    auto user = decode_saslname(*name);
    if (!user || user->empty()) return {false, false, {}, invalid};
    std::string_view authzid = message.substr(2, second_comma - 2);
    if (!authzid.empty() && (authzid.substr(0, 2) != "a=" || decode_saslname(authzid.substr(2)) != *user)) {
        return {false, false, {}, "Authentication failed: Client requested an authorization id that is different from username"};
    }
    user_ = *user;
    auto credential = lookup_(user_);
    if (!credential) return {false, false, {}, "Authentication failed: Invalid user credentials"};
    credential_ = std::move(*credential);
    nonce_ = std::string(*client_nonce) +
             (fixed_server_nonce_.empty() ? printable_nonce() : fixed_server_nonce_);
    server_first_ = "r=" + nonce_ + ",s=" + base64_encode(credential_.salt) + ",i=" + std::to_string(credential_.iterations);
    return {true, false, server_first_, {}};
}

scram_exchange::step scram_exchange::client_final(std::string_view message) {
    stage_ = 2;
    const std::string invalid = "Authentication failed: Invalid client final message";
    size_t proof_at = message.rfind(",p=");
    if (proof_at == std::string_view::npos) return {false, false, {}, invalid};
    std::string_view without_proof = message.substr(0, proof_at);
    auto channel = attribute(without_proof, 'c');
    auto nonce = attribute(without_proof, 'r');
    auto proof = base64_decode(message.substr(proof_at + 3));
    if (!channel || !nonce || !proof) return {false, false, {}, invalid};
    // Kafka checks only that the nonce ends with the server-first one, and
    // librdkafka relies on it: it sends its own nonce before the whole
    // server nonce (which already starts with it).
    if (!nonce->ends_with(nonce_)) return {false, false, {}, "Authentication failed: Invalid nonce"};
    if (base64_decode(*channel) != to_bytes(gs2_header_)) return {false, false, {}, invalid};
    const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
    const bytes client_signature = hmac(mechanism_, credential_.stored_key, as_bytes(auth_message));
    if (proof->size() != client_signature.size()) return {false, false, {}, "Authentication failed: Invalid client credentials"};
    bytes client_key(proof->size());
    for (size_t i = 0; i < client_key.size(); ++i) client_key[i] = (*proof)[i] ^ client_signature[i];
    const bytes stored = hash(mechanism_, client_key);
    if (stored.size() != credential_.stored_key.size() ||
        CRYPTO_memcmp(stored.data(), credential_.stored_key.data(), stored.size()) != 0) {
        return {false, false, {}, "Authentication failed: Invalid client credentials"};
    }
    const bytes server_signature = hmac(mechanism_, credential_.server_key, as_bytes(auth_message));
    return {true, true, "v=" + base64_encode(server_signature), {}};
}

namespace {

// RFC 5802 saslname: ',' is "=2C" and '=' is "=3D".
std::string encode_saslname(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == ',') out += "=2C";
        else if (c == '=') out += "=3D";
        else out += c;
    }
    return out;
}

}  // namespace

scram_client_exchange::scram_client_exchange(scram_mechanism m, std::string user, std::string password)
    : mechanism_(m), user_(std::move(user)), password_(std::move(password)) {}

std::string scram_client_exchange::client_first() {
    if (client_nonce_.empty()) client_nonce_ = printable_nonce();
    client_first_bare_ = "n=" + encode_saslname(user_) + ",r=" + client_nonce_;
    return "n,," + client_first_bare_;
}

std::optional<std::string> scram_client_exchange::client_final(std::string_view server_first, std::string& error) {
    auto nonce = attribute(server_first, 'r');
    auto salt = attribute(server_first, 's');
    auto iterations_text = attribute(server_first, 'i');
    if (!nonce || !salt || !iterations_text) {
        error = "invalid SCRAM server-first message";
        return std::nullopt;
    }
    if (!nonce->starts_with(client_nonce_) || nonce->size() == client_nonce_.size()) {
        error = "the server's SCRAM nonce does not extend the client's";
        return std::nullopt;
    }
    auto salt_bytes = base64_decode(*salt);
    int32_t iterations = 0;
    try {
        iterations = std::stoi(std::string(*iterations_text));
    } catch (...) {
    }
    // Kafka's server never asks for fewer (ScramMechanism.minIterations).
    if (!salt_bytes || iterations < scram_min_iterations) {
        error = "invalid SCRAM salt or iteration count";
        return std::nullopt;
    }
    const bytes salted = scram_salted_password(mechanism_, password_, *salt_bytes, iterations);
    const scram_credential credential = scram_credential_from_salted(mechanism_, *salt_bytes, salted, iterations);
    const std::string without_proof = "c=biws,r=" + std::string(*nonce);
    const std::string auth_message = client_first_bare_ + "," + std::string(server_first) + "," + without_proof;
    bytes proof = hmac(mechanism_, salted, as_bytes("Client Key"));  // ClientKey, XORed into the proof below
    const bytes client_signature = hmac(mechanism_, credential.stored_key, as_bytes(auth_message));
    for (size_t i = 0; i < proof.size(); ++i) proof[i] ^= client_signature[i];
    server_signature_ = hmac(mechanism_, credential.server_key, as_bytes(auth_message));
    return without_proof + ",p=" + base64_encode(proof);
}

bool scram_client_exchange::server_final_ok(std::string_view server_final) const {
    auto verifier = attribute(server_final, 'v');
    if (!verifier) return false;
    auto signature = base64_decode(*verifier);
    return signature && signature->size() == server_signature_.size() &&
           CRYPTO_memcmp(signature->data(), server_signature_.data(), signature->size()) == 0;
}

}  // namespace samsa::broker::security
