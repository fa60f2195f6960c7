#include "samsa/streams/internal/runtime/task_graph.h"

#include <set>

#include <spdlog/spdlog.h>

#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/streams_metrics.h"
#include "samsa/streams/detail/topology/internal_topology_builder.h"

namespace samsa::streams::internal {

task_graph::task_graph(const internal_topology_builder& b, const std::vector<std::string>& node_names,
                       std::string_view application_id) {
    std::map<std::string, processor_node_base*, std::less<>> by_name;
    for (const auto& name : node_names) {
        const node_factory& f = b.node(name);
        std::unique_ptr<processor_node_base> node;
        switch (f.kind) {
            case node_kind::source: {
                auto src = f.make_source();
                for (const auto& topic : f.topics) sources_[b.decorate_topic(application_id, topic)] = src.get();
                node = std::move(src);
                break;
            }
            case node_kind::processor:
                node = f.make_processor();
                break;
            case node_kind::sink:
                // A dynamic sink (extractor) routes by itself.
                if (f.extractor.empty()) {
                    sink_topics_.push_back(b.decorate_topic(application_id, f.topic));
                    node = f.make_sink(sink_topics_.back());
                } else {
                    node = f.make_sink(f.topic);
                }
                break;
        }
        for (const auto& p : f.predecessors) by_name.at(p)->add_child(node.get());
        by_name[f.name] = node.get();
        nodes_.push_back(std::move(node));
    }
}

task_graph::~task_graph() = default;

void task_graph::enable_metrics(streams_metrics* registry, const std::string& thread_id, const std::string& task_id) {
    std::set<const processor_node_base*> sources;
    for (const auto& [topic, s] : sources_) sources.insert(s);
    for (auto& n : nodes_) {
        bool source = sources.count(n.get()) > 0;
        if (!source && !n->children().empty()) continue;
        node_sensors_.push_back(std::make_unique<node_sensors>(registry, thread_id, task_id, n->name(), source));
        n->set_sensors(node_sensors_.back().get());
    }
}

void record_e2e_latency(const processor_node_base& node, int64_t record_timestamp) {
    node.sensors()->e2e_latency->record(static_cast<double>(node.task().metrics_clock_ms() - record_timestamp));
}

void task_graph::init(task_context& context) {
    for (auto& n : nodes_) n->init(context);
}

void task_graph::close(std::string_view task_name) {
    for (auto& n : nodes_) {
        try {
            n->close();
        } catch (const std::exception& e) {
            spdlog::warn("[streams] task {}: processor {} failed to close: {}", task_name, n->name(), e.what());
        }
    }
}

source_node_base* task_graph::source(std::string_view topic) const {
    auto it = sources_.find(topic);
    return it == sources_.end() ? nullptr : it->second;
}

std::optional<task_graph::source_ref> task_graph::find_source(std::string_view topic) const {
    auto it = sources_.find(topic);
    if (it == sources_.end()) return std::nullopt;
    return source_ref{it->second, it->first};
}

namespace {

std::string position(const consumed_record& r) { return r.tp.to_string() + "@" + std::to_string(r.offset()); }

}  // namespace

std::optional<int64_t> task_graph::extract_timestamp(const consumed_record& r, int64_t partition_time,
                                                     task_context& context,
                                                     const timestamp_extractor& default_extractor) const {
    std::optional<source_ref> source = find_source(r.tp.topic);
    if (!source) throw task_failure("task " + context.task_id() + " has no source for " + std::string(r.tp.topic));
    return extract_timestamp(r, *source, partition_time, context, default_extractor);
}

std::optional<int64_t> task_graph::extract_timestamp(const consumed_record& r, const source_ref& ref,
                                                     int64_t partition_time, task_context& context,
                                                     const timestamp_extractor& default_extractor) const {
    const std::string& task = context.task_id();
    const source_node_base& source = *ref.node;
    const timestamp_extractor& extractor = source.extractor() ? *source.extractor() : default_extractor;
    raw_record_ref raw{r.key, r.value, r.timestamp, &r.headers, record_metadata{ref.topic, r.tp.partition, r.offset()}};
    std::optional<int64_t> ts;
    try {
        ts = source.extract_timestamp(extractor, raw, partition_time);
    } catch (const std::exception& e) {
        throw task_failure("task " + task + ": the timestamp extractor failed on " + position(r) + ": " + e.what(),
                           std::current_exception());
    }
    if (!ts) return r.timestamp;
    if (*ts < 0) {
        spdlog::warn("[streams] task {}: Skipping record due to negative extracted timestamp. topic=[{}] "
                     "partition=[{}] offset=[{}] extractedTimestamp=[{}] extractor=[{}]",
                     task, r.tp.topic, r.tp.partition, r.offset(), *ts, extractor.name());
        context.record_dropped();
        return std::nullopt;
    }
    return ts;
}

record_outcome task_graph::process(consumed_record&& r, task_context& context,
                                   deserialization_handler_response handler) {
    std::optional<source_ref> source = find_source(r.tp.topic);
    if (!source) throw task_failure("task " + context.task_id() + " has no source for " + std::string(r.tp.topic));
    return process(std::move(r), *source, context, handler);
}

record_outcome task_graph::process(consumed_record&& r, const source_ref& ref, task_context& context,
                                   deserialization_handler_response handler) {
    const std::string& task = context.task_id();
    source_node_base& source = *ref.node;
    if (r.timestamp < 0) {
        spdlog::warn("[streams] task {} skips a record with negative timestamp {} at {}", task, r.timestamp,
                     position(r));
        context.record_dropped();
        return record_outcome::skipped;
    }
    // The key and value are read where the consumer received them. The
    // topic is a view of the name this graph keeps: stable while the task
    // lives (the record, and the name it views, do not).
    raw_record_ref raw{r.key, r.value, r.timestamp, &r.headers, record_metadata{ref.topic, r.tp.partition, r.offset()}};
    record_metadata metadata = raw.metadata;
    try {
        // The typed record copies the headers (usually none); the record
        // context takes them below.
        source.deserialize(raw);
    } catch (const std::exception& e) {
        if (handler == deserialization_handler_response::continue_processing) {
            spdlog::warn("[streams] task {} skips a record it cannot deserialize at {} "
                         "(default.deserialization.exception.handler=logAndContinue): {}",
                         task, position(r), e.what());
            context.record_dropped();
            return record_outcome::skipped;
        }
        throw task_failure("task " + task + ": deserialization error at " + position(r) +
                               " (default.deserialization.exception.handler=logAndFail): " + e.what(),
                           std::current_exception());
    }
    context.observe_timestamp(r.timestamp);
    context.set_current(std::move(metadata), r.timestamp, std::move(r.headers));
    if (node_sensors* sensors = source.sensors()) {
        record_e2e_latency(source, r.timestamp);
        sensors->process->record();
    }
    try {
        source.forward_deserialized();
    } catch (const task_failure&) {
        throw;
    } catch (const std::exception& e) {
        throw task_failure("task " + task + ": exception processing " + position(r) + ": " + e.what(),
                           std::current_exception());
    }
    return record_outcome::processed;
}

}  // namespace samsa::streams::internal
