#pragma once
// The ceilings a broker's throughput is judged against, measured on this
// machine in the same run:
//  - loopback TCP: one in-process sender thread writing 1 MiB chunks through a
//    127.0.0.1 socket to a receiver thread that reads and discards them. A
//    broker cannot move records through loopback faster than this.
//  - loopback sendfile: the same receiver, but the sender sendfile(2)s a
//    page-cached file (4 MiB per call, as a Fetch answer's records go out)
//    instead of write()ing memory. This is what a zero-copy broker can reach
//    at best on this kernel: on loopback the receiver copies anyway, and the
//    splice path pays per 4 KiB page (page-cache lookup, pipe buffer, page
//    reference, one skb fragment each) where write() copies in large runs,
//    so this ceiling is well below the first one.
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
