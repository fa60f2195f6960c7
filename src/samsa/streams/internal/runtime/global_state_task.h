#pragma once
// global_state_task: the global stores and the global processors that keep
// them (Kafka Streams' GlobalStateUpdateTask with its state manager): every
// record of a global topic goes through its task_graph (the same record path
// as a stream_task's) into the store. The global thread runs one against the
// broker; the topology test driver runs one on its caller's thread.
//
//   auto g = global_state_task::create(topology, {.application_id = "app", .dir = dir, ...});
//   g->update(std::move(consumed));    // ITEM record -> KTABLE-SOURCE -> store
//   g->flush();
//
// Threads: update() and flush() on the thread that owns the task. With
// synchronized_stores the stores take a mutex on every call, so stream
// threads may read them meanwhile (the runtime); the driver needs none.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "samsa/base/result.h"
#include "samsa/streams/exception_handlers.h"
#include "samsa/streams/detail/runtime/task_context.h"
#include "samsa/streams/internal/runtime/task_graph.h"
#include "samsa/streams/topology.h"

namespace samsa::streams::internal {

struct global_task_options {
    std::string application_id;
    std::filesystem::path dir;  // <state.dir>/<application.id>/global
    std::function<int64_t()> wall_clock;
    deserialization_handler_response on_deserialization_error = deserialization_handler_response::fail;
    bool synchronized_stores = false;
};

class global_state_task {
public:
    // Opens the global stores and builds the global nodes. invalid_argument
    // when a store cannot open or a processor's init() throws.
    [[nodiscard]] static result<std::unique_ptr<global_state_task>> create(const topology& t,
                                                                           global_task_options options);
    ~global_state_task();
    global_state_task(const global_state_task&) = delete;
    global_state_task& operator=(const global_state_task&) = delete;

    // The stores by name, for the stream tasks that read them.
    std::map<std::string, key_value_bytes_store*> stores() const;
    // Global topic -> the store it keeps.
    const std::map<std::string, std::string, std::less<>>& topic_stores() const { return topic_stores_; }
    bool has_topic(std::string_view topic) const { return topic_stores_.count(topic) > 0; }

    // One record of a global topic. Throws task_failure.
    record_outcome update(consumed_record&& r);
    // Flushes the stores (caches and disk). Throws task_failure.
    void flush();
    task_context& context() { return *context_; }

private:
    class null_collector;
    global_state_task() = default;

    global_task_options options_;
    std::unique_ptr<null_collector> collector_;
    std::unique_ptr<task_context> context_;
    std::unique_ptr<task_graph> graph_;
    std::map<std::string, std::string, std::less<>> topic_stores_;
};

}  // namespace samsa::streams::internal
