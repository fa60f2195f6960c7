#pragma once
// The ceilings a broker's throughput is judged against, measured on this
// machine in the same run:
//  - loopback TCP: one in-process sender thread writing 1 MiB chunks through a
//    127.0.0.1 socket to a receiver thread that reads and discards them. A
//    broker cannot move records through loopback faster than this.
//  - sequential disk write: write() 1 MiB blocks into a file in the data dir's
//    folder, fdatasync at the end, and divide. The broker's log can't grow
//    faster than this on that disk.
//
// Thread: the caller's (the loopback test starts and joins its own receiver).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace samsa::bench {

struct bandwidth {
    double bytes_per_second = 0;
    std::string error;  // empty when measured
};

bandwidth loopback_tcp_bandwidth(std::chrono::milliseconds duration);
bandwidth sequential_write_bandwidth(const std::filesystem::path& dir, uint64_t bytes);

}  // namespace samsa::bench
