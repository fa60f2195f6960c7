#pragma once
// producer_state_manager: the producer state of every partition
// (producer_state.h), kept in step with the partition logs.
//
// Loading is lazy: the first produce to a partition after start-up (before
// anything is appended to it), a transaction marker, a read_committed read
// or the cleaner's first look at it loads the newest snapshot at or below the log
// end offset and replays the batches from there to the log end through
// partition_log::read. After a clean shutdown that snapshot is at the log
// end, so nothing is replayed; after a SIGKILL or a power loss the tail
// written since the last snapshot is replayed. Snapshots above the log end
// (the log was truncated by recovery) and unreadable ones are deleted.
//
// Snapshots are taken at clean shutdown (snapshot_all) and every
// snapshot_interval for partitions that changed (maybe_snapshot); the two
// newest files are kept, as Kafka keeps a few around.
//
// Thread: the I/O thread.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/broker/producer/producer_state.h"
#include "samsa/base/uuid.h"
#include "samsa/storage/partition_log.h"

namespace samsa::broker::producer {

// Finds a partition's log if the topic still exists with this id; nullptr
// when it was deleted (or recreated: another id).
using log_lookup = std::function<storage::partition_log*(std::string_view topic, partition_id partition,
                                                         const samsa::uuid& topic_id)>;

// What loading a partition did (logged; checked by tests).
struct load_summary {
    std::optional<offset> snapshot;   // the snapshot used, if any
    int64_t batches_replayed = 0;
};

// Tells the log its first unstable offset (the LSO bound) after the state
// changed: a transaction opened or closed, or the state was loaded.
void publish_stable_offset(const partition_producer_state& state, storage::partition_log& log);

class producer_state_manager {
public:
    static constexpr std::chrono::milliseconds default_snapshot_interval{60'000};
    static constexpr size_t snapshots_to_keep = 2;

    // expiration_ms: producer.id.expiration.ms (Kafka's default: one day).
    explicit producer_state_manager(int64_t expiration_ms = 86'400'000,
                                    std::chrono::milliseconds snapshot_interval = default_snapshot_interval)
        : expiration_ms_(expiration_ms), snapshot_interval_(snapshot_interval) {}

    // The state of a partition, loaded on first use. `topic_id` tells a
    // recreated topic from the one whose state is cached.
    result<partition_producer_state*> state_for(std::string_view topic, partition_id partition,
                                                const samsa::uuid& topic_id, storage::partition_log& log);

    // When snapshot_interval has passed: expires idle producers (against the
    // wall clock `wall_now`), then snapshots every partition whose log or
    // state changed.
    void maybe_snapshot(std::chrono::steady_clock::time_point now, timestamp_ms wall_now, const log_lookup& lookup);
    // Snapshots every changed partition now (clean shutdown).
    void snapshot_all(const log_lookup& lookup);
    // Producer ids known in the partitions loaded so far (KIP-854's
    // ProducerIdCount, broker metrics).
    size_t producer_id_count() const {
        size_t n = 0;
        for (const auto& [k, e] : partitions_) n += e.state.producers().size();
        return n;
    }

    // Loads one partition's state from its dir and log (state_for's loading;
    // public for tests).
    static result<partition_producer_state> load(storage::partition_log& log, load_summary* summary = nullptr);
    // Writes `<log end offset>.snapshot` into the log's dir and removes all
    // but the newest snapshots_to_keep.
    static status write_snapshot(const partition_producer_state& state, const storage::partition_log& log);

private:
    struct key {
        std::string topic;
        int32_t partition;
        auto operator<=>(const key&) const = default;
    };
    struct entry {
        samsa::uuid topic_id;
        partition_producer_state state;
        // The log end offset of the newest snapshot matching `state`; a
        // snapshot is due when the log moved past it (so that a restart
        // replays little even for partitions without idempotent producers).
        offset snapshot_end{-1};
    };

    int64_t expiration_ms_;
    std::chrono::milliseconds snapshot_interval_;
    std::chrono::steady_clock::time_point last_snapshot_ = std::chrono::steady_clock::now();
    std::map<key, entry> partitions_;
};

}  // namespace samsa::broker::producer
