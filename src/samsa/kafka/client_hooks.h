#pragma once
// client_hooks: what a producer or consumer tells its owner besides records:
// librdkafka's log lines and its client-level errors (a broker down, all
// brokers down, a fatal idempotence error), and how long destroying the
// client may take. Kafka's Java clients log through slf4j and report these
// only inside exceptions; librdkafka has log_cb and error_cb, which these map.
//
// Threads: on_log runs on librdkafka's own threads (take a lock in it);
// on_error runs on the owner's thread, from poll(), flush() or close().

#include <chrono>
#include <functional>
#include <string_view>

#include "samsa/kafka/error.h"

namespace samsa::kafka {

struct client_hooks {
    // librdkafka's syslog level (0 emergency .. 7 debug), its facility, the line.
    std::function<void(int level, std::string_view facility, std::string_view line)> on_log;
    std::function<void(const client_error& error)> on_error;
    // 0: destroying the client waits for librdkafka's whole shutdown (what a
    // long-running application wants); above 0: at most that long
    // (handle_deleter says why a command-line tool wants that).
    std::chrono::milliseconds destroy_bound{0};
};

}  // namespace samsa::kafka
