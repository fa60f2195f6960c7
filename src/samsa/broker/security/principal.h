#pragma once
// principal: who sent a request, as Kafka's authorizer sees it. Set by the
// connection once authentication is done (SASL user name, or the TLS client
// certificate's subject after ssl.principal.mapping.rules); every request on
// an unauthenticated connection is User:ANONYMOUS, as in Kafka.
//
// Thread: the I/O thread.

#include <string>

namespace samsa::broker::security {

struct principal {
    std::string type = "User";
    std::string name = "ANONYMOUS";

    // Kafka's text form, e.g. "User:alice": what ACLs and super.users name.
    std::string to_string() const { return type + ":" + name; }
    bool operator==(const principal&) const = default;
};

// What the authorizer needs about the request's sender besides the principal.
struct session {
    security::principal principal;
    std::string client_host;    // the peer's IP address, for ACL host matching
    std::string listener_name;  // e.g. "PLAINTEXT", "SASL_SSL"
};

}  // namespace samsa::broker::security
