#pragma once
// KTable value getters (Kafka Streams' KTableValueGetter): how a join or a
// downstream lookup reads a table's current value for a key without that
// table being materialized itself: a materialized table reads its store, a
// filter or map_values reads its parent's getter and applies itself again, a
// table-table join reads both sides and joins.
//
// Threads: created per task, used by the task's thread.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/runtime/task_context.h"
#include "samsa/streams/serdes/core.h"
#include "samsa/streams/state/changelog_sink.h"
#include "samsa/streams/state/timestamped_key_value_store.h"

namespace samsa::streams::internal {

// Where a table keeps its rows: name and serdes, opened per task. Every
// facade a task opens on the same table store shares one decoded cache (see
// key_value_store.h): a row the table's source has read is not decoded again
// by the joins that look it up.
template<class K, class V>
struct table_store_spec {
    std::string name;
    serde<K> key_serde;
    serde<V> value_serde;
    static constexpr size_t decoded_cache_entries = 1 << 18;

    timestamped_key_value_store<K, V> open(task_context& task) const {
        timestamped_key_value_store<K, V> store(task.store(name), key_serde, value_serde,
                                                changelog_topic_name(task.application_id(), name));
        store.share_decoded_cache(task.shared_slot(name, typeid(timestamped_key_value_store<K, V>)), decoded_cache_entries);
        return store;
    }
};

// get() returns the row by pointer (nullptr: no row), valid until the next
// get() on the same getter: joins read rows without copying them. take()
// says whether the caller may move from such a row: yes for a row the getter
// built for that call (a table-table join's, a mapped or filtered table's),
// no for one lent from a store.
template<class K, class V>
class value_getter {
public:
    virtual ~value_getter() = default;
    virtual void init(task_context& task) = 0;
    virtual const value_and_timestamp<V>* get(const K& key) = 0;
    // row, get()'s last answer, as the caller's to move from; nullptr when it is only lent.
    virtual value_and_timestamp<V>* take(const value_and_timestamp<V>* row) { return nullptr; }
};

template<class K, class V>
using value_getter_supplier = std::function<std::unique_ptr<value_getter<K, V>>()>;

template<class K, class V>
class store_value_getter final : public value_getter<K, V> {
public:
    explicit store_value_getter(table_store_spec<K, V> spec) : spec_(std::move(spec)) {}
    // Rows come from the task's decoded cache of the store (see
    // table_store_spec): joins look the same rows up again and again.
    void init(task_context& task) override { store_.emplace(spec_.open(task)); }
    const value_and_timestamp<V>* get(const K& key) override { return store_->find(key); }

private:
    table_store_spec<K, V> spec_;
    std::optional<timestamped_key_value_store<K, V>> store_;
};

// A getter that reads its parent's and transforms: map_values (returns a
// value) and filter (returns the value or nothing).
template<class K, class V, class VR>
class transforming_value_getter final : public value_getter<K, VR> {
public:
    using transform = std::function<std::optional<VR>(const K&, const V&)>;
    transforming_value_getter(value_getter_supplier<K, V> parent, transform fn)
        : parent_(parent()), fn_(std::move(fn)) {}
    void init(task_context& task) override { parent_->init(task); }
    const value_and_timestamp<VR>* get(const K& key) override {
        result_.reset();
        const auto* v = parent_->get(key);
        if (!v) return nullptr;
        auto out = fn_(key, v->value);
        if (!out) return nullptr;
        result_.emplace(value_and_timestamp<VR>{std::move(*out), v->timestamp});
        return &*result_;
    }
    value_and_timestamp<VR>* take(const value_and_timestamp<VR>* row) override {
        return result_ && row == &*result_ ? &*result_ : nullptr;
    }

private:
    std::unique_ptr<value_getter<K, V>> parent_;
    transform fn_;
    std::optional<value_and_timestamp<VR>> result_;
};

enum class join_kind { inner, left, outer };

// Joins the two sides' getters on read (KTableKTable*JoinValueGetter). The
// joiner, (const V1*, const V2*) -> VR, takes each side by pointer (nullptr:
// no row), so rows are not copied to be joined; its result is built in the
// row this getter hands out (no move), and it is the DSL's lambda, called
// directly rather than through std::function: a stream-table join against a
// table-table join calls it once per stream record. The rows the joiner is
// given stay valid as long as the row this getter hands out (until the next
// get()), so a joined value may refer to them instead of copying them, as a
// Java joiner's object refers to its arguments (the order-mail app's
// customer_with_address, s21-hP); the stream-table join's joiner then copies
// what it keeps.
template<class K, class V1, class V2, class VR, class J>
class join_value_getter final : public value_getter<K, VR> {
public:
    join_value_getter(value_getter_supplier<K, V1> left, value_getter_supplier<K, V2> right, J fn, join_kind kind)
        : left_(left()), right_(right()), fn_(std::move(fn)), kind_(kind) {}
    void init(task_context& task) override {
        left_->init(task);
        right_->init(task);
    }
    const value_and_timestamp<VR>* get(const K& key) override {
        result_.reset();
        const auto* l = left_->get(key);
        if (!l && kind_ != join_kind::outer) return nullptr;
        const auto* r = right_->get(key);
        if (!r && kind_ == join_kind::inner) return nullptr;
        if (!l && !r) return nullptr;
        int64_t ts = std::max(l ? l->timestamp : r->timestamp, r ? r->timestamp : l->timestamp);
        auto join = [&] { return fn_(l ? &l->value : nullptr, r ? &r->value : nullptr); };
        // value_and_timestamp's value is initialized from the joiner's
        // prvalue (call_result): the joined row is built where it stays.
        result_.emplace(call_result<decltype(join)>{join}, ts);
        return &*result_;
    }
    value_and_timestamp<VR>* take(const value_and_timestamp<VR>* row) override {
        return result_ && row == &*result_ ? &*result_ : nullptr;
    }

private:
    std::unique_ptr<value_getter<K, V1>> left_;
    std::unique_ptr<value_getter<K, V2>> right_;
    J fn_;
    join_kind kind_;
    std::optional<value_and_timestamp<VR>> result_;
};

}  // namespace samsa::streams::internal
