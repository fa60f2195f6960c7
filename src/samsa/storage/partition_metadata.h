#pragma once
// partition.metadata: the topic id of a partition's log, in Kafka's format.
//
// Thread model: free functions, called at log creation and at start-up.
//
// (samsa::uuid; its text form is Kafka's Uuid.toString(), base64url, no padding.)
//
// Format (text, two lines, each ending in '\n'):
//
//   version: 0
//   topic_id: <Kafka's Uuid.toString(): 22 characters of base64url>
//
// Worked example:
//
//   version: 0
//   topic_id: AAECAwQFBgcICQoLDA0ODw

#include <filesystem>

#include "samsa/base/result.h"
#include "samsa/base/uuid.h"

namespace samsa::storage {

inline constexpr const char* partition_metadata_file_name = "partition.metadata";

std::string format_partition_metadata(const samsa::uuid& topic_id);
// corrupt when the text is not version 0 with a valid topic id.
result<samsa::uuid> parse_partition_metadata(std::string_view text);

// Writes `<dir>/partition.metadata` crash-safely.
status write_partition_metadata(const std::filesystem::path& dir, const samsa::uuid& topic_id);
// not_found when the file is absent, corrupt when unreadable as above.
result<samsa::uuid> read_partition_metadata(const std::filesystem::path& dir);

}  // namespace samsa::storage
