#pragma once
// A listener as Kafka writes it: `NAME://host:port`, several separated by
// commas. Only PLAINTEXT is served (no TLS or SASL yet); an empty host means
// every interface, as in Kafka; port 0 asks the system for a free port (tests
// use it and read the real port from the startup log line).
//
// Thread: any; pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"

namespace samsa::broker {

struct listener {
    std::string name;      // PLAINTEXT
    std::string host;      // may be empty: all interfaces
    uint16_t port = 0;

    std::string to_string() const;
};

result<std::vector<listener>> parse_listeners(std::string_view text);

}  // namespace samsa::broker
