#pragma once
// Stream-stream joins (Kafka Streams 3.8's KStreamJoinWindow,
// KStreamKStreamJoin with its left and right sides, and the TimeTracker the
// two sides share). The DSL wires, per join:
//
//   this stream  -> KSTREAM-WINDOWED (puts into this store)  -> JOINTHIS  (reads other store) --+
//   other stream -> KSTREAM-WINDOWED (puts into other store) -> JOINOTHER (reads this store)  --+-> KSTREAM-MERGE
//
// A record at time t joins the other side's records of its key with time in
// [t - before, t + after] (for the other side before and after swap); each
// result has the larger of the two timestamps. The join stores keep every
// record (duplicates too: each put gets the next sequence number in the
// window key, as Kafka's retainDuplicates) for before + after + grace, so a
// record later than that is dropped by the store (segment expiry) and never
// found again.
//
// Left/outer joins (the spurious-result fix): an unmatched record of an
// outer side is not joined with null at once but kept in the shared outer
// store, keyed
//   +----------------------+-------------------+-----------+
//   | timestamp: int64 BE  | left side: 1 / 0  | key bytes |
//   +----------------------+-------------------+-----------+
// with a list of values (Kafka's ListValueStore and ListSerializer:
// 0x01, int32 count, then int32 length + [left side 1/0 | value bytes] per
// value), and removed when a record of the other side matches it. When a
// record arrives that does not lower stream time, the entries whose window
// has closed (time + after (left side) or + before (right side) + grace <
// stream time) are joined with null and forwarded in store order (time,
// right before left, key), at most once per emit interval of wall-clock time
// (Kafka's __emit.interval.ms.kstreams.outer.join.spurious.results.fix__,
// 1000 ms). An unmatched record whose window has already ended (t + after <
// stream time) is joined with null at once. Null keys: an outer side joins a
// null-key record with null at once (KIP-962); otherwise null keys and null
// values are dropped and counted.
//
// Threads: the task's. The time tracker is shared by the two processors of
// one join in one task (both run on that task's thread); the registry that
// hands it out is locked because tasks are created on several threads.

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "samsa/bytes/big_endian.h"
#include "samsa/streams/processor/processor.h"
#include "samsa/streams/state/changelog_sink.h"
#include "samsa/streams/state/window_key_schema.h"
#include "samsa/streams/state/window_store.h"

namespace samsa::streams::internal {

// Kafka's KStreamImplJoin.TimeTracker: the largest timestamp either side has
// seen, and a lower bound of the outer store's oldest entry.
struct join_time_tracker {
    int64_t stream_time = -1;
    int64_t min_time = std::numeric_limits<int64_t>::max();
    int64_t emit_interval_ms = 1000;  // the task's outer_join_emit_interval_ms
    int64_t next_time_to_emit = 0;

    void advance_stream_time(int64_t ts) { stream_time = std::max(stream_time, ts); }
    void update_min_time(int64_t ts) { min_time = std::min(min_time, ts); }
};

// One tracker per task for the two sides of a join (Kafka's
// TimeTrackerSupplier). A shared_ptr: both processor factories hold the
// registry, and a processor keeps its tracker alive until it closes.
class join_time_trackers {
public:
    std::shared_ptr<join_time_tracker> get(const void* task) {
        std::lock_guard lock(mutex_);
        auto& t = trackers_[task];
        if (!t) t = std::make_shared<join_time_tracker>();
        return t;
    }
    void remove(const void* task) {
        std::lock_guard lock(mutex_);
        trackers_.erase(task);
    }

private:
    std::mutex mutex_;
    std::map<const void*, std::shared_ptr<join_time_tracker>> trackers_;
};

// The join's store settings, as the DSL resolved them.
struct join_store_names {
    std::string this_store;   // the store this side's WINDOWED processor fills
    std::string other_store;  // the store this side's join processor reads
    std::optional<std::string> outer_store;
};

template<class K, class V>
void log_join_skip(const processor_context<K, V>& ctx) {
    if (const auto& m = ctx.record_metadata()) {
        spdlog::warn("Skipping record due to null key or value. topic=[{}] partition=[{}] offset=[{}]", m->topic,
                     m->partition, m->offset);
    } else {
        spdlog::warn("Skipping record due to null key or value. Topic, partition, and offset not known.");
    }
    ctx.record_dropped();
}

// KSTREAM-WINDOWED: forwards every record, then keeps the ones with a key in
// its side's join store, each under a new sequence number.
template<class K, class V>
class kstream_join_window final : public processor_base<K, V, K, V> {
public:
    kstream_join_window(std::string store, serde<K> key_serde, serde<V> value_serde)
        : store_name_(std::move(store)), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)) {}

    void init(processor_context<K, V>& ctx) override {
        ctx_ = &ctx;
        store_ = &ctx.task().store(store_name_);
        topic_ = changelog_topic_name(ctx.task().application_id(), store_name_);
    }

    void process(record<K, V>&& r) override {
        // Kafka's store ignores a null value when it keeps duplicates.
        if (!r.key || !r.value) {
            ctx_->forward(std::move(r));
            return;
        }
        // Serialized before the record moves on; stored after it, as Kafka
        // forwards first.
        seqnum_ = (seqnum_ + 1) & 0x7FFFFFFF;
        bytes k = window_key_schema::to_store_key(key_serde_.serialize(topic_, *r.key), r.timestamp, seqnum_);
        bytes v = value_serde_.serialize(topic_, *r.value);
        ctx_->forward(std::move(r));
        store_->put(k, bytes_view(v));
    }

private:
    std::string store_name_;
    serde<K> key_serde_;
    serde<V> value_serde_;
    std::string topic_;
    processor_context<K, V>* ctx_ = nullptr;
    key_value_bytes_store* store_ = nullptr;
    int32_t seqnum_ = 0;
};

// The outer store's binary formats (Kafka's TimestampedKeyAndJoinSide and
// LeftOrRightValue serializers, the ListValueStore's list).
namespace outer_join_format {

inline bytes key(int64_t ts, bool left_side, bytes_view key_bytes) {
    bytes out(9 + key_bytes.size());
    put_be64(out.data(), static_cast<uint64_t>(ts));
    out[8] = left_side ? 1 : 0;
    std::copy(key_bytes.begin(), key_bytes.end(), out.begin() + 9);
    return out;
}
inline int64_t key_timestamp(bytes_view k) { return static_cast<int64_t>(get_be64(k.data())); }
inline bool key_left_side(bytes_view k) { return k[8] != 0; }
inline bytes_view key_bytes(bytes_view k) { return k.subspan(9); }

// A list holding the old list's values and one more.
inline bytes append(const std::optional<bytes>& list, bool left_side, bytes_view value) {
    bytes out;
    uint32_t count = 0;
    if (list && list->size() >= 5) {
        count = get_be32(list->data() + 1);
        out.assign(list->begin(), list->end());
    } else {
        out.assign(5, 0);
        out[0] = 1;  // ListSerializer's VARIABLE_SIZE strategy
    }
    put_be32(out.data() + 1, count + 1);
    size_t at = out.size();
    out.resize(at + 4 + 1 + value.size());
    put_be32(out.data() + at, static_cast<uint32_t>(1 + value.size()));
    out[at + 4] = left_side ? 1 : 0;
    std::copy(value.begin(), value.end(), out.begin() + at + 5);
    return out;
}

// The list's values as (left side, value bytes).
inline std::vector<std::pair<bool, bytes_view>> values(bytes_view list) {
    std::vector<std::pair<bool, bytes_view>> out;
    if (list.size() < 5) throw serde_error("outer join list value shorter than its header");
    uint32_t count = get_be32(list.data() + 1);
    size_t at = 5;
    for (uint32_t i = 0; i < count; ++i) {
        if (at + 4 > list.size()) throw serde_error("truncated outer join list value");
        uint32_t len = get_be32(list.data() + at);
        at += 4;
        if (len < 1 || at + len > list.size()) throw serde_error("truncated outer join list entry");
        out.emplace_back(list[at] != 0, list.subspan(at + 1, len - 1));
        at += len;
    }
    return out;
}

}  // namespace outer_join_format

// The functions and settings one side's join processor needs. VThis is the
// side's own value type; the joiner always takes this side's value first
// (the DSL swaps the user's arguments for the right side).
template<class K, class VThis, class VOther, class VOut>
struct kstream_kstream_join_spec {
    bool left_side = true;  // the join's left stream (JOINTHIS) or right (JOINOTHER)
    bool outer = false;     // unmatched records of this side are joined with null
    int64_t join_before_ms = 0;  // this side's view: other records at most this much earlier
    int64_t join_after_ms = 0;
    int64_t windows_before_ms = 0;  // the join_windows' own values
    int64_t windows_after_ms = 0;
    int64_t grace_ms = 0;
    int64_t window_size_ms = 0;
    join_store_names stores;
    serde<K> key_serde;
    serde<VThis> this_serde;
    serde<VOther> other_serde;
    // key: nullptr for a null-key record (left/outer joins).
    std::function<std::optional<VOut>(const K*, const VThis*, const VOther*)> joiner;
    std::shared_ptr<join_time_trackers> trackers;
};

template<class K, class VThis, class VOther, class VOut>
class kstream_kstream_join final : public processor_base<K, VThis, K, VOut> {
public:
    explicit kstream_kstream_join(kstream_kstream_join_spec<K, VThis, VOther, VOut> spec) : spec_(std::move(spec)) {}

    void init(processor_context<K, VOut>& ctx) override {
        ctx_ = &ctx;
        auto& task = ctx.task();
        other_.emplace(task.store(spec_.stores.other_store), spec_.key_serde, spec_.other_serde,
                       changelog_topic_name(task.application_id(), spec_.stores.other_store), spec_.window_size_ms);
        if (spec_.stores.outer_store) {
            outer_ = &task.store(*spec_.stores.outer_store);
            outer_topic_ = changelog_topic_name(task.application_id(), *spec_.stores.outer_store);
        }
        task_ = &task;
        tracker_ = spec_.trackers->get(task_);
        tracker_->emit_interval_ms = task.outer_join_emit_interval_ms();
    }

    void close() override {
        if (task_) spec_.trackers->remove(task_);
    }

    void process(record<K, VThis>&& r) override {
        const int64_t ts = r.timestamp;
        tracker_->advance_stream_time(ts);
        if (spec_.outer && !r.key && r.value) {
            forward_joined(r, &*r.value, nullptr, ts);
            return;
        }
        if (!r.key || !r.value) {
            log_join_skip(*ctx_);
            return;
        }
        if (outer_ && ts == tracker_->stream_time) emit_non_joined_outer_records(r);

        const int64_t time_from = std::max<int64_t>(0, ts - spec_.join_before_ms);
        const int64_t time_to = std::max<int64_t>(0, ts + spec_.join_after_ms);
        auto matches = other_->fetch(*r.key, time_from, time_to);
        for (const auto& m : matches) emit_inner_join(r, m.key, m.value);
        if (!spec_.outer || !matches.empty()) return;
        // A record whose window already ended cannot be matched later: no need
        // to hold it in the outer store.
        if (!outer_ || time_to < tracker_->stream_time) {
            forward_joined(r, &*r.value, nullptr, ts);
        } else {
            tracker_->update_min_time(ts);
            put_in_outer_store(r);
        }
    }

private:
    void forward_joined(const record<K, VThis>& r, const VThis* mine, const VOther* theirs, int64_t ts) {
        ctx_->forward(record<K, VOut>{r.key, spec_.joiner(r.key ? &*r.key : nullptr, mine, theirs), ts, r.headers});
    }

    void emit_inner_join(const record<K, VThis>& r, int64_t other_ts, const VOther& other_value) {
        if (outer_) {
            // The other record is matched now: it never joins with null. Read
            // first, as Kafka's putIfAbsent(key, null), so the changelog gets
            // a tombstone only for a key that was there.
            bytes k = outer_join_format::key(other_ts, !spec_.left_side, key_bytes(*r.key));
            if (outer_->get(k)) outer_->put(k, std::nullopt);
        }
        forward_joined(r, &*r.value, &other_value, std::max(r.timestamp, other_ts));
    }

    void put_in_outer_store(const record<K, VThis>& r) {
        bytes k = outer_join_format::key(r.timestamp, spec_.left_side, key_bytes(*r.key));
        bytes v = spec_.this_serde.serialize(outer_topic_, *r.value);
        outer_->put(k, bytes_view(outer_join_format::append(outer_->get(k), spec_.left_side, v)));
    }

    // Kafka checks `minTime + joinAfterMs + grace >= streamTime` with this
    // side's after (in Java's wrapping arithmetic: an unset minTime passes
    // unless after + grace is 0), then looks at the entries, each with its
    // own side's window (KAFKA-15417, in 3.8); minTime ends as the time of
    // the last entry looked at.
    void emit_non_joined_outer_records(const record<K, VThis>& r) {
        auto& t = *tracker_;
        if (java_add(t.min_time, spec_.join_after_ms + spec_.grace_ms) >= t.stream_time) return;
        const int64_t now = ctx_->current_system_time_ms();
        if (now < t.next_time_to_emit) return;
        t.next_time_to_emit = now + t.emit_interval_ms;
        t.min_time = std::numeric_limits<int64_t>::max();

        std::vector<std::pair<bytes, bytes>> entries;  // a snapshot, as Kafka's RocksDB iterator
        for (auto it = outer_->all(); it->has_next();) {
            auto kv = it->next();
            entries.emplace_back(std::move(kv.key), std::move(kv.value));
        }
        // Entries come by time: once an entry of a side is still open, so are
        // all later ones of that side; when both sides have one, stop.
        bool left_open = false;
        bool right_open = false;
        for (const auto& [k, list] : entries) {
            const int64_t ts = outer_join_format::key_timestamp(k);
            const bool left = outer_join_format::key_left_side(k);
            t.min_time = ts;
            if (left_open && right_open) break;
            const int64_t look_back = left ? spec_.windows_after_ms : spec_.windows_before_ms;
            if (ts + look_back + spec_.grace_ms >= t.stream_time) {
                (left ? left_open : right_open) = true;
                continue;
            }
            forward_unmatched(r, k, list, ts);
            outer_->put(k, std::nullopt);
        }
    }

    void forward_unmatched(const record<K, VThis>& r, bytes_view k, bytes_view list, int64_t ts) {
        K key = spec_.key_serde.deserialize(outer_topic_, outer_join_format::key_bytes(k));
        for (const auto& [value_left, value] : outer_join_format::values(list)) {
            std::optional<VOut> joined;
            if (value_left == spec_.left_side) {
                VThis v = spec_.this_serde.deserialize(outer_topic_, value);
                joined = spec_.joiner(&key, &v, nullptr);
            } else {
                VOther v = spec_.other_serde.deserialize(outer_topic_, value);
                joined = spec_.joiner(&key, nullptr, &v);
            }
            ctx_->forward(record<K, VOut>{key, std::move(joined), ts, r.headers});
        }
    }

    static int64_t java_add(int64_t a, int64_t b) {
        return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    }

    bytes key_bytes(const K& key) const { return spec_.key_serde.serialize(outer_topic_, key); }

    kstream_kstream_join_spec<K, VThis, VOther, VOut> spec_;
    processor_context<K, VOut>* ctx_ = nullptr;
    const void* task_ = nullptr;
    std::optional<window_store<K, VOther>> other_;
    key_value_bytes_store* outer_ = nullptr;
    std::string outer_topic_;
    std::shared_ptr<join_time_tracker> tracker_;
};

}  // namespace samsa::streams::internal
