#pragma once
// The Processor API (Kafka Streams' api.Processor, api.ProcessorContext,
// api.ProcessorSupplier): a processor takes record<KIn, VIn> and forwards
// record<KOut, VOut> through its context. The DSL's own operators are
// processors too (internal/ops/), run by the same runtime.
//
//   class upper final : public processor<std::string, std::string, std::string, std::string> {
//       void init(processor_context<std::string, std::string>& ctx) override { ctx_ = &ctx; }
//       void process(const record<std::string, std::string>& r) override {
//           ctx_->forward(r.with_value<std::string>(to_upper(*r.value)));
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

#include "samsa/streams/detail/runtime/node.h"
#include "samsa/streams/detail/runtime/task_context.h"
#include "samsa/streams/processor/punctuation.h"
#include "samsa/streams/record.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/state/key_value_store.h"
#include "samsa/streams/state/timestamped_key_value_store.h"

namespace samsa::streams {

template<class KOut, class VOut>
class processor_context {
public:
    processor_context(internal::task_context& task, internal::processor_node_base& node)
        : task_(&task), node_(&node) {}

    // To every child, in the order they were added.
    void forward(const record<KOut, VOut>& r) const { internal::forward_to(node_->children(), r); }
    // To one child, by processor name.
    void forward(const record<KOut, VOut>& r, std::string_view child_name) const {
        internal::forward_to_child(node_->children(), r, child_name);
    }

    cancellable schedule(std::chrono::milliseconds interval, punctuation_type type, punctuator fn) const {
        return task_->schedule(node_, interval.count(), type, std::move(fn));
    }

    // A store connected to this processor (or a global store), as bytes.
    // Throws std::logic_error for a store the processor cannot reach.
    key_value_bytes_store& get_state_store(const std::string& name) const { return task_->store(name); }

    template<class K, class V>
    key_value_store<K, V> get_key_value_store(const std::string& name, serde<K> key_serde = default_serde<K>(),
                                              serde<V> value_serde = default_serde<V>()) const {
        return key_value_store<K, V>(task_->store(name), std::move(key_serde), std::move(value_serde),
                                     changelog_topic_name(task_->application_id(), name));
    }
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
    int64_t current_stream_time() const { return task_->stream_time(); }
    int64_t current_system_time_ms() const { return task_->wall_clock_ms(); }
    const std::string& application_id() const { return task_->application_id(); }
    const std::string& task_id() const { return task_->task_id(); }
    const std::string& processor_name() const { return node_->name(); }
    // For operators: count a record dropped on purpose (null key ...).
    void record_dropped() const { task_->record_dropped(); }
    // The runtime behind this context; for the DSL's operators only.
    internal::task_context& task() const { return *task_; }

private:
    internal::task_context* task_;
    internal::processor_node_base* node_;
};

template<class KIn, class VIn, class KOut, class VOut>
class processor {
public:
    using key_in = KIn;
    using value_in = VIn;
    using key_out = KOut;
    using value_out = VOut;
    virtual ~processor() = default;
    // The context lives as long as the processor.
    virtual void init(processor_context<KOut, VOut>& context) {}
    virtual void process(const record<KIn, VIn>& r) = 0;
    virtual void close() {}
};

template<class KIn, class VIn, class KOut, class VOut>
using processor_supplier = std::function<std::unique_ptr<processor<KIn, VIn, KOut, VOut>>()>;

}  // namespace samsa::streams

namespace samsa::streams::internal {

// Runs a processor as a node of the topology.
template<class KIn, class VIn, class KOut, class VOut>
class processor_node final : public input_node<KIn, VIn> {
public:
    processor_node(std::string name, std::unique_ptr<processor<KIn, VIn, KOut, VOut>> p)
        : input_node<KIn, VIn>(std::move(name), &typeid(record<KOut, VOut>)), processor_(std::move(p)) {}

    void init(task_context& task) override {
        processor_node_base::init(task);
        context_.emplace(task, *this);
        processor_->init(*context_);
    }
    void process(const record<KIn, VIn>& r) override { processor_->process(r); }
    void close() override { processor_->close(); }

private:
    std::unique_ptr<processor<KIn, VIn, KOut, VOut>> processor_;
    std::optional<processor_context<KOut, VOut>> context_;
};

}  // namespace samsa::streams::internal
