#pragma once
// Typed views of window and session stores, as processors use them (Kafka
// Streams' WindowStore<K, V>, TimestampedWindowStore<K, V> and
// SessionStore<K, AGG> as the metered layer presents them). They serialize
// with serde<K> / serde<V>, build Kafka's binary keys (window_key_schema.h)
// and call a bytes stack they do not own, built by
// stores::timestamped_window_store_builder / session_store_builder over a
// segmented_bytes_store; the task owns the stack. Facades are cheap to copy.
//
//   timestamped_window_store<std::string, int64_t> w(stack, serdes::string(), serdes::int64(), topic, 60'000);
//   w.put("alice", value_and_timestamp<int64_t>{3, 17}, /*window start*/ 0);
//   w.fetch("alice", 0);                     -> {3, 17}
//   w.fetch("alice", 0, 120'000)             -> (window start, value) pairs, by start
//   w.fetch_all(0, 120'000)                  -> (windowed key, value) pairs
//
// Time ranges are inclusive at both ends and select by window start (session
// stores: see find_sessions). Multi-key results come in the store's order:
// segment by segment, and by serialized key then time within a segment, as
// Kafka's RocksDB stores return them, for in-memory stores too (Kafka's
// in-memory window store orders them by time, then key). One key's windows
// are in time order either way, which is all the DSL's operators read,
// besides fetch_all_time_ordered.
//
// Threads: the stream thread owning the store, never locked.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samsa/streams/serdes/core.h"
#include "samsa/streams/state/key_value_bytes_store.h"
#include "samsa/streams/state/value_and_timestamp.h"
#include "samsa/streams/state/window_key_schema.h"
#include "samsa/streams/windowed.h"

namespace samsa::streams {

// Kafka's WindowStore<K, V>: the typed facade over a window bytes store, records keyed by (key, window start); see the
// top of this file.
template<class K, class V>
class window_store {
public:
    // topic: the name serdes are called with (the changelog topic's name, as
    // Kafka). window_size_ms: the windows' size, to rebuild windowed keys.
    window_store(key_value_bytes_store& store, serde<K> key_serde, serde<V> value_serde, std::string topic,
                 int64_t window_size_ms)
        : store_(&store), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)),
          topic_(std::move(topic)), window_size_ms_(window_size_ms) {}

    // The store's name.
    const std::string& name() const { return store_->name(); }
    // The bytes stack behind this facade.
    key_value_bytes_store& bytes_store() { return *store_; }
    // The topic the serdes are called with.
    const std::string& topic() const { return topic_; }
    // The windows' size, in ms.
    int64_t window_size_ms() const { return window_size_ms_; }

    // nullopt deletes the window's value.
    void put(const K& key, const std::optional<V>& value, int64_t window_start) {
        bytes k = window_key_schema::to_store_key(key_serde_.serialize(topic_, key), window_start, 0);
        if (!value) {
            store_->put(k, std::nullopt);
            return;
        }
        bytes v = value_serde_.serialize(topic_, *value);
        store_->put(k, bytes_view(v));
    }

    // The value of key's window starting at window_start; nullopt when absent.
    std::optional<V> fetch(const K& key, int64_t window_start) {
        auto stored = store_->get(window_key_schema::to_store_key(key_serde_.serialize(topic_, key), window_start, 0));
        if (!stored) return std::nullopt;
        return value_serde_.deserialize(topic_, *stored);
    }

    // The key's windows with start in [time_from, time_to], by start.
    std::vector<key_value<int64_t, V>> fetch(const K& key, int64_t time_from, int64_t time_to) {
        std::vector<key_value<int64_t, V>> out;
        if (time_from > time_to) return out;
        bytes k = key_serde_.serialize(topic_, key);
        auto it = store_->range(window_key_schema::to_store_key(k, std::max<int64_t>(time_from, 0), 0),
                                window_key_schema::to_store_key(k, time_to, -1));
        while (it->has_next()) {
            auto kv = it->next();
            if (!std::ranges::equal(window_key_schema::store_key_bytes(kv.key), k)) continue;
            int64_t start = window_key_schema::store_key_timestamp(kv.key);
            if (start < time_from || start > time_to) continue;
            out.push_back({start, value_serde_.deserialize(topic_, kv.value)});
        }
        return out;
    }

    // Windows of keys in [key_from, key_to] (serialized order) with start in
    // [time_from, time_to].
    std::vector<key_value<windowed<K>, V>> fetch(const K& key_from, const K& key_to, int64_t time_from,
                                                 int64_t time_to) {
        bytes from = key_serde_.serialize(topic_, key_from);
        bytes to = key_serde_.serialize(topic_, key_to);
        std::vector<key_value<windowed<K>, V>> out;
        if (time_from > time_to || bytes_less{}(to, from)) return out;
        auto it = store_->range(window_key_schema::to_store_key(from, std::max<int64_t>(time_from, 0), 0),
                                window_key_schema::to_store_key(to, time_to, -1));
        collect(*it, out, [&](bytes_view k, int64_t start) {
            return !bytes_less{}(k, from) && !bytes_less{}(to, k) && start >= time_from && start <= time_to;
        });
        return out;
    }

    // Every window with start in [time_from, time_to].
    std::vector<key_value<windowed<K>, V>> fetch_all(int64_t time_from, int64_t time_to) {
        std::vector<key_value<windowed<K>, V>> out;
        if (time_from > time_to) return out;
        auto it = store_->all();
        collect(*it, out, [&](bytes_view, int64_t start) { return start >= time_from && start <= time_to; });
        return out;
    }

    // fetch_all in the order of Kafka's time-ordered window store (window
    // start, then serialized key), which Kafka uses for emit-on-window-close.
    std::vector<key_value<windowed<K>, V>> fetch_all_time_ordered(int64_t time_from, int64_t time_to) {
        std::vector<std::pair<bytes, key_value<windowed<K>, V>>> keyed;
        if (time_from <= time_to) {
            auto it = store_->all();
            while (it->has_next()) {
                auto kv = it->next();
                int64_t start = window_key_schema::store_key_timestamp(kv.key);
                if (start < time_from || start > time_to) continue;
                keyed.emplace_back(kv.key, decode(kv.key, kv.value));
            }
        }
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
            int64_t sa = a.second.key.window().start(), sb = b.second.key.window().start();
            if (sa != sb) return sa < sb;
            return bytes_less{}(window_key_schema::store_key_bytes(a.first), window_key_schema::store_key_bytes(b.first));
        });
        std::vector<key_value<windowed<K>, V>> out;
        out.reserve(keyed.size());
        for (auto& [k, kv] : keyed) out.push_back(std::move(kv));
        return out;
    }

    // Every window of every key.
    std::vector<key_value<windowed<K>, V>> all() {
        std::vector<key_value<windowed<K>, V>> out;
        auto it = store_->all();
        collect(*it, out, [](bytes_view, int64_t) { return true; });
        return out;
    }

    // A binary window store key and a stored value, decoded (a record
    // cache's flush listener gets them so).
    windowed<K> windowed_key_of(bytes_view store_key) const {
        int64_t start = window_key_schema::store_key_timestamp(store_key);
        K key = key_serde_.deserialize(topic_, window_key_schema::store_key_bytes(store_key));
        return windowed<K>(std::move(key),
                           window::time(start, window_key_schema::window_end_for_size(start, window_size_ms_)));
    }
    // Decodes a stored value.
    V value_of(bytes_view value) const { return value_serde_.deserialize(topic_, value); }

private:
    key_value<windowed<K>, V> decode(bytes_view store_key, bytes_view value) const {
        return {windowed_key_of(store_key), value_of(value)};
    }

    template<class Keep>
    void collect(bytes_iterator& it, std::vector<key_value<windowed<K>, V>>& out, Keep keep) const {
        while (it.has_next()) {
            auto kv = it.next();
            if (!keep(window_key_schema::store_key_bytes(kv.key), window_key_schema::store_key_timestamp(kv.key))) continue;
            out.push_back(decode(kv.key, kv.value));
        }
    }

    key_value_bytes_store* store_;
    serde<K> key_serde_;
    serde<V> value_serde_;
    std::string topic_;
    int64_t window_size_ms_;
};

// What windowed aggregations keep: the aggregate and the timestamp of the
// record that last updated it (stored as 8-byte timestamp + value bytes).
// Kafka's TimestampedWindowStore<K, V>: a window store whose values carry their timestamps.
template<class K, class V>
class timestamped_window_store : public window_store<K, value_and_timestamp<V>> {
public:
    // The window store it is.
    using base = window_store<K, value_and_timestamp<V>>;
    // As window_store's constructor.
    timestamped_window_store(key_value_bytes_store& store, serde<K> key_serde, serde<V> value_serde, std::string topic,
                             int64_t window_size_ms)
        : base(store, std::move(key_serde), value_and_timestamp_serde(std::move(value_serde)), std::move(topic),
               window_size_ms) {}
};

// Sessions of a key: windowed<K> with session windows [start, end].
// Kafka's SessionStore<K, V>: the typed facade over a session bytes store, records keyed by (key, session start and
// end).
template<class K, class V>
class session_store {
public:
    // topic: the name serdes are called with (the changelog topic's).
    session_store(key_value_bytes_store& store, serde<K> key_serde, serde<V> value_serde, std::string topic)
        : store_(&store), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)),
          topic_(std::move(topic)) {}

    // The store's name.
    const std::string& name() const { return store_->name(); }
    // The bytes stack behind this facade.
    key_value_bytes_store& bytes_store() { return *store_; }
    // The topic the serdes are called with.
    const std::string& topic() const { return topic_; }

    // Writes a session's aggregate; nullopt removes the session.
    void put(const windowed<K>& session, const std::optional<V>& value) {
        bytes k = binary(session);
        if (!value) {
            store_->put(k, std::nullopt);
            return;
        }
        bytes v = value_serde_.serialize(topic_, *value);
        store_->put(k, bytes_view(v));
    }
    // Removes a session.
    void remove(const windowed<K>& session) { store_->put(binary(session), std::nullopt); }

    // The aggregate of key's session [start, end]; nullopt when absent.
    std::optional<V> fetch_session(const K& key, int64_t start, int64_t end) {
        auto stored = store_->get(session_key_schema::to_binary(key_serde_.serialize(topic_, key), start, end));
        if (!stored) return std::nullopt;
        return value_serde_.deserialize(topic_, *stored);
    }

    // The key's sessions that end at or after earliest_session_end and start
    // at or before latest_session_start (Kafka's findSessions), by end, then
    // start.
    std::vector<key_value<windowed<K>, V>> find_sessions(const K& key, int64_t earliest_session_end,
                                                         int64_t latest_session_start) {
        return find_sessions(key, key, earliest_session_end, latest_session_start);
    }
    // find_sessions() over a range of keys.
    std::vector<key_value<windowed<K>, V>> find_sessions(const K& key_from, const K& key_to,
                                                         int64_t earliest_session_end, int64_t latest_session_start) {
        bytes from = key_serde_.serialize(topic_, key_from);
        bytes to = key_serde_.serialize(topic_, key_to);
        std::vector<key_value<windowed<K>, V>> out;
        if (bytes_less{}(to, from)) return out;
        constexpr int64_t max = std::numeric_limits<int64_t>::max();
        auto it = store_->range(session_key_schema::to_binary(from, 0, std::max<int64_t>(earliest_session_end, 0)),
                                session_key_schema::to_binary(to, max, max));
        while (it->has_next()) {
            auto kv = it->next();
            bytes_view k = session_key_schema::key_bytes(kv.key);
            if (bytes_less{}(k, from) || bytes_less{}(to, k)) continue;
            int64_t end = session_key_schema::end_time(kv.key);
            int64_t start = session_key_schema::start_time(kv.key);
            if (end < earliest_session_end || start > latest_session_start) continue;
            out.push_back(decode(kv.key, kv.value));
        }
        return out;
    }

    // Every session, of any key, that ends in [earliest_end, latest_end], in
    // the order of Kafka's time-ordered session store (end, start, serialized
    // key: TimeFirstSessionKeySchema.writeBinary in Kafka 3.8's
    // PrefixedSessionKeySchemas.java): what emit-on-window-close forwards (Kafka's
    // findSessions(earliestSessionEndTime, latestSessionEndTime)), past
    // retention too as long as the segment is kept, as Kafka's.
    std::vector<key_value<windowed<K>, V>> find_sessions_ending_between(int64_t earliest_end, int64_t latest_end) {
        std::vector<std::pair<bytes, key_value<windowed<K>, V>>> keyed;
        if (earliest_end <= latest_end) {
            auto it = store_->all_in_live_segments();
            while (it->has_next()) {
                auto kv = it->next();
                int64_t end = session_key_schema::end_time(kv.key);
                if (end < earliest_end || end > latest_end) continue;
                keyed.emplace_back(kv.key, decode(kv.key, kv.value));
            }
        }
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
            int64_t ea = session_key_schema::end_time(a.first), eb = session_key_schema::end_time(b.first);
            if (ea != eb) return ea < eb;
            int64_t sa = session_key_schema::start_time(a.first), sb = session_key_schema::start_time(b.first);
            if (sa != sb) return sa < sb;
            return bytes_less{}(session_key_schema::key_bytes(a.first), session_key_schema::key_bytes(b.first));
        });
        std::vector<key_value<windowed<K>, V>> out;
        out.reserve(keyed.size());
        for (auto& [k, kv] : keyed) out.push_back(std::move(kv));
        return out;
    }

    // Every session of the key (Kafka's SessionStore.fetch(key)).
    std::vector<key_value<windowed<K>, V>> fetch(const K& key) {
        return find_sessions(key, 0, std::numeric_limits<int64_t>::max());
    }
    // Every session of the keys from key_from to key_to.
    std::vector<key_value<windowed<K>, V>> fetch(const K& key_from, const K& key_to) {
        return find_sessions(key_from, key_to, 0, std::numeric_limits<int64_t>::max());
    }

    // A binary session key and a stored value, decoded (a record cache's
    // flush listener gets them so).
    windowed<K> windowed_key_of(bytes_view binary) const {
        K key = key_serde_.deserialize(topic_, session_key_schema::key_bytes(binary));
        return windowed<K>(std::move(key), window::session(session_key_schema::start_time(binary),
                                                           session_key_schema::end_time(binary)));
    }
    // Decodes a stored value.
    V value_of(bytes_view value) const { return value_serde_.deserialize(topic_, value); }

private:
    bytes binary(const windowed<K>& session) const {
        return session_key_schema::to_binary(key_serde_.serialize(topic_, session.key()), session.window().start(),
                                             session.window().end());
    }
    key_value<windowed<K>, V> decode(bytes_view binary, bytes_view value) const {
        return {windowed_key_of(binary), value_of(value)};
    }

    key_value_bytes_store* store_;
    serde<K> key_serde_;
    serde<V> value_serde_;
    std::string topic_;
};

}  // namespace samsa::streams
