#pragma once
// The first thing every command does before librdkafka takes over: a plain TCP
// connect to the bootstrap servers, so that "nothing listens there" is told in
// a few seconds instead of after the whole --timeout.
//
// librdkafka retries a refused connection until the request times out (15 s by
// default) and cannot tell a broker that is down from one that is slow. A
// refusal (ECONNREFUSED) is an answer, though: the host is up and nothing
// listens on the port. We keep trying while every address refuses, for at most
// refused_grace (`--connect-grace`, 3 s by default: a broker being started
// right now gets that long to open its port), then fail with a message that says so. Anything else (an address that
// accepts, a timeout, an unreachable network, a name that does not resolve)
// hands over to librdkafka, which waits the full --timeout and explains itself.
//
// Thread: the command's thread; blocking.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"

namespace samsa::cli::kafka {

struct host_port {
    std::string host;
    uint16_t port = 9092;
};

// "host:port[,host:port...]", each optionally "PROTOCOL://host:port" or
// "[v6addr]:port"; a missing port is Kafka's 9092. Errors name the bad entry.
result<std::vector<host_port>> parse_bootstrap_servers(std::string_view bootstrap);

// Ok when some address accepted a connection or did not plainly refuse it;
// errc::closed ("connection refused by ...") when every address refused for the
// whole grace (bounded by `timeout` too).
status wait_until_not_refused(std::string_view bootstrap, std::chrono::milliseconds timeout,
                              std::chrono::milliseconds refused_grace);

}  // namespace samsa::cli::kafka
