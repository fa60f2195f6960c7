#pragma once
// segmented_bytes_store: the inner bytes store of window and session stores
// (Kafka Streams' AbstractRocksDBSegmentedBytesStore with its KeyValueSegments,
// and the role of InMemoryWindowStore / InMemorySessionStore). Keys are the
// binary window or session keys of window_key_schema.h, which carry a time:
//
//   window store:  key | start | seqnum    segment time = window start
//   session store: key | end | start       segment time = session end
//
// Records live in segments of segment_interval_ms by that time (segment id =
// time / interval; Kafka's segment interval is max(retention / 2, 60 000 ms)).
// The store tracks its own stream time: the largest segment time put so far.
// Retention, as Kafka:
//  - a put whose segment is older than the segment of (stream time -
//    retention) is dropped ("Skipping record for expired segment"), and
//    segments older than that are deleted (RocksDB: their directories);
//  - reads never return a record whose segment time is <= stream time -
//    retention (time-first stores: < ), even when its segment still exists.
// Iteration (range, all, prefix_scan) goes segment by segment in time order
// and byte order within a segment, the order Kafka's RocksDB window store
// returns.
//
// Segments are key_value_bytes_store instances made by a factory:
// in-memory maps, or RocksDB databases at
//   <task_dir>/<store name>/rocksdb/<store name>.<segment id * interval>
// (Kafka keeps <task_dir>/<store name>/<store name>.<segment start>); a
// persistent store reopens the segments it finds there on init().
//
// Pending writes (persistent stores only): a put goes to a hash map of the
// latest value per key, written down to its RocksDB segment in one batch per
// segment at flush(), close(), before any iteration (range, all,
// prefix_scan, counts) and when the map holds max_pending_writes keys. Reads
// look in the map first, so every read sees every write, as before; only
// RocksDB is written later and less often (a window updated five times
// between flushes is written once). RocksDB keeps no write-ahead log here
// anyway: until a flush the changelog is the durable copy either way, and
// the task checkpoints only after flush(). Writes into a segment that is
// dropped before they are written down are discarded with it. Windowed
// aggregations read and rewrite one key per record: this turns a RocksDB
// get and put per record into hash map lookups.
//
// Threads: owned by one stream thread, never locked.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "samsa/streams/export.h"
#include "samsa/streams/state/key_value_bytes_store.h"

namespace samsa::streams {

// What a segmented store's keys are.
enum class segmented_key_kind : uint8_t { window, session };

// A segmented store's shape.
struct segmented_store_config {
    // How long records are kept, in ms.
    int64_t retention_ms = 0;
    // Each segment's span, in ms.
    int64_t segment_interval_ms = 60'000;
    // Window or session keys.
    segmented_key_kind key_kind = segmented_key_kind::window;
    // Segments in RocksDB (else in memory).
    bool persistent = false;
    // Kafka's time-ordered window store (TimeFirstWindowKeySchema), which
    // emit-on-window-close aggregations use with RocksDB: a record at exactly
    // stream time - retention is still live (getActualFrom without the + 1).
    bool time_first = false;
};

// Kafka's default: segments of half the retention, at least one minute.
inline int64_t default_segment_interval(int64_t retention_ms) { return std::max<int64_t>(retention_ms / 2, 60'000); }

// A window or session bytes store made of time segments (Kafka's segmented bytes stores); see the top of this file.
class SAMSA_STREAMS_API segmented_bytes_store final : public key_value_bytes_store {
public:
    // Makes one unopened segment store named segment_name.
    using segment_factory = std::function<std::unique_ptr<key_value_bytes_store>(const std::string& segment_name)>;

    // make_segment makes each segment's inner store.
    segmented_bytes_store(std::string name, segmented_store_config config, segment_factory make_segment);
    ~segmented_bytes_store() override;

    const std::string& name() const override { return name_; }
    bool persistent() const override { return config_.persistent; }
    [[nodiscard]] status init(const store_context& context) override;
    void flush() override;
    void close() override;
    bool is_open() const override { return open_; }

    std::optional<bytes> get(bytes_view key) override;
    void put(bytes_view key, std::optional<bytes_view> value) override;
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override;
    void put_all(std::span<const bytes_entry> entries) override;
    std::optional<bytes> remove(bytes_view key) override;
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override;
    std::unique_ptr<bytes_iterator> all() override;
    std::unique_ptr<bytes_iterator> all_in_live_segments() override;
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override;
    int64_t approximate_num_entries() override;

    // Its shape.
    const segmented_store_config& config() const { return config_; }
    // The largest segment time put (or restored) so far; -1 before any.
    int64_t observed_stream_time() const { return observed_stream_time_; }
    // The live segments' ids, ascending (tests).
    std::vector<int64_t> segment_ids() const;
    // The time a stored key is segmented by (window start or session end).
    int64_t segment_time(bytes_view key) const;
    // Writes not yet written down to their segment (tests).
    size_t pending_writes() const { return pending_.size(); }
    // How many keys the pending writes hold before they are written down.
    static constexpr size_t max_pending_writes = 8192;

private:
    int64_t segment_id(int64_t time) const { return time / config_.segment_interval_ms; }
    std::string segment_name(int64_t id) const;
    bool expired(int64_t time) const;
    // The segment for time, created if missing; nullptr when it is expired.
    key_value_bytes_store* live_segment_for(int64_t time);
    void drop_segments_before(int64_t min_live_segment);
    [[nodiscard]] status open_existing_segments();
    void check_open() const;
    template<class Scan>
    std::unique_ptr<bytes_iterator> collect(Scan scan, bool skip_expired = true);
    // Writes the pending writes down, one batch per segment.
    void write_down_pending();
    void drop_pending_before(int64_t min_live_segment);

    struct view_hash {
        using is_transparent = void;
        size_t operator()(bytes_view b) const {
            return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
        }
    };
    struct view_equal {
        using is_transparent = void;
        bool operator()(bytes_view a, bytes_view b) const { return std::ranges::equal(a, b); }
    };

    std::string name_;
    segmented_store_config config_;
    segment_factory make_segment_;
    store_context segment_context_;
    std::map<int64_t, std::unique_ptr<key_value_bytes_store>> segments_;
    int64_t observed_stream_time_ = -1;
    bool open_ = false;
    // Persistent stores: the latest value (nullopt: deleted) of each key put
    // since the last write-down.
    bool buffer_writes_ = false;
    std::unordered_map<bytes, std::optional<bytes>, view_hash, view_equal> pending_;
};

}  // namespace samsa::streams
