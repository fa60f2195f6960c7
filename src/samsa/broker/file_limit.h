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

// The cap on segment files held open (storage/fd_cache.h): `configured`
// (samsa.log.max.open.files) when positive, else half the soft limit, so
// that sockets, index files being flushed and checkpoints keep the other half.
// At least 16. Sets the broker-wide cache and logs the choice.
void cap_open_segment_files(int64_t configured, const file_limits& limits);

}  // namespace samsa::broker
