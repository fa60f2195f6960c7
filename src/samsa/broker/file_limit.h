#pragma once
// The open-file limit at start: raise the soft RLIMIT_NOFILE to the hard
// limit, as Kafka's packaging (LimitNOFILE) and most servers do, because a
// broker holds files per partition segment and a socket per connection, and
// the common soft default (1,024) runs out at a few hundred partitions.
// Both limits are logged so that a refusal later ("Too many open files")
// can be read against them.
//
// Thread: main(), before anything opens files.

#include <cstdint>

namespace samsa::broker {

struct file_limits {
    uint64_t soft_before = 0;
    uint64_t soft = 0;  // after the raise
    uint64_t hard = 0;
};

// Raises the soft limit as far as the hard limit (capped at fs.nr_open
// when the hard limit is unlimited) and logs one line. Never fails the start:
// a refusal is logged as a warning and the old limit kept.
file_limits raise_open_file_limit();

}  // namespace samsa::broker
