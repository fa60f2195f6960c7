#pragma once
// topic_partition_metadata: what a task commits with each input partition's
// offset, in Kafka Streams 3.8's format (TopicPartitionMetadata), so a
// restarted task picks up where the committed one stood and Java and
// samsa instances of one application read each other's commits:
//
//   base64( version (1 byte, 2)
//         | partition time (int64, big-endian)
//         | processor metadata: nothing when empty, else
//             count (int32) then per entry: key length (int32), key (UTF-8),
//             value (int64) )
//
// The partition time restores the task's stream time (what suppress and
// stream-time punctuators go by); processor metadata carries values a
// processor must keep across restarts, keyed by store name — the last
// window close time an emit-on-window-close aggregate emitted up to
// (KIP-825), so windows already emitted are not emitted again.
//
// Version 1 (partition time only) is read too; anything unreadable reads
// as no metadata, with a warning, as Kafka does.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace samsa::streams::internal {

struct topic_partition_metadata {
    int64_t partition_time = -1;  // Kafka's RecordQueue.UNKNOWN
    std::map<std::string, int64_t> processor_metadata;

    bool operator==(const topic_partition_metadata&) const = default;

    std::string encode() const;
    static topic_partition_metadata decode(std::string_view text);
};

// A processor's values kept across restarts (Kafka's ProcessorMetadata):
// merged from every committed partition by taking the larger value.
void merge_processor_metadata(std::map<std::string, int64_t>& into, const std::map<std::string, int64_t>& from);

}  // namespace samsa::streams::internal
