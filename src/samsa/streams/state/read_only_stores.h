#pragma once
// The read-only views interactive queries return (Kafka Streams'
// ReadOnlyKeyValueStore, ReadOnlyWindowStore, ReadOnlySessionStore as its
// Composite* stores implement them): each call reads every local task's
// store of that name (or the one partition asked for) through a
// queryable_store_provider, one after the other in partition order, as
// Kafka's composite stores do (results are concatenated per partition, not
// merged into one key order).
//
//   auto counts = app.store(store_query_parameters<read_only_key_value_store<std::string, int64_t>>::
//                           from_name_and_type("counts", queryable_store_types::key_value_store<std::string, int64_t>()));
//   std::optional<int64_t> n = counts.get("alice");
//
// Reads go through the top of each store stack, so they see the record
// cache's latest values, and through query_get(), so they never fill or
// evict a cache. Multi-key results are read in full while the store is
// locked and returned as a copy (an iterator over a vector, or a vector for
// window and session stores, as the window_store facade returns), so the
// stream thread never waits on a slow reader. A view is cheap to copy;
// it must not outlive the kafka_streams (or test driver) that made it.
// Typed stores with timestamps are views of value_and_timestamp<V>, as
// Kafka's ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>.
//
// Errors: invalid_state_store_exception and its subclasses (errors.h) from
// any call, when the stores cannot be read now; serde_error for bad data.
//
// Threads: any thread; a view may be used from several threads at once.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "samsa/streams/errors.h"
#include "samsa/streams/serdes/core.h"
#include "samsa/streams/state/key_value_store.h"
#include "samsa/streams/state/queryable_store_provider.h"
#include "samsa/streams/state/value_and_timestamp.h"
#include "samsa/streams/state/window_store.h"

namespace samsa::streams {

// A store as a query may see it: get() is query_get(), writes are refused.
// Lets the views reuse the typed facades (key_value_store, window_store,
// session_store) without a second copy of their decoding.
class query_only_bytes_store final : public key_value_bytes_store {
public:
    // Reads inner; writes are refused.
    explicit query_only_bytes_store(key_value_bytes_store& inner) : inner_(&inner) {}

    const std::string& name() const override { return inner_->name(); }
    bool persistent() const override { return inner_->persistent(); }
    [[nodiscard]] status init(const store_context&) override { return ok(); }
    void flush() override {}
    void close() override {}
    bool is_open() const override { return inner_->is_open(); }

    std::optional<bytes> get(bytes_view key) override { return inner_->query_get(key); }
    void put(bytes_view, std::optional<bytes_view>) override { refuse(); }
    std::optional<bytes> put_if_absent(bytes_view, std::optional<bytes_view>) override { refuse(); }
    void put_all(std::span<const bytes_entry>) override { refuse(); }
    std::optional<bytes> remove(bytes_view) override { refuse(); }
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override { return inner_->range(from, to); }
    std::unique_ptr<bytes_iterator> all() override { return inner_->all(); }
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override { return inner_->prefix_scan(prefix); }
    int64_t approximate_num_entries() override { return inner_->approximate_num_entries(); }

private:
    [[noreturn]] static void refuse() { throw std::logic_error("interactive queries are read-only"); }
    key_value_bytes_store* inner_;
};

// A value serde that reads a timestamped store's values without their
// timestamps (Kafka's keyValueStore() and windowStore() types accept the
// DSL's timestamped stores and drop the timestamps).
template<class V>
serde<V> without_timestamp(serde<V> inner) {
    return serde<V>{[s = inner.serialize](std::string_view topic,
                                          const V& v) { return timestamped_format::encode(s(topic, v), -1); },
                    [d = inner.deserialize](std::string_view topic, bytes_view data) {
                        return d(topic, timestamped_format::raw_value(data));
                    }};
}

namespace query_detail {

// What every view holds: where its stores are and how to decode them.
template<class K, class V>
struct view_base {
    queryable_store_provider* provider;
    store_query_target target;
    serde<K> key_serde;
    serde<V> value_serde;
    std::string topic;

    // f(store) for each store until it returns false.
    template<class F>
    void each(F&& f) const {
        provider->visit(target, [&](key_value_bytes_store& s) {
            query_only_bytes_store ro(s);
            return f(ro);
        });
    }
};

template<class T>
void append(std::vector<T>& out, std::vector<T> more) {
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

}  // namespace query_detail

// Kafka's ReadOnlyKeyValueStore<K, V>: an interactive-query view of a key-value store across the instance's tasks
// (kafka_streams::store()). Any thread; each call throws invalid_state_store_exception (errors.h) when the store cannot
// be read now.
template<class K, class V>
class read_only_key_value_store {
public:
    // The views' iterators hold their entries (read when the call was made).
    using iterator = std::unique_ptr<key_value_iterator<K, V>>;

    // Made by kafka_streams::store() or topology_test_driver::store().
    read_only_key_value_store(queryable_store_provider& provider, store_query_target target, serde<K> key_serde,
                              serde<V> value_serde, std::string topic)
        : base_{&provider, std::move(target), std::move(key_serde), std::move(value_serde), std::move(topic)} {}

    // The first store holding the key answers (a key lives in one partition).
    std::optional<V> get(const K& key) const {
        std::optional<V> out;
        base_.each([&](key_value_bytes_store& s) {
            out = facade(s).get(key);
            return !out;
        });
        return out;
    }
    // Inclusive at both ends, in serialized key order within a partition.
    iterator range(const K& from, const K& to) const {
        return collect([&](key_value_store<K, V>& f) { return f.range(from, to); }, false);
    }
    // range() in descending key order (Kafka's reverseRange).
    iterator reverse_range(const K& from, const K& to) const {
        return collect([&](key_value_store<K, V>& f) { return f.range(from, to); }, true);
    }
    // Every entry, in serialized-key order.
    iterator all() const {
        return collect([](key_value_store<K, V>& f) { return f.all(); }, false);
    }
    // all() in descending order (Kafka's reverseAll).
    iterator reverse_all() const {
        return collect([](key_value_store<K, V>& f) { return f.all(); }, true);
    }
    // prefix: serialized by the caller (Kafka's prefixScan(prefix, serializer)).
    iterator prefix_scan(bytes_view prefix) const {
        return collect([&](key_value_store<K, V>& f) { return f.prefix_scan(prefix); }, false);
    }
    // prefix_scan() with the prefix serialized by prefix_serde (Kafka's prefixScan(prefix, serializer)).
    template<class P>
    iterator prefix_scan(const P& prefix, const serde<P>& prefix_serde) const {
        bytes p = prefix_serde.serialize(base_.topic, prefix);
        return prefix_scan(bytes_view(p));
    }
    // The sum of the stores' estimates, Long.MAX_VALUE when it overflows;
    // entries only in a record cache are not counted (as Kafka).
    int64_t approximate_num_entries() const {
        int64_t total = 0;
        base_.each([&](key_value_bytes_store& s) {
            int64_t n = s.approximate_num_entries();
            total = n > std::numeric_limits<int64_t>::max() - total ? std::numeric_limits<int64_t>::max() : total + n;
            return true;
        });
        return total;
    }

private:
    key_value_store<K, V> facade(key_value_bytes_store& s) const {
        return key_value_store<K, V>(s, base_.key_serde, base_.value_serde, base_.topic);
    }
    // Drains each store's iterator while it is locked; reverse: each
    // partition's part in reverse key order (Kafka's reverseRange).
    template<class Open>
    iterator collect(Open open, bool reverse) const {
        std::vector<key_value<K, V>> out;
        base_.each([&](key_value_bytes_store& s) {
            auto f = facade(s);
            auto it = open(f);
            std::vector<key_value<K, V>> part = to_vector(*it);
            if (reverse) std::reverse(part.begin(), part.end());
            query_detail::append(out, std::move(part));
            return true;
        });
        return std::make_unique<vector_key_value_iterator<K, V>>(std::move(out));
    }

    query_detail::view_base<K, V> base_;
};

// Kafka's ReadOnlyWindowStore<K, V>: an interactive-query view of a window store (see read_only_key_value_store for
// threads and errors).
template<class K, class V>
class read_only_window_store {
public:
    // Made by kafka_streams::store() or topology_test_driver::store().
    read_only_window_store(queryable_store_provider& provider, store_query_target target, serde<K> key_serde,
                           serde<V> value_serde, std::string topic, int64_t window_size_ms)
        : base_{&provider, std::move(target), std::move(key_serde), std::move(value_serde), std::move(topic)},
          window_size_ms_(window_size_ms) {}

    // The value of the key's window starting at window_start.
    std::optional<V> fetch(const K& key, int64_t window_start) const {
        std::optional<V> out;
        base_.each([&](key_value_bytes_store& s) {
            out = facade(s).fetch(key, window_start);
            return !out;
        });
        return out;
    }
    // The key's windows with start in [time_from, time_to], by start.
    std::vector<key_value<int64_t, V>> fetch(const K& key, int64_t time_from, int64_t time_to) const {
        return collect<int64_t>([&](window_store<K, V>& f) { return f.fetch(key, time_from, time_to); }, false);
    }
    // fetch(key, time_from, time_to), latest window first.
    std::vector<key_value<int64_t, V>> backward_fetch(const K& key, int64_t time_from, int64_t time_to) const {
        return collect<int64_t>([&](window_store<K, V>& f) { return f.fetch(key, time_from, time_to); }, true);
    }
    // Keys in [key_from, key_to] (serialized order), start in [time_from, time_to].
    std::vector<key_value<windowed<K>, V>> fetch(const K& key_from, const K& key_to, int64_t time_from,
                                                 int64_t time_to) const {
        return collect<windowed<K>>(
            [&](window_store<K, V>& f) { return f.fetch(key_from, key_to, time_from, time_to); }, false);
    }
    // fetch(key_from, key_to, time_from, time_to) in reverse order.
    std::vector<key_value<windowed<K>, V>> backward_fetch(const K& key_from, const K& key_to, int64_t time_from,
                                                          int64_t time_to) const {
        return collect<windowed<K>>(
            [&](window_store<K, V>& f) { return f.fetch(key_from, key_to, time_from, time_to); }, true);
    }
    // Every key's windows starting in [time_from, time_to] (Kafka's fetchAll).
    std::vector<key_value<windowed<K>, V>> fetch_all(int64_t time_from, int64_t time_to) const {
        return collect<windowed<K>>([&](window_store<K, V>& f) { return f.fetch_all(time_from, time_to); }, false);
    }
    // fetch_all() in reverse order.
    std::vector<key_value<windowed<K>, V>> backward_fetch_all(int64_t time_from, int64_t time_to) const {
        return collect<windowed<K>>([&](window_store<K, V>& f) { return f.fetch_all(time_from, time_to); }, true);
    }
    // Every window of every key.
    std::vector<key_value<windowed<K>, V>> all() const {
        return collect<windowed<K>>([](window_store<K, V>& f) { return f.all(); }, false);
    }
    // all() in reverse order.
    std::vector<key_value<windowed<K>, V>> backward_all() const {
        return collect<windowed<K>>([](window_store<K, V>& f) { return f.all(); }, true);
    }

private:
    window_store<K, V> facade(key_value_bytes_store& s) const {
        return window_store<K, V>(s, base_.key_serde, base_.value_serde, base_.topic, window_size_ms_);
    }
    template<class KeyOut, class Read>
    std::vector<key_value<KeyOut, V>> collect(Read read, bool reverse) const {
        std::vector<key_value<KeyOut, V>> out;
        base_.each([&](key_value_bytes_store& s) {
            auto f = facade(s);
            auto part = read(f);
            if (reverse) std::reverse(part.begin(), part.end());
            query_detail::append(out, std::move(part));
            return true;
        });
        return out;
    }

    query_detail::view_base<K, V> base_;
    int64_t window_size_ms_;
};

// Kafka's ReadOnlySessionStore<K, V>: an interactive-query view of a session store (see read_only_key_value_store for
// threads and errors).
template<class K, class V>
class read_only_session_store {
public:
    // Made by kafka_streams::store() or topology_test_driver::store().
    read_only_session_store(queryable_store_provider& provider, store_query_target target, serde<K> key_serde,
                            serde<V> value_serde, std::string topic)
        : base_{&provider, std::move(target), std::move(key_serde), std::move(value_serde), std::move(topic)} {}

    // Every session of the key.
    std::vector<key_value<windowed<K>, V>> fetch(const K& key) const {
        return collect([&](session_store<K, V>& f) { return f.fetch(key); });
    }
    // Every session of the keys from key_from to key_to (Kafka's fetch(keyFrom, keyTo)).
    std::vector<key_value<windowed<K>, V>> fetch(const K& key_from, const K& key_to) const {
        return collect([&](session_store<K, V>& f) { return f.fetch(key_from, key_to); });
    }
    // Sessions ending at or after earliest_session_end and starting at or
    // before latest_session_start (Kafka's findSessions).
    std::vector<key_value<windowed<K>, V>> find_sessions(const K& key, int64_t earliest_session_end,
                                                         int64_t latest_session_start) const {
        return collect(
            [&](session_store<K, V>& f) { return f.find_sessions(key, earliest_session_end, latest_session_start); });
    }
    // find_sessions() over a range of keys.
    std::vector<key_value<windowed<K>, V>> find_sessions(const K& key_from, const K& key_to,
                                                         int64_t earliest_session_end,
                                                         int64_t latest_session_start) const {
        return collect([&](session_store<K, V>& f) {
            return f.find_sessions(key_from, key_to, earliest_session_end, latest_session_start);
        });
    }
    // The value of the session [start, end] of the key.
    std::optional<V> fetch_session(const K& key, int64_t start, int64_t end) const {
        std::optional<V> out;
        base_.each([&](key_value_bytes_store& s) {
            out = facade(s).fetch_session(key, start, end);
            return !out;
        });
        return out;
    }

private:
    session_store<K, V> facade(key_value_bytes_store& s) const {
        return session_store<K, V>(s, base_.key_serde, base_.value_serde, base_.topic);
    }
    template<class Read>
    std::vector<key_value<windowed<K>, V>> collect(Read read) const {
        std::vector<key_value<windowed<K>, V>> out;
        base_.each([&](key_value_bytes_store& s) {
            auto f = facade(s);
            query_detail::append(out, read(f));
            return true;
        });
        return out;
    }

    query_detail::view_base<K, V> base_;
};

}  // namespace samsa::streams
