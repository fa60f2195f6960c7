#pragma once
// log_config: the per-partition settings of a log, under Kafka's names (topic
// key, broker default in brackets). The broker fills it from its properties
// and topic configs; storage only reads it.

#include <chrono>
#include <cstdint>
#include <limits>

namespace samsa::storage {

// cleanup.policy: a set of two flags, as Kafka allows "compact,delete".
enum class cleanup_policy : uint8_t { delete_records = 1, compact = 2, compact_and_delete = 3 };

// message.timestamp.type: CreateTime keeps the producer's timestamps;
// LogAppendTime makes the broker stamp its clock into every batch it appends.
enum class timestamp_type : uint8_t { create_time, log_append_time };

struct log_config {
    static constexpr int64_t unlimited = std::numeric_limits<int64_t>::max();

    // segment.bytes [log.segment.bytes]: roll before a batch would make the
    // active segment larger than this. At most 2^31 - 1 (index positions are
    // 4-byte); a batch larger than segment_bytes gets a segment of its own.
    int64_t segment_bytes = int64_t{1} << 30;
    // segment.ms [log.roll.ms]: roll when the active segment's first append
    // is this old.
    std::chrono::milliseconds segment_ms = std::chrono::hours(24 * 7);
    // index.interval.bytes [log.index.interval.bytes]: one offset index entry
    // (and at most one time index entry) per this many bytes of log.
    int32_t index_interval_bytes = 4096;
    // segment.index.bytes [log.index.size.max.bytes]: roll when the offset
    // index of the active segment would exceed this (entries are 8 bytes).
    int32_t segment_index_bytes = 10 * 1024 * 1024;
    // flush.messages [log.flush.interval.messages]: fsync after this many
    // records since the last flush.
    int64_t flush_interval_messages = unlimited;
    // flush.ms [log.flush.interval.ms]: fsync when the last flush is this old
    // (checked at append and at partition_log::maybe_flush).
    std::chrono::milliseconds flush_interval_ms = std::chrono::milliseconds::max();
    // Not a Kafka key: fsync dirty data and advance the recovery point at
    // least this often, so that recovery after a crash scans at most this
    // much recent data. Checked at append and at maybe_flush.
    std::chrono::milliseconds recovery_point_interval = std::chrono::seconds(10);
    // message.timestamp.type [log.message.timestamp.type].
    timestamp_type message_timestamp_type = timestamp_type::create_time;

    // Retention (partition_log::apply_retention), when cleanup includes delete.
    // retention.ms [log.retention.ms]: whole segments whose largest timestamp
    // is older than this go; -1 = unlimited.
    std::chrono::milliseconds retention_ms = std::chrono::hours(24 * 7);
    // retention.bytes [log.retention.bytes]: the oldest segments go while the
    // log is larger than this; -1 = unlimited.
    int64_t retention_bytes = -1;
    // cleanup.policy [log.cleanup.policy].
    cleanup_policy cleanup = cleanup_policy::delete_records;

    // Compaction (log_cleaner.h), when cleanup includes compact.
    // min.cleanable.dirty.ratio [log.cleaner.min.cleanable.ratio]: clean when
    // dirty bytes / (clean + dirty bytes) reaches this.
    double min_cleanable_dirty_ratio = 0.5;
    // min.compaction.lag.ms [log.cleaner.min.compaction.lag.ms]: a segment
    // whose largest timestamp is younger than this is not cleaned yet.
    std::chrono::milliseconds min_compaction_lag_ms{0};
    // max.compaction.lag.ms [log.cleaner.max.compaction.lag.ms]: clean
    // regardless of the ratio once the first dirty segment is this old.
    std::chrono::milliseconds max_compaction_lag_ms = std::chrono::milliseconds::max();
    // delete.retention.ms [log.cleaner.delete.retention.ms]: how long a
    // tombstone stays after the clean that first saw it (its batch's delete
    // horizon, KIP-534).
    std::chrono::milliseconds delete_retention_ms = std::chrono::hours(24);

    bool deletes() const { return (static_cast<uint8_t>(cleanup) & 1) != 0; }
    bool compacts() const { return (static_cast<uint8_t>(cleanup) & 2) != 0; }
};

}  // namespace samsa::storage
