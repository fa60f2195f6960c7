#pragma once
// The type-erased processor runtime. Every node of a built topology is a
// processor_node_base; a node that takes record<K, V> derives from
// input_node<K, V>. Parents call children through a static_cast, which is safe
// because connect() checks that the child's input type is the parent's output
// type (the typed DSL guarantees it; the check catches Processor API misuse).
// No std::any, no dynamic_cast, no serialization between processors.
//
// Threads: a node belongs to one task, run by one stream thread (or by the
// test driver's thread); nothing is locked.

#include <cassert>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "samsa/streams/export.h"
#include "samsa/streams/record.h"

namespace samsa::streams::internal {

class task_context;
struct node_sensors;

class processor_node_base {
public:
    processor_node_base(std::string name, const std::type_info* in_type, const std::type_info* out_type)
        : name_(std::move(name)), in_type_(in_type), out_type_(out_type) {}
    virtual ~processor_node_base() = default;
    processor_node_base(const processor_node_base&) = delete;
    processor_node_base& operator=(const processor_node_base&) = delete;

    virtual void init(task_context& task) { task_ = &task; }
    virtual void close() {}

    const std::string& name() const { return name_; }
    const std::vector<processor_node_base*>& children() const { return children_; }
    task_context& task() const { return *task_; }

    // Built-in metrics (streams_metrics.h): set by task_graph on source and
    // terminal nodes of a task that has metrics, else nullptr.
    node_sensors* sensors() const { return sensors_; }
    void set_sensors(node_sensors* s) { sensors_ = s; }

    // Throws std::logic_error when the types do not line up: a programmer
    // error in a hand-written topology, reported at build time.
    void add_child(processor_node_base* child) {
        if (out_type_ == nullptr || child->in_type_ == nullptr || *out_type_ != *child->in_type_) {
            throw std::logic_error("processor '" + child->name_ + "' cannot take the records of '" + name_ +
                                   "': key/value types differ");
        }
        children_.push_back(child);
    }

protected:
    task_context* task_ = nullptr;

private:
    node_sensors* sensors_ = nullptr;
    std::string name_;
    const std::type_info* in_type_;
    const std::type_info* out_type_;
    std::vector<processor_node_base*> children_;
};

// A node that takes record<K, V>. process() is handed the record: the node
// owns it and may move its key, value and headers into what it forwards, so
// a chain of operators moves a record along instead of copying it at every
// step (Kafka's records are immutable and shared; ours are moved).
template<class K, class V>
class input_node : public processor_node_base {
public:
    input_node(std::string name, const std::type_info* out_type)
        : processor_node_base(std::move(name), &typeid(record<K, V>), out_type) {}
    virtual void process(record<K, V>&& r) = 0;
};

// A terminal node's record-e2e-latency (Kafka records it as a record is
// forwarded to a node without children); task_graph.cc.
SAMSA_STREAMS_API void record_e2e_latency(const processor_node_base& node, int64_t record_timestamp);

// The latency is read before process() takes the record.
template<class K, class V>
void deliver(processor_node_base* child, record<K, V>&& r) {
    if (child->sensors()) record_e2e_latency(*child, r.timestamp);
    static_cast<input_node<K, V>*>(child)->process(std::move(r));
}

// To every child, in the order they were added (Kafka's). Each child gets a
// record of its own, equal to r: every child but the last a copy, the last
// r itself (so one child, the usual case, costs no copy).
template<class K, class V>
void forward_to(const std::vector<processor_node_base*>& children, record<K, V>&& r) {
    const size_t n = children.size();
    if (n == 0) return;
    for (size_t i = 0; i + 1 < n; ++i) deliver(children[i], record<K, V>(r));
    deliver(children[n - 1], std::move(r));
}

// forward_to() of a record the caller keeps: every child gets a copy.
template<class K, class V>
void forward_to(const std::vector<processor_node_base*>& children, const record<K, V>& r) {
    for (processor_node_base* child : children) deliver(child, record<K, V>(r));
}

// Forwards to the named child only (split/branch, Processor API's
// forward(record, childName)), moving r into it. Throws std::logic_error for
// an unknown child.
template<class K, class V>
void forward_to_child(const std::vector<processor_node_base*>& children, record<K, V>&& r, std::string_view child) {
    for (processor_node_base* c : children) {
        if (c->name() == child) {
            deliver(c, std::move(r));
            return;
        }
    }
    throw std::logic_error("no child processor named '" + std::string(child) + "'");
}

}  // namespace samsa::streams::internal
