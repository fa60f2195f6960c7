#pragma once
// A listener as Kafka writes it: `NAME://host:port`, several separated by
// commas. The name maps to a security protocol (PLAINTEXT, SSL,
// SASL_PLAINTEXT, SASL_SSL) through listener.security.protocol.map, whose
// default maps each of those names to itself; an empty host means
// every interface, as in Kafka; port 0 asks the system for a free port (tests
// use it and read the real port from the startup log line).
//
// Thread: any; pure functions.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"

namespace samsa::broker {

struct listener {
    std::string name;      // PLAINTEXT, SSL, CLIENT, ...
    std::string security_protocol;  // PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (after the map)
    std::string host;      // may be empty: all interfaces
    uint16_t port = 0;

    std::string to_string() const;
};

result<std::vector<listener>> parse_listeners(std::string_view text);

// listener.security.protocol.map: "NAME:PROTOCOL,..." -> name -> protocol.
result<std::map<std::string, std::string>> parse_security_protocol_map(std::string_view text);
inline constexpr std::string_view default_security_protocol_map =
    "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL";
// Fills each listener's security_protocol from the map; fails on a name the map lacks.
status assign_security_protocols(std::vector<listener>& listeners, const std::map<std::string, std::string>& map);
bool uses_tls(const listener& l);
bool uses_sasl(const listener& l);

}  // namespace samsa::broker
