#pragma once
// base64 (RFC 4648, standard alphabet, padded), as Java's Base64.getEncoder():
// SCRAM salts and proofs on the wire and in scram credentials, and Kafka
// Streams' committed offset metadata. OpenSSL's EVP block codec does the
// work.

#include <optional>
#include <string>
#include <string_view>

#include "samsa/bytes/bytes.h"

namespace samsa {

std::string base64_encode(bytes_view data);
// nullopt for text that is not padded base64.
std::optional<bytes> base64_decode(std::string_view text);

}  // namespace samsa
