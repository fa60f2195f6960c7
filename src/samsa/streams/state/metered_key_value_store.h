#pragma once
// metered_key_value_store: the outermost layer of a task's store stack when
// the application has metrics (Kafka Streams' MeteredKeyValueStore,
// MeteredWindowStore, MeteredSessionStore): it times each operation and
// records the nanoseconds into the operation's sensor (stream-state-metrics,
// docs/streams-metrics.md). The runtime makes the sensors and hands them in
// as store_meters; this layer knows nothing of the registry, so the state
// library stays free of the runtime.
//
// Cost: a sensor that is not recording (state-store metrics are DEBUG, the
// default level is INFO) is dropped at construction, so an operation then
// costs one null check: no clock is read. Iterators (range, all, prefix
// scan) are timed from open to close, as Kafka's MeteredKeyValueIterator,
// into the operation's sensor and iterator-duration (DEBUG); they are
// counted while open (num-open-iterators, oldest-iterator-open-since-ms:
// INFO in Kafka, so with a tracker every iterator is wrapped, one allocation
// and two lock round trips per iterator). A put (and put-if-absent; a delete
// of a window store, which is a put of nothing) records the record's
// end-to-end latency at TRACE: the wall clock minus the current record's
// timestamp, as Kafka's maybeRecordE2ELatency.
//
// Threads: owned by one stream thread, never locked.

#include <chrono>
#include <cstdint>
#include <memory>

#include "samsa/streams/export.h"
#include "samsa/streams/state/store_sensor.h"
#include "samsa/streams/state/wrapping_key_value_store.h"

namespace samsa::streams {

// One sensor per operation; a window or session store points several
// operations at one sensor (reads at "fetch"). nullptr: not metered.
struct store_meters {
    // put() latency.
    store_sensor* put = nullptr;
    // put_if_absent() latency.
    store_sensor* put_if_absent = nullptr;
    // put_all() latency.
    store_sensor* put_all = nullptr;
    // get() latency.
    store_sensor* get = nullptr;
    // remove() latency (Kafka's delete).
    store_sensor* remove = nullptr;
    // range() latency.
    store_sensor* range = nullptr;
    // all() latency.
    store_sensor* all = nullptr;
    // prefix_scan() latency.
    store_sensor* prefix_scan = nullptr;
    // flush() latency.
    store_sensor* flush = nullptr;
    store_sensor* restore = nullptr;  // Kafka times init() as the restoration
    store_sensor* e2e_latency = nullptr;        // record-e2e-latency (ms), TRACE
    store_sensor* iterator_duration = nullptr;  // iterator-duration (ns), DEBUG
    open_iterators* iterators = nullptr;        // num-open-iterators ... (INFO)
    bool e2e_on_remove = false;                 // a window store's delete is a put
};

// The metered layer of a store stack (Kafka's MeteredKeyValueStore): times each operation into its sensor.
class SAMSA_STREAMS_API metered_key_value_store final : public wrapping_key_value_store {
    // Helpers first: the operations below deduce their return types from timed().
    using clock = std::chrono::steady_clock;

    static store_sensor* recording(store_sensor* s) { return s && s->should_record() ? s : nullptr; }
    static store_meters only_recording(store_meters m) {
        for (store_sensor** s : {&m.put, &m.put_if_absent, &m.put_all, &m.get, &m.remove, &m.range, &m.all,
                                 &m.prefix_scan, &m.flush, &m.restore, &m.e2e_latency, &m.iterator_duration}) {
            *s = recording(*s);
        }
        return m;
    }
    static double elapsed_ns(clock::time_point start) {
        return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count());
    }

    // Kafka's maybeMeasureLatency: an operation that throws is not recorded.
    template<class F>
    static auto timed(store_sensor* s, F&& op) {
        if (!s) return op();
        auto start = clock::now();
        if constexpr (std::is_void_v<decltype(op())>) {
            op();
            s->record(elapsed_ns(start));
        } else {
            auto result = op();
            s->record(elapsed_ns(start));
            return result;
        }
    }

    static int64_t wall_ms() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    // Records open-to-close time when dropped, and counts itself open.
    class metered_iterator final : public bytes_iterator {
    public:
        metered_iterator(std::unique_ptr<bytes_iterator> inner, store_sensor* op, store_sensor* duration,
                         open_iterators* open)
            : inner_(std::move(inner)), op_(op), duration_(duration), open_(open), start_(clock::now()),
              opened_ms_(open ? wall_ms() : 0) {
            if (open_) open_->opened(opened_ms_);
        }
        ~metered_iterator() override {
            if (op_ || duration_) {
                const double took = elapsed_ns(start_);
                if (op_) op_->record(took);
                if (duration_) duration_->record(took);
            }
            if (open_) open_->closed(opened_ms_);
        }
        bool has_next() override { return inner_->has_next(); }
        key_value<bytes, bytes> next() override { return inner_->next(); }
        bytes peek_next_key() override { return inner_->peek_next_key(); }

    private:
        std::unique_ptr<bytes_iterator> inner_;
        store_sensor* op_;
        store_sensor* duration_;
        open_iterators* open_;
        clock::time_point start_;
        int64_t opened_ms_;
    };

    std::unique_ptr<bytes_iterator> metered(store_sensor* s, std::unique_ptr<bytes_iterator> it) const {
        if (!s && !meters_.iterator_duration && !meters_.iterators) return it;
        return std::make_unique<metered_iterator>(std::move(it), s, meters_.iterator_duration, meters_.iterators);
    }

    // Kafka's maybeRecordE2ELatency: wall clock minus the record's timestamp.
    void record_e2e() {
        if (meters_.e2e_latency && records_) {
            meters_.e2e_latency->record(static_cast<double>(wall_ms() - records_->current_record().timestamp));
        }
    }

public:
    // Wraps inner, timing into meters.
    metered_key_value_store(std::unique_ptr<key_value_bytes_store> inner, store_meters meters)
        : wrapping_key_value_store(std::move(inner)), meters_(only_recording(meters)) {}

    [[nodiscard]] status init(const store_context& context) override {
        records_ = context.records;
        return timed(meters_.restore, [&] { return wrapping_key_value_store::init(context); });
    }
    void flush() override {
        timed(meters_.flush, [&] { wrapping_key_value_store::flush(); });
    }
    std::optional<bytes> get(bytes_view key) override {
        return timed(meters_.get, [&] { return wrapping_key_value_store::get(key); });
    }
    std::optional<bytes> query_get(bytes_view key) override {
        return timed(meters_.get, [&] { return wrapping_key_value_store::query_get(key); });
    }
    void note_read(bytes_view key) override {
        timed(meters_.get, [&] { wrapping_key_value_store::note_read(key); });
    }
    void note_read_issuing(bytes_view key, read_token& token) override {
        timed(meters_.get, [&] { inner().note_read_issuing(key, token); });
    }
    std::optional<bytes> get_issuing(bytes_view key, read_token& token) override {
        return timed(meters_.get, [&] { return inner().get_issuing(key, token); });
    }
    // Timed as a get only when it did the read: when it returns false the
    // reader reads by key, and that call is the one timed.
    bool note_read_again(const read_token& token, uint64_t writes_seen) override {
        if (!meters_.get) return inner().note_read_again(token, writes_seen);
        auto start = clock::now();
        if (!inner().note_read_again(token, writes_seen)) return false;
        meters_.get->record(elapsed_ns(start));
        return true;
    }
    // The same: a get when it did the read.
    bool note_read_known(bytes_view key, std::optional<bytes_view> value, uint64_t writes_seen,
                         read_token& token) override {
        if (!meters_.get) return inner().note_read_known(key, value, writes_seen, token);
        auto start = clock::now();
        if (!inner().note_read_known(key, value, writes_seen, token)) return false;
        meters_.get->record(elapsed_ns(start));
        return true;
    }
    void put(bytes_view key, std::optional<bytes_view> value) override {
        timed(meters_.put, [&] { wrapping_key_value_store::put(key, value); });
        record_e2e();
    }
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override {
        auto old = timed(meters_.put_if_absent, [&] { return wrapping_key_value_store::put_if_absent(key, value); });
        record_e2e();
        return old;
    }
    void put_all(std::span<const bytes_entry> entries) override {
        timed(meters_.put_all, [&] { wrapping_key_value_store::put_all(entries); });
    }
    std::optional<bytes> remove(bytes_view key) override {
        auto old = timed(meters_.remove, [&] { return wrapping_key_value_store::remove(key); });
        if (meters_.e2e_on_remove) record_e2e();
        return old;
    }
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override {
        return metered(meters_.range, wrapping_key_value_store::range(from, to));
    }
    std::unique_ptr<bytes_iterator> all() override { return metered(meters_.all, wrapping_key_value_store::all()); }
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override {
        return metered(meters_.prefix_scan, wrapping_key_value_store::prefix_scan(prefix));
    }

private:
    store_meters meters_;
    record_context_holder* records_ = nullptr;  // from init(); nullptr: no e2e latency
};

}  // namespace samsa::streams
