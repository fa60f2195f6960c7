#pragma once
// task_graph: the one place that turns topology nodes into a task's
// processor graph and runs a consumed record through it (Kafka Streams'
// ProcessorTopology plus the record half of StreamTask and
// GlobalStateUpdateTask). stream_task (sub-topology tasks of the runtime and
// of the topology test driver) and global_state_task (the global thread's
// and the driver's global stores) both hold one; nothing else builds nodes
// or processes records.
//
//   task_graph g(builder, names, "order-mail");  // sources, processors, sinks, wired
//   g.init(context);                             // processors' init(), parents first
//   g.process(std::move(consumed), context, handler);
//
// A record goes through these steps, in this order, each once:
//   1. the source of its topic (internal topics by their decorated name,
//      internal_topology_builder::decorate_topic);
//   2. timestamp: a negative one is skipped (logged, counted as dropped);
//   3. deserialization by the source's serdes; a failure goes to the
//      deserialization handler: logAndContinue skips (logged, counted),
//      logAndFail throws task_failure with the serde's exception as cause;
//   4. record context (topic, partition, offset, timestamp, headers) and
//      stream time set on the task_context;
//   5. the source forwards; what a processor, store or serde further down
//      throws leaves as task_failure (a processing error, never the
//      deserialization handler's).
//
// Threads: the thread running the task.

#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/streams/exception_handlers.h"
#include "samsa/streams/detail/runtime/node.h"
#include "samsa/streams/detail/runtime/source_node.h"
#include "samsa/streams/detail/runtime/task_context.h"

namespace samsa::streams::internal {

class internal_topology_builder;
struct consumed_record;
struct node_sensors;
class streams_metrics;

// A failure that ends the task (and its thread): a processor's exception,
// a store error, a deserialization error under logAndFail, a production
// error under the `fail` handler. cause(): the exception that started it,
// if any (the test driver rethrows it, so tests see the user's exception).
class task_failure : public std::runtime_error {
public:
    explicit task_failure(const std::string& what, std::exception_ptr cause = nullptr)
        : std::runtime_error(what), cause_(std::move(cause)) {}
    const std::exception_ptr& cause() const { return cause_; }

private:
    std::exception_ptr cause_;
};

enum class record_outcome { processed, skipped };

class task_graph {
public:
    // node_names: in topology order (parents first). Throws std::logic_error
    // when a child cannot take its parent's records (a hand-written
    // topology's type mismatch).
    task_graph(const internal_topology_builder& builder, const std::vector<std::string>& node_names,
               std::string_view application_id);
    ~task_graph();
    task_graph(const task_graph&) = delete;
    task_graph& operator=(const task_graph&) = delete;

    // Built-in metrics (streams_metrics.h): processor-node sensors on the
    // sources (process, record-e2e-latency) and on the terminal nodes
    // (record-e2e-latency), as Kafka 3.8 has them. Before process().
    void enable_metrics(streams_metrics* registry, const std::string& thread_id, const std::string& task_id);

    // Calls every node's init(), parents first.
    void init(task_context& context);
    // Calls every node's close(); failures are logged, not thrown.
    void close(std::string_view task_name);

    // The source reading a (decorated) topic, or nullptr.
    source_node_base* source(std::string_view topic) const;
    // A source with the name of its topic as this graph keeps it (stable
    // while the graph lives: records' metadata views it). stream_task
    // resolves one per input partition, once.
    struct source_ref {
        source_node_base* node = nullptr;
        std::string_view topic;
    };
    // nullopt when no source reads the topic.
    std::optional<source_ref> find_source(std::string_view topic) const;
    // The topics its sinks write, decorated (not those a topic extractor picks per record).
    const std::vector<std::string>& sink_topics() const { return sink_topics_; }
    // The record's timestamp from the extractor of its source (or
    // default_extractor), given its partition's time (timestamp_extractor.h);
    // the record's own timestamp when deserializing for the extractor failed.
    // nullopt for a negative result: the record is dropped (logged and
    // counted, as Kafka's RecordQueue). Throws task_failure when the
    // extractor throws or no source reads the topic.
    std::optional<int64_t> extract_timestamp(const consumed_record& r, int64_t partition_time, task_context& context,
                                             const timestamp_extractor& default_extractor) const;
    // The same with the record's source already found (find_source).
    std::optional<int64_t> extract_timestamp(const consumed_record& r, const source_ref& source,
                                             int64_t partition_time, task_context& context,
                                             const timestamp_extractor& default_extractor) const;
    // Steps 1-5 above. Throws task_failure (an unknown topic included).
    record_outcome process(consumed_record&& r, task_context& context, deserialization_handler_response handler);
    // Steps 2-5, the source found already (find_source).
    record_outcome process(consumed_record&& r, const source_ref& source, task_context& context,
                           deserialization_handler_response handler);

private:
    std::vector<std::unique_ptr<processor_node_base>> nodes_;
    std::vector<std::unique_ptr<node_sensors>> node_sensors_;
    std::map<std::string, source_node_base*, std::less<>> sources_;
    std::vector<std::string> sink_topics_;
};

}  // namespace samsa::streams::internal
