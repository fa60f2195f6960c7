#pragma once
// The ceilings a broker's throughput is judged against, measured on this
// machine in the same run:
//  - loopback TCP: one in-process sender thread writing 1 MiB chunks through a
//    127.0.0.1 socket to a receiver thread that reads and discards them. A
//    broker cannot move records through loopback faster than this.
//  - loopback sendfile: the same receiver, but the sender streams a
//    page-cached file with sendfile(2) (4 MiB per call) instead of write()ing
//    memory: a reference for zero-copy Fetch, not a bound. On this project's
//    VM the stream was well below the write() ceiling, and Fetch answers of
//    the clients' default size, paced by requests, went past it
//    (docs/fetch-path.md).
//  - sequential disk write: write() 1 MiB blocks into a file in the data dir's
//    folder, fdatasync at the end, and divide. The broker's log can't grow
//    faster than this on that disk.
//
// Thread: the caller's (the loopback test starts and joins its own receiver).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace samsa::bench {

struct bandwidth {
    double bytes_per_second = 0;
    std::string error;  // empty when measured
};

bandwidth loopback_tcp_bandwidth(std::chrono::milliseconds duration);
// `dir` holds the file sent (file_bytes, removed afterwards).
bandwidth loopback_sendfile_bandwidth(const std::filesystem::path& dir, uint64_t file_bytes,
                                      std::chrono::milliseconds duration);
bandwidth sequential_write_bandwidth(const std::filesystem::path& dir, uint64_t bytes);

// CPU seconds a process has used so far, over all its threads (from
// /proc/<pid>/task/*/schedstat, in ns; threads that ended are not counted, so
// the broker's, whose threads live as long as it does; /proc/<pid>/stat's
// clock ticks where schedstat is missing). This kernel does not
// account softirq time apart, so the loopback delivery a sender's thread does
// counts as the sender's. nullopt when unreadable.
std::optional<double> process_cpu_seconds(pid_t pid);
// The same for this process, including threads that ended (getrusage).
double own_cpu_seconds();

}  // namespace samsa::bench
