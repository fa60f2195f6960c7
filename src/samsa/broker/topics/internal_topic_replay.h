#pragma once
// Start-up replay of the broker's own compacted topics (__consumer_offsets,
// __transaction_state): each coordinator rebuilds its state by reading its
// topic from the log start to the end. The reading, the decoding and what to
// do with damage are the same for both; only what a record means differs.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/record/records.h"

namespace samsa::broker {

class topic_manager;

// What a replay counted, for its log line.
struct replay_counts {
    size_t loaded = 0;
    size_t skipped = 0;
};

// One batch met during a replay: its partition, its bytes as stored (control
// markers are read from these) and its decoded records.
struct replayed_batch {
    int32_t partition;
    bytes_view raw;
    const record::batch_records& decoded;
};

using replay_visitor = std::function<void(const replayed_batch&, replay_counts&)>;

// Hands every batch of every partition of `topic` to `visit`, in offset
// order. A batch that does not decode is logged and counted as skipped; a read
// error ends that partition's replay (logged). Logs the counts and the time taken.
replay_counts replay_internal_topic(topic_manager& topics, std::string_view topic, const replay_visitor& visit);

// Loads each record of `batch` with `load`; records without a key and records
// `load` refuses are logged and counted as skipped, the others as loaded.
void load_replayed_records(std::string_view topic, const replayed_batch& batch, replay_counts& counts,
                           const std::function<status(bytes_view key, const std::optional<bytes_view>& value)>& load);

}  // namespace samsa::broker
