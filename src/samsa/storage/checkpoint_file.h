#pragma once
// checkpoint_file: Kafka's offset checkpoint files
// (recovery-point-offset-checkpoint, log-start-offset-checkpoint).
//
// Thread model: free functions; log_manager serialises the writers.
//
// Format (text, '\n' line ends):
//
//   <version, 0>
//   <number of entries>
//   <topic> <partition> <offset>     one line per entry
//
// Worked example (two partitions of "orders"):
//
//   0
//   2
//   orders 0 1542
//   orders 1 1377
//
// Written crash-safely (temporary file, fsync, rename, fsync of the dir).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"

namespace samsa::storage {

inline constexpr const char* recovery_point_checkpoint_file = "recovery-point-offset-checkpoint";
inline constexpr const char* log_start_offset_checkpoint_file = "log-start-offset-checkpoint";
inline constexpr const char* cleaner_offset_checkpoint_file = "cleaner-offset-checkpoint";

struct checkpoint_entry {
    std::string topic;
    partition_id partition;
    offset off;
    bool operator==(const checkpoint_entry&) const = default;
};

std::string format_checkpoint(const std::vector<checkpoint_entry>& entries);
// corrupt on a wrong version, a count that does not match, or a bad line.
result<std::vector<checkpoint_entry>> parse_checkpoint(std::string_view text);

status write_checkpoint(const std::filesystem::path& path, const std::vector<checkpoint_entry>& entries);
// An absent file reads as no entries.
result<std::vector<checkpoint_entry>> read_checkpoint(const std::filesystem::path& path);

}  // namespace samsa::storage
