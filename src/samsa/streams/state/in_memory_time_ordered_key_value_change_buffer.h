#pragma once
// in_memory_time_ordered_key_value_change_buffer: the store behind
// ktable::suppress() (Kafka Streams' InMemoryTimeOrderedKeyValueChangeBuffer,
// 3.8). It holds at most one buffered change per key, ordered by buffer time
// (the record timestamp for until_time_limit, the window end for
// until_window_closes), then by key bytes:
//
//  - put(time, key, old, new, context): the first change buffered for a key
//    keeps its old value as the key's "prior value" (what the table was
//    before anything was held back); a later change to a buffered key
//    replaces old/new/context but keeps the prior value AND the buffer time,
//    so updates do not restart the wait (Kafka's "non-resetting" put).
//  - evict_while(predicate, callback): while the predicate holds, hands the
//    oldest entry to the callback, then drops it.
//  - prior_value_for_buffered(key): the value the suppressed table's
//    getter shows for a buffered key (the table as last emitted).
//
// Bytes only: the suppress processor serializes with the table's serdes.
//
// Changelog. With logging on, each key changed since the last commit is
// written once, at flush_cache() (every commit) or flush(), as Kafka writes
// it at commit: the buffered entry, or a tombstone when it was evicted.
// Records carry the header "v" = 0x03 and Kafka's version-3 value, so a
// Java application can restore a Samsa buffer and the other way round
// (all integers big-endian):
//
//   +-------------------------------------------------------------+
//   | record context: timestamp i64 | offset i64 |                |
//   |   topic length i32 | topic UTF-8 | partition i32 |           |
//   |   header count i32 | per header: key length i32, key,       |
//   |                      value length i32 (-1: null), value     |
//   | prior value: length i32 (-1: null), bytes                   |
//   | old value:   length i32 (-1: null, -2: same as prior), bytes|
//   | new value:   length i32 (-1: null), bytes                   |
//   | buffer time i64                                             |
//   +-------------------------------------------------------------+
//
//   e.g. key "k" first buffered at time 5 from topic "in" partition 0
//   offset 7, no headers, old null, new "a":
//   00..05 | 00..07 | 00000002 "in" | 00000000 | 00000000 |
//   FFFFFFFF | FFFFFFFF | 00000001 "a" | 00..05
//
// Restoration reads version 3 only (what Kafka 2.6 and later write; older
// formats are not read). Differences from Kafka: a changelog record's
// timestamp is the current record's (Kafka leaves it to the producer's
// clock); a context without topic (a punctuator's) is written with an empty
// topic and partition/offset -1 (Kafka cannot serialize it at all).
//
// As a key_value_bytes_store (so the task opens, flushes, restores and
// closes it like any store) its keys are the serialized table keys and its
// values the changelog values above; it cannot be iterated.
//
// Threads: owned by one stream thread, never locked.

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "samsa/streams/export.h"
#include "samsa/streams/record.h"
#include "samsa/streams/state/changelog_sink.h"
#include "samsa/streams/state/key_value_bytes_store.h"
#include "samsa/streams/state/stores.h"

namespace samsa::streams {

// The record context kept with a buffered change (Kafka's
// ProcessorRecordContext): the emitted record gets its timestamp and
// headers, and downstream sees its topic/partition/offset.
struct buffered_record_context {
    // The record's timestamp.
    int64_t timestamp = 0;
    // Its offset; -1 in punctuators.
    int64_t offset = -1;
    std::optional<std::string> topic;  // absent in punctuators
    // Its partition; -1 in punctuators.
    int32_t partition = -1;
    // Its headers.
    record_headers headers;
    // Field by field.
    bool operator==(const buffered_record_context&) const = default;
};

// The suppression buffer (Kafka's InMemoryTimeOrderedKeyValueChangeBuffer); see the top of this file.
class SAMSA_STREAMS_API in_memory_time_ordered_key_value_change_buffer final : public key_value_bytes_store {
public:
    // The changelog header Kafka's buffer writes ("v" = 3).
    static constexpr const char* version_header = "v";
    // Its value.
    static constexpr uint8_t version_3 = 3;

    // One entry handed out by evict_while(), valid during the callback.
    struct eviction {
        // The entry's key.
        bytes_view key;
        // The latest value; nullopt: deleted.
        std::optional<bytes_view> new_value;
        // The value before the first buffered change.
        std::optional<bytes_view> old_value;
        // The context of the latest change.
        const buffered_record_context& context;
    };

    // logging_enabled: whether flush() writes the changelog.
    in_memory_time_ordered_key_value_change_buffer(std::string name, bool logging_enabled);

    // The buffer of a task's store stack (under the layers store_builder
    // adds); throws std::logic_error when the store is not one.
    static in_memory_time_ordered_key_value_change_buffer& of(key_value_bytes_store& stack);

    const std::string& name() const override { return name_; }
    bool persistent() const override { return false; }
    [[nodiscard]] status init(const store_context& context) override;
    // Both write the changed keys to the changelog.
    void flush() override { log_dirty_keys(); }
    void flush_cache() override { log_dirty_keys(); }
    void close() override;
    bool is_open() const override { return open_; }

    // Buffers a change of key at buffer_time (its record's time), replacing a buffered one.
    void put(int64_t buffer_time, bytes_view key, std::optional<bytes_view> old_value,
             std::optional<bytes_view> new_value, buffered_record_context context);
    // Hands out entries, oldest buffer time first, while predicate() holds, removing each.
    void evict_while(const std::function<bool()>& predicate, const std::function<void(const eviction&)>& callback);
    // Outer nullopt: the key is not buffered. Inner nullopt: it is, and the
    // table had no row for it before the first buffered change.
    std::optional<std::optional<bytes_view>> prior_value_for_buffered(bytes_view key) const;

    // How many keys are buffered.
    int64_t num_records() const { return static_cast<int64_t>(index_.size()); }
    // Kafka's estimate: per entry 8 + key + values (prior and old counted
    // once when equal) + the context's resident size.
    int64_t buffer_size() const { return memory_size_; }
    // Smallest buffer time; INT64_MAX when empty.
    int64_t min_timestamp() const {
        return sorted_.empty() ? std::numeric_limits<int64_t>::max() : sorted_.begin()->first.time;
    }

    // key_value_bytes_store, over the changelog view (see above).
    std::optional<bytes> get(bytes_view key) override;
    void put(bytes_view key, std::optional<bytes_view> value) override;
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override;
    void put_all(std::span<const bytes_entry> entries) override;
    std::optional<bytes> remove(bytes_view key) override;
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override;
    std::unique_ptr<bytes_iterator> all() override;
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override;
    int64_t approximate_num_entries() override { return num_records(); }
    // A changelog record: a version-3 value or a tombstone. Throws
    // state_store_error for a value it cannot read.
    void restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) override;

    // The changelog value of one entry (public for tests and tools).
    struct buffer_value {
        // The value before the first buffered change.
        std::optional<bytes> prior_value;
        // The value before the latest change.
        std::optional<bytes> old_value;
        // The latest value.
        std::optional<bytes> new_value;
        // The latest change's context.
        buffered_record_context context;
        // Field by field.
        bool operator==(const buffer_value&) const = default;
    };
    // The version-3 changelog value of v.
    static bytes serialize(const buffer_value& v, int64_t buffer_time);
    // Throws state_store_error when data is not a version-3 value.
    static std::pair<buffer_value, int64_t> deserialize(bytes_view data);

private:
    struct buffer_key {
        int64_t time;
        bytes key;
    };
    struct buffer_key_less {
        bool operator()(const buffer_key& a, const buffer_key& b) const {
            if (a.time != b.time) return a.time < b.time;
            return bytes_less{}(a.key, b.key);
        }
    };
    using sorted_map = std::map<buffer_key, buffer_value, buffer_key_less>;

    void clean_put(int64_t time, bytes_view key, buffer_value value);
    void erase(sorted_map::iterator it);
    void mark_dirty(bytes_view key);
    void log_dirty_keys();
    void check_open() const;
    static int64_t record_size(bytes_view key, const buffer_value& v);

    std::string name_;
    bool logging_enabled_;
    bool open_ = false;
    sorted_map sorted_;
    // key -> its entry; the views point into sorted_'s nodes, which
    // std::map never moves.
    std::map<bytes_view, sorted_map::iterator, bytes_less> index_;
    std::set<bytes, bytes_less> dirty_;
    int64_t memory_size_ = 0;
    changelog_sink* sink_ = nullptr;
    std::string changelog_topic_;
    int32_t partition_ = 0;
    record_context_holder* records_ = nullptr;
};

namespace stores {

// The suppression buffer's builder (Kafka's
// InMemoryTimeOrderedKeyValueChangeBuffer.Builder): never cached; when
// logging is on the buffer writes its changelog itself, so the runtime still
// creates and restores <application.id>-<name>-changelog.
SAMSA_STREAMS_API store_builder time_ordered_change_buffer_builder(std::string name, bool logging_enabled,
                                                                   std::map<std::string, std::string> log_config);

}  // namespace stores

}  // namespace samsa::streams
