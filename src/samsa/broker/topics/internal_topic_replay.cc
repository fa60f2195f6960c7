#include "samsa/broker/topics/internal_topic_replay.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "samsa/broker/topics/topic_manager.h"
#include "samsa/record/record_batch.h"

namespace samsa::broker {

namespace {

// Enough to read many batches per call, small enough to stay cheap at start-up.
constexpr size_t replay_read_bytes = 1 << 20;
// A coordinator's batches are small; a bigger one is damage, not data.
constexpr size_t max_uncompressed_batch = 64u << 20;

void replay_partition(storage::partition_log& log, std::string_view topic, int32_t partition,
                      const replay_visitor& visit, replay_counts& counts) {
    offset from = log.log_start_offset();
    while (from < log.log_end_offset()) {
        auto read = log.read(from, replay_read_bytes, /*min_one=*/true);
        if (!read) {
            spdlog::error("{}-{}: reading at offset {} failed: {}; the rest of this partition is not loaded", topic,
                          partition, from(), read.error().message);
            return;
        }
        record::batch_splitter batches(read->records);
        while (auto batch = batches.next()) {
            auto decoded = record::batch_records::decode(*batch, max_uncompressed_batch);
            if (!decoded) {
                spdlog::warn("{}-{}: skipping a batch that does not decode: {}", topic, partition,
                             decoded.error().message);
                ++counts.skipped;
                continue;
            }
            visit(replayed_batch{partition, *batch, *decoded}, counts);
        }
        if (read->next_offset <= from) return;  // no progress: never loop forever
        from = read->next_offset;
    }
}

}  // namespace

replay_counts replay_internal_topic(topic_manager& topics, std::string_view topic, const replay_visitor& visit) {
    auto began = std::chrono::steady_clock::now();
    replay_counts counts;
    const auto* meta = topics.find(topic);
    const int32_t partitions = meta ? meta->partition_count : 0;
    for (int32_t p = 0; p < partitions; ++p) {
        if (storage::partition_log* log = topics.log(topic, partition_id(p))) {
            replay_partition(*log, topic, p, visit, counts);
        }
    }
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - began);
    spdlog::info("loaded {} record(s) from {} ({} partition(s)), skipped {}, in {:.1f} ms", counts.loaded, topic,
                 partitions, counts.skipped, took.count() / 1000.0);
    return counts;
}

void load_replayed_records(std::string_view topic, const replayed_batch& batch, replay_counts& counts,
                           const std::function<status(bytes_view key, const std::optional<bytes_view>& value)>& load) {
    for (const auto& r : batch.decoded.records()) {
        status s = r.key ? load(*r.key, r.value) : status(make_error(errc::corrupt, "record without a key"));
        if (!s) {
            spdlog::warn("{}-{}: skipping the record at offset {}: {}", topic, batch.partition,
                         batch.decoded.offset_of(r)(), s.error().message);
            ++counts.skipped;
        } else {
            ++counts.loaded;
        }
    }
}

}  // namespace samsa::broker
