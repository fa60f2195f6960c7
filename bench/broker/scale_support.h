#pragma once
// scale_support: what every measure of samsa-bench-broker-scale needs: its
// own broker (a child process with a temp data dir), the time from spawn to
// the first Metadata answer, the broker's RSS and open descriptors, request
// latencies on one raw connection, and the raised descriptor limit of the
// benchmark itself.
//
// Thread: the caller's; nothing shared.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samsa/bytes/bytes.h"
#include "tests/support/broker_process.h"
#include "tests/support/raw_client.h"

namespace samsa::bench::scale {

using clock = std::chrono::steady_clock;
namespace ts = samsa::test_support;

struct broker_settings {
    std::filesystem::path binary;       // empty: samsa-broker beside this program
    std::filesystem::path data_parent;  // where each broker's temp data dir goes
    std::vector<std::pair<std::string, std::string>> overrides;
};

double ms_since(clock::time_point t);

// A broker of its own, not started yet; start and stop waits are long (a
// broker with 10,000 partitions or a 10 GiB log is what is measured).
std::unique_ptr<ts::broker_process> make_broker(const broker_settings& s);

// Starts (or restarts) `broker` and returns the ms from spawn to its first
// Metadata v0 answer; nullopt with a message on stderr when it did not come
// within `limit`.
std::optional<double> start_timed(ts::broker_process& broker, std::chrono::milliseconds limit);

// A running broker stopped cleanly (SIGTERM, timed) and started again, then
// killed with SIGKILL and started again: the ms from each spawn to its first
// Metadata answer; `error` says which restart did not come. A clean stop
// that outlasts the limit is ended with SIGKILL: its start is then a
// recovery, and start_ms is left out.
struct restart_times {
    std::optional<double> stop_ms;  // SIGTERM to exit; nullopt when it took over the stop limit (then SIGKILL)
    std::optional<double> start_ms;
    std::optional<double> recovery_ms;
    std::string error;
};
restart_times time_restarts(ts::broker_process& broker);

// Starts `broker` (timed, as start_timed, into *start_ms when given) and
// creates `topic` with one partition: "" when both worked, else what failed.
std::string start_with_topic(ts::broker_process& broker, const std::string& topic,
                             std::optional<double>* start_ms = nullptr);

// VmRSS in KiB (0 when unreadable) and the number of open descriptors
// (/proc/PID/fd entries; -1 when unreadable) of a process.
long rss_kib(pid_t pid);
long open_fds(pid_t pid);
// RSS after a short settle, so that freed request buffers are not counted.
long settled_rss_kib(pid_t pid);

struct latency {
    int count = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    std::string error;  // empty when every request was answered
};

// Sends `frame` (a whole request frame) `n` times on `c`, one at a time,
// and times each until its whole answer is read; stops early after
// `limit` (so a slow broker costs time, not a hang).
latency time_round_trips(ts::raw_client& c, bytes_view frame, int n, std::chrono::milliseconds limit);
// The count, p50 and p99 of round trips timed elsewhere (ms).
latency latency_of(std::vector<double> ms);

// Metadata v12 request frames: all topics, one, or these (auto-creating
// them when allowed).
constexpr int16_t metadata_frame_version = 12;
bytes metadata_all_frame();
bytes metadata_one_frame(const std::string& topic);
bytes metadata_names_frame(const std::vector<std::string>& topics, bool allow_auto_create);

// Raises this process's soft RLIMIT_NOFILE to the hard limit; the soft limit
// after the attempt.
uint64_t raise_fd_limit();

}  // namespace samsa::bench::scale
