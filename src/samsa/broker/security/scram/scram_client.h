#pragma once
// The client side of a SCRAM exchange (RFC 5802, RFC 7677), which samsa's CLI
// logs in with. Defined in scram.cc beside the server side, whose HMAC, hash
// and message parsing it shares; a header of its own so that the broker's
// files, which include scram.h, do not depend on it.
//
// Thread: any; one object per login.

#include <optional>
#include <string>
#include <string_view>

#include "samsa/broker/security/scram/scram.h"

namespace samsa::broker::security {

// The client side of one exchange (samsa's CLI logs in with it): the
// client-first message, the client-final one for the server's first, and
// the check of the server's signature (the server proves it knows the
// credential too).
class scram_client_exchange {
public:
    scram_client_exchange(scram_mechanism m, std::string user, std::string password);
    std::string client_first();
    // The client-final message, or an error text (a bad nonce or iterations).
    std::optional<std::string> client_final(std::string_view server_first, std::string& error);
    bool server_final_ok(std::string_view server_final) const;
    // Tests only: the client nonce, to replay RFC 7677's example.
    void fix_client_nonce(std::string nonce) { client_nonce_ = std::move(nonce); }

private:
    scram_mechanism mechanism_;
    std::string user_;
    std::string password_;
    std::string client_nonce_;
    std::string client_first_bare_;
    bytes server_signature_;
};

}  // namespace samsa::broker::security
