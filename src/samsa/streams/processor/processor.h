#pragma once
// The Processor API (Kafka Streams' api.Processor, api.ProcessorContext,
// api.ProcessorSupplier): a processor takes record<KIn, VIn> and forwards
// record<KOut, VOut> through its context. The DSL's own operators are
// processors too (detail/ops/), run by the same runtime.
//
//   class upper final : public processor<std::string, std::string, std::string, std::string> {
//       void init(processor_context<std::string, std::string>& ctx) override { ctx_ = &ctx; }
//       void process(const record<std::string, std::string>& r) override {
//           ctx_->forward(r.with_value<std::string>(to_upper(*r.value)));  // a temporary: moved on
//       }
//       processor_context<std::string, std::string>* ctx_ = nullptr;
//   };
//   stream.process<std::string, std::string>([] { return std::make_unique<upper>(); });
//
// Threads: a processor instance belongs to one task and is only called by the
// thread running that task (init, process, punctuators and close), so it needs
// no locks. A supplier must return a new instance on every call.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "samsa/streams/detail/runtime/node.h"
#include "samsa/streams/detail/runtime/task_context.h"
#include "samsa/streams/processor/punctuation.h"
#include "samsa/streams/record.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/state/key_value_store.h"
#include "samsa/streams/state/timestamped_key_value_store.h"

namespace samsa::streams {

// Kafka Streams' api.ProcessorContext<KOut, VOut>: what a processor gets from its task (forwarding, schedules, stores,
// the current record's metadata). Valid for the processor's life; called on its task's thread only.
template<class KOut, class VOut>
class processor_context {
public:
    // For the implementation: the runtime makes contexts.
    processor_context(internal::task_context& task, internal::processor_node_base& node)
        : task_(&task), node_(&node) {}

    // To every child, in the order they were added; each child gets a copy of r.
    void forward(const record<KOut, VOut>& r) const { internal::forward_to(node_->children(), r); }
    // forward() of a record given up (a temporary, or std::move(r)): the last
    // child gets r itself, the others copies, so a single child costs no copy.
    void forward(record<KOut, VOut>&& r) const { internal::forward_to(node_->children(), std::move(r)); }
    // To one child, by processor name (a copy of r).
    void forward(const record<KOut, VOut>& r, std::string_view child_name) const {
        internal::forward_to_child(node_->children(), record<KOut, VOut>(r), child_name);
    }
    // To one child, by processor name, r moved into it.
    void forward(record<KOut, VOut>&& r, std::string_view child_name) const {
        internal::forward_to_child(node_->children(), std::move(r), child_name);
    }

    // Calls fn every interval of stream time or wall-clock time (Kafka's schedule); the returned handle cancels it.
    cancellable schedule(std::chrono::milliseconds interval, punctuation_type type, punctuator fn) const {
        return task_->schedule(node_, interval.count(), type, std::move(fn));
    }

    // A store connected to this processor (or a global store), as bytes.
    // Throws std::logic_error for a store the processor cannot reach.
    key_value_bytes_store& get_state_store(const std::string& name) const { return task_->store(name); }

    // A connected store as a typed key-value store (Kafka's getStateStore). Throws std::logic_error for a store the
    // processor cannot reach.
    template<class K, class V>
    key_value_store<K, V> get_key_value_store(const std::string& name, serde<K> key_serde = default_serde<K>(),
                                              serde<V> value_serde = default_serde<V>()) const {
        return key_value_store<K, V>(task_->store(name), std::move(key_serde), std::move(value_serde),
                                     changelog_topic_name(task_->application_id(), name));
    }
    // A connected KTable store, values with their timestamps. Throws std::logic_error for a store the processor cannot
    // reach.
    template<class K, class V>
    timestamped_key_value_store<K, V> get_timestamped_key_value_store(
        const std::string& name, serde<K> key_serde = default_serde<K>(),
        serde<V> value_serde = default_serde<V>()) const {
        return timestamped_key_value_store<K, V>(task_->store(name), std::move(key_serde), std::move(value_serde),
                                                 changelog_topic_name(task_->application_id(), name));
    }

    // Topic, partition and offset of the record being processed; nullopt in
    // punctuators.
    const std::optional<samsa::streams::record_metadata>& record_metadata() const { return task_->current_metadata(); }
    // The task's stream time: the largest timestamp seen so far (-1 before the first record).
    int64_t current_stream_time() const { return task_->stream_time(); }
    // The wall clock, in ms (the test driver's own clock under the driver).
    int64_t current_system_time_ms() const { return task_->wall_clock_ms(); }
    // The application.id.
    const std::string& application_id() const { return task_->application_id(); }
    // The task's id, as <subtopology>_<partition>.
    const std::string& task_id() const { return task_->task_id(); }
    // This processor's name.
    const std::string& processor_name() const { return node_->name(); }
    // For operators: count a record dropped on purpose (null key ...).
    void record_dropped() const { task_->record_dropped(); }
    // The runtime behind this context; for the DSL's operators only.
    internal::task_context& task() const { return *task_; }

private:
    internal::task_context* task_;
    internal::processor_node_base* node_;
};

namespace internal {

// What a node of the topology runs: a user's processor (below) or one of the
// DSL's operators (detail/ops/), which derive from this directly. process()
// is handed the record: the callee owns it and may move its key, value and
// headers into what it forwards (node.h).
template<class KIn, class VIn, class KOut, class VOut>
class processor_base {
public:
    virtual ~processor_base() = default;
    virtual void init(processor_context<KOut, VOut>& context) {}
    virtual void process(record<KIn, VIn>&& r) = 0;
    virtual void close() {}
};

template<class KIn, class VIn, class KOut, class VOut>
using processor_base_supplier = std::function<std::unique_ptr<processor_base<KIn, VIn, KOut, VOut>>()>;

}  // namespace internal

// Kafka Streams' api.Processor<KIn, VIn, KOut, VOut>: takes record<KIn, VIn> and forwards record<KOut, VOut> (see the
// top of this file). Forwarding a temporary (r.with_value(...)) or std::move() of a record moves it on.
template<class KIn, class VIn, class KOut, class VOut>
class processor : public internal::processor_base<KIn, VIn, KOut, VOut> {
public:
    // The input key type.
    using key_in = KIn;
    // The input value type.
    using value_in = VIn;
    // The output key type.
    using key_out = KOut;
    // The output value type.
    using value_out = VOut;
    // The context lives as long as the processor.
    void init(processor_context<KOut, VOut>& context) override {}
    // Called for each record, on the task's thread.
    virtual void process(const record<KIn, VIn>& r) = 0;
    // Called once when the task closes.
    void close() override {}
    // The runtime's entry: Kafka's process(Record) sees the record as it is.
    void process(record<KIn, VIn>&& r) final { process(std::as_const(r)); }
};

// Kafka's ProcessorSupplier: returns a new processor on every call (one per task).
template<class KIn, class VIn, class KOut, class VOut>
using processor_supplier = std::function<std::unique_ptr<processor<KIn, VIn, KOut, VOut>>()>;

}  // namespace samsa::streams

namespace samsa::streams::internal {

// Runs a processor (a user's or an operator) as a node of the topology.
template<class KIn, class VIn, class KOut, class VOut>
class processor_node final : public input_node<KIn, VIn> {
public:
    processor_node(std::string name, std::unique_ptr<processor_base<KIn, VIn, KOut, VOut>> p)
        : input_node<KIn, VIn>(std::move(name), &typeid(record<KOut, VOut>)), processor_(std::move(p)) {}

    void init(task_context& task) override {
        processor_node_base::init(task);
        context_.emplace(task, *this);
        processor_->init(*context_);
    }
    void process(record<KIn, VIn>&& r) override { processor_->process(std::move(r)); }
    void close() override { processor_->close(); }

private:
    std::unique_ptr<processor_base<KIn, VIn, KOut, VOut>> processor_;
    std::optional<processor_context<KOut, VOut>> context_;
};

}  // namespace samsa::streams::internal
