#pragma once
// listener_security: what one listener asks of its clients, built once at
// start-up from the broker config (Kafka's keys, with listener.name.<name>.*
// overrides): its TLS context (SSL, SASL_SSL), its SASL mechanisms and users
// (SASL_PLAINTEXT, SASL_SSL), and how a TLS client certificate becomes a
// principal. Every connection accepted on the listener shares it.
//
// Thread: built on the main thread, then read-only on the I/O thread (the
// SCRAM store it points to belongs to the I/O thread).

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "samsa/base/result.h"
#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/security/scram/scram_store.h"
#include "samsa/broker/security/tls/principal_mapping.h"
#include "samsa/broker/security/tls/tls_context.h"

namespace samsa::broker::security {

struct sasl_settings {
    std::set<std::string> mechanisms;                // sasl.enabled.mechanisms we serve
    std::map<std::string, std::string> plain_users;  // from the PLAIN JAAS config: user -> password
    scram_store* scram = nullptr;                    // the broker's SCRAM credentials
    std::chrono::milliseconds reauth{0};             // connections.max.reauth.ms; 0: never
};

struct listener_security {
    std::string name;               // the listener's name, e.g. SASL_SSL or CLIENT
    std::string protocol;           // its security protocol
    std::shared_ptr<tls_context> tls;          // SSL, SASL_SSL
    std::optional<sasl_settings> sasl;         // SASL_PLAINTEXT, SASL_SSL
    std::optional<principal_mapping> ssl_principal_mapping;  // SSL: the client certificate's name
    std::chrono::milliseconds failed_authentication_delay{100};  // connection.failed.authentication.delay.ms
};

// One per listener, in the listeners' order. `scram` must outlive them.
result<std::shared_ptr<const listener_security>> make_listener_security(const broker_config& config,
                                                                         const listener& l, scram_store* scram);

// The user_NAME="password" entries of a PlainLoginModule JAAS config.
result<std::map<std::string, std::string>> parse_plain_jaas_users(const std::string& jaas);

}  // namespace samsa::broker::security
