#pragma once
// KTABLE-SUPPRESS (Kafka Streams 3.8's KTableSuppressProcessorSupplier):
// holds table updates back in a time-ordered buffer
// (in_memory_time_ordered_key_value_change_buffer) and emits them later.
//
// Per update: the processor's stream time becomes the largest record
// timestamp it has seen (its own, not the task's: Kafka's
// observedStreamTime, which starts again at -1 after a restart); the change
// is buffered under its key at the buffer time (record timestamp, or the
// window end for until_window_closes); then every entry whose buffer time
// <= stream time - suppress duration is emitted, oldest first; then, if the
// buffer holds more than max records or max bytes, it emits the oldest
// until it fits (emit_early_when_full) or throws streams_exception
// (shut_down_when_full). An emitted record is the latest change buffered
// for its key, with that update's timestamp, headers and record context;
// its old value is that update's old value (not the key's prior value), as
// Kafka 3.8's buffer hands it on.
// Tombstones are buffered like any update; until_window_closes drops those
// it would emit (Kafka's safeToDropTombstones), until_time_limit emits
// them. Each record emitted counts in suppression-emit-rate/-total, and the
// buffer's bytes and records go to suppression-buffer-size/-count-avg/-max
// (node_metrics.h).
//
// The suppressed table's value getter (suppress_value_getter) shows a
// buffered key's prior value (what the table was before its held-back
// updates) and otherwise the parent's value.
//
// Threads: the task's.

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "samsa/streams/errors.h"
#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/detail/runtime/node_metrics.h"
#include "samsa/streams/processor/processor.h"
#include "samsa/streams/state/in_memory_time_ordered_key_value_change_buffer.h"
#include "samsa/streams/suppressed.h"

namespace samsa::streams::internal {

template<class K, class V>
struct suppress_spec {
    std::string store_name;
    serde<K> key_serde;
    serde<V> value_serde;
    // until_time_limit's wait, or until_window_closes' grace.
    int64_t suppress_duration_ms = 0;
    // (key, record timestamp) -> buffer time.
    std::function<int64_t(const K&, int64_t)> buffer_time;
    int64_t max_records = buffer_config::no_limit;
    int64_t max_bytes = buffer_config::no_limit;
    buffer_full_strategy strategy = buffer_full_strategy::shut_down;
    bool safe_to_drop_tombstones = false;
};

template<class K, class V>
class ktable_suppress final : public processor_base<K, change<V>, K, change<V>> {
public:
    explicit ktable_suppress(std::shared_ptr<const suppress_spec<K, V>> spec) : spec_(std::move(spec)) {}

    void init(processor_context<K, change<V>>& ctx) override {
        ctx_ = &ctx;
        buffer_ = &in_memory_time_ordered_key_value_change_buffer::of(ctx.task().store(spec_->store_name));
        topic_ = changelog_topic_name(ctx.application_id(), spec_->store_name);
        emit_sensor_ = suppression_emit_sensor(ctx.task(), ctx.processor_name());
        buffer_sensors_ = make_suppression_buffer_sensors(ctx.task(), spec_->store_name);
        record_buffer_metrics();  // what restoration left in it
    }

    void process(record<K, change<V>>&& r) override {
        if (!r.key || !r.value) {
            ctx_->record_dropped();  // a table update always has both
            return;
        }
        observed_stream_time_ = std::max(observed_stream_time_, r.timestamp);
        buffer(std::move(r));
        enforce_constraints();
    }

private:
    void buffer(record<K, change<V>>&& r) {
        const change<V>& c = *r.value;
        bytes key = spec_->key_serde.serialize(topic_, *r.key);
        std::optional<bytes> old_value, new_value;
        if (c.old_value) old_value = spec_->value_serde.serialize(topic_, *c.old_value);
        if (c.new_value) new_value = spec_->value_serde.serialize(topic_, *c.new_value);
        buffered_record_context context;
        context.timestamp = r.timestamp;
        context.headers = std::move(r.headers);
        if (const auto& m = ctx_->record_metadata()) {
            context.topic = std::string(m->topic);
            context.partition = m->partition;
            context.offset = m->offset;
        }
        buffer_->put(spec_->buffer_time(*r.key, r.timestamp), key, view(old_value), view(new_value),
                     std::move(context));
        record_buffer_metrics();
    }

    void record_buffer_metrics() const { buffer_sensors_.record(buffer_->buffer_size(), buffer_->num_records()); }

    // Kafka's evictWhile records the buffer's size once, when it evicted.
    template<class Predicate, class Emit>
    void evict_while(Predicate&& more, Emit&& emit) {
        const auto before = buffer_->num_records();
        buffer_->evict_while(std::forward<Predicate>(more), std::forward<Emit>(emit));
        if (buffer_->num_records() != before) record_buffer_metrics();
    }

    void enforce_constraints() {
        const int64_t expiry_time = observed_stream_time_ - spec_->suppress_duration_ms;
        auto emit = [this](const in_memory_time_ordered_key_value_change_buffer::eviction& e) { this->emit(e); };
        evict_while([&] { return buffer_->min_timestamp() <= expiry_time; }, emit);
        if (!over_capacity()) return;
        if (spec_->strategy == buffer_full_strategy::emit) {
            evict_while([this] { return over_capacity(); }, emit);
            return;
        }
        throw streams_exception(ctx_->processor_name() + " buffer exceeded its max capacity. Currently [" +
                                std::to_string(buffer_->num_records()) + "/" + std::to_string(spec_->max_records) +
                                "] records and [" + std::to_string(buffer_->buffer_size()) + "/" +
                                std::to_string(spec_->max_bytes) + "] bytes.");
    }

    bool over_capacity() const {
        return buffer_->num_records() > spec_->max_records || buffer_->buffer_size() > spec_->max_bytes;
    }

    void emit(const in_memory_time_ordered_key_value_change_buffer::eviction& e) {
        if (!e.new_value && spec_->safe_to_drop_tombstones) return;
        record<K, change<V>> out;
        out.key = spec_->key_serde.deserialize(topic_, e.key);
        change<V> c;
        if (e.new_value) c.new_value = spec_->value_serde.deserialize(topic_, *e.new_value);
        if (e.old_value) c.old_value = spec_->value_serde.deserialize(topic_, *e.old_value);
        out.value = std::move(c);
        out.timestamp = e.context.timestamp;
        out.headers = e.context.headers;
        // Downstream runs in the buffered record's context, as Kafka sets it
        // for the forward (a changelog or cache below stamps with it).
        record_context emitted{e.context.timestamp, std::nullopt, e.context.headers};
        if (e.context.topic) {
            emitted.metadata = record_metadata{*e.context.topic, e.context.partition, e.context.offset};
        }
        task_context& task = ctx_->task();
        record_context saved = task.exchange_current_record(std::move(emitted));
        try {
            ctx_->forward(std::move(out));
        } catch (...) {
            task.exchange_current_record(std::move(saved));
            throw;
        }
        task.exchange_current_record(std::move(saved));
        record_sensor_if(emit_sensor_);  // Kafka counts a record once forwarded
    }

    static std::optional<bytes_view> view(const std::optional<bytes>& b) {
        if (!b) return std::nullopt;
        return bytes_view(*b);
    }

    std::shared_ptr<const suppress_spec<K, V>> spec_;
    processor_context<K, change<V>>* ctx_ = nullptr;
    in_memory_time_ordered_key_value_change_buffer* buffer_ = nullptr;
    std::string topic_;
    int64_t observed_stream_time_ = -1;
    sensor* emit_sensor_ = nullptr;  // suppression-emit-rate/-total
    suppression_buffer_sensors buffer_sensors_;
};

// The suppressed table's view (Kafka: KTableSuppressProcessorSupplier.view()):
// a buffered key reads as its prior value, with an unknown timestamp (-1);
// any other key as the parent shows it.
template<class K, class V>
class suppress_value_getter final : public value_getter<K, V> {
public:
    suppress_value_getter(value_getter_supplier<K, V> parent, std::shared_ptr<const suppress_spec<K, V>> spec)
        : parent_(parent()), spec_(std::move(spec)) {}
    void init(task_context& task) override {
        parent_->init(task);
        buffer_ = &in_memory_time_ordered_key_value_change_buffer::of(task.store(spec_->store_name));
        topic_ = changelog_topic_name(task.application_id(), spec_->store_name);
    }
    const value_and_timestamp<V>* get(const K& key) override {
        result_.reset();
        auto prior = buffer_->prior_value_for_buffered(spec_->key_serde.serialize(topic_, key));
        if (!prior) return parent_->get(key);
        if (!*prior) return nullptr;
        result_.emplace(value_and_timestamp<V>{spec_->value_serde.deserialize(topic_, **prior), -1});
        return &*result_;
    }
    value_and_timestamp<V>* take(const value_and_timestamp<V>* row) override {
        return result_ && row == &*result_ ? &*result_ : parent_->take(row);
    }

private:
    std::unique_ptr<value_getter<K, V>> parent_;
    std::shared_ptr<const suppress_spec<K, V>> spec_;
    in_memory_time_ordered_key_value_change_buffer* buffer_ = nullptr;
    std::string topic_;
    std::optional<value_and_timestamp<V>> result_;
};

}  // namespace samsa::streams::internal
