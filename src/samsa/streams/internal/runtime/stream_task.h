#pragma once
// stream_task: one sub-topology on one partition (Kafka Streams'
// StreamTask): its processor nodes and stores (opened in
// <state.dir>/<application.id>/<task id>/ under a lock), the partition group
// of records fetched but not processed, the offsets it consumed, and the
// changelog offsets its checkpoint records.
//
// Life: created -> restoring (changelogs replayed into the stores through
// store.restore(), which does not log again) -> running -> closed.
//
// Errors: a processor's or a store's exception leaves process_one() as a
// task_failure naming the task; a record the source cannot deserialize goes
// to the deserialization exception handler (log-and-continue skips it).
//
// Threads: one stream thread owns the task for its whole life; nothing is
// locked (global stores, shared with the global thread, lock themselves).

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/streams/internal/runtime/checkpoint_file.h"
#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/partition_group.h"
#include "samsa/streams/internal/runtime/source_node.h"
#include "samsa/streams/internal/runtime/state_directory.h"
#include "samsa/streams/internal/runtime/stream_record_collector.h"
#include "samsa/streams/internal/runtime/task_context.h"
#include "samsa/streams/internal/runtime/task_id.h"
#include "samsa/streams/internal/runtime/topology_metadata.h"
#include "samsa/streams/streams_config.h"
#include "samsa/streams/topology.h"

namespace samsa::streams {
class state_restore_listener;
}

namespace samsa::streams::internal {

struct task_environment {
    const topology* topo = nullptr;
    const topology_metadata* metadata = nullptr;
    const state_directory* state_dir = nullptr;
    record_collector* collector = nullptr;
    // Global stores by name, owned by the global thread.
    std::map<std::string, key_value_bytes_store*> global_stores;
    deserialization_handler_response on_deserialization_error = deserialization_handler_response::fail;
    std::function<int64_t()> wall_clock;
    // Hears changelog restoration (kafka_streams' global restore listener).
    state_restore_listener* restore_listener = nullptr;
    // Per store: statestore.cache.max.bytes / num.stream.threads.
    int64_t cache_max_bytes = 10 * 1024 * 1024;
};

// A changelog partition a task restores from.
struct changelog_partition {
    std::string store;
    topic_partition tp;
    bool persistent = false;
    // Where restoration starts: the checkpoint + 1 for persistent stores
    // that have one, else the beginning.
    samsa::offset start = beginning_offset;
};

class stream_task {
public:
    enum class state { created, restoring, running, suspended, closed };

    // Locks the directory, builds and initializes the nodes and stores,
    // reads the checkpoint. Errors: already_exists when another thread or
    // process holds the directory; io_error/corrupt from stores and
    // checkpoint; invalid_argument when a processor's init() throws.
    [[nodiscard]] static result<std::unique_ptr<stream_task>> create(task_id id, std::set<topic_partition> inputs,
                                                                     const task_environment& env);
    ~stream_task();
    stream_task(const stream_task&) = delete;
    stream_task& operator=(const stream_task&) = delete;

    const task_id& id() const { return id_; }
    state current_state() const { return state_; }
    const std::set<topic_partition>& inputs() const { return records_.partitions(); }
    const std::vector<changelog_partition>& changelogs() const { return changelogs_; }

    // Restoration: apply one changelog record to its store.
    void restore(const changelog_partition& c, const consumed_record& r);
    void start_restoring() { state_ = state::restoring; }
    void mark_running() { state_ = state::running; }
    // Revoked after a commit: stores stay open and current, buffered
    // records are dropped (the next owner of the partitions, maybe this
    // task again, reads from the committed offsets). resume() when the same
    // partitions come back, so nothing is restored again (Kafka's
    // SUSPENDED).
    void suspend() {
        records_.clear();
        state_ = state::suspended;
    }
    void resume() { state_ = state::running; }

    void add_record(consumed_record r) { records_.add(std::move(r)); }
    size_t buffered() const { return records_.buffered(); }
    size_t buffered(const topic_partition& tp) const { return records_.buffered(tp); }
    // Processes the next record in timestamp order; false when none is
    // buffered. Throws task_failure.
    bool process_one();
    // Fires due wall-clock punctuators. Throws task_failure.
    bool maybe_punctuate_wall_clock();

    // Commit steps (the task manager runs them in order across tasks).
    void flush_stores();
    // Next offsets to read for every input partition processed since the
    // task started.
    const std::map<topic_partition, samsa::offset>& consumed_offsets() const { return consumed_; }
    // Writes the offsets of persistent logged stores: the larger of what was
    // restored and what the collector delivered.
    [[nodiscard]] status write_checkpoint(const stream_record_collector& collector);

    // Closes nodes and stores, releases the directory lock.
    void close();

    int64_t skipped_records() const { return skipped_; }
    task_context& context() { return *context_; }

private:
    stream_task(task_id id, std::set<topic_partition> inputs, const task_environment& env);
    void build_nodes(const subtopology_info& s);

    task_id id_;
    const task_environment* env_;
    state state_ = state::created;
    std::unique_ptr<task_lock> lock_;
    std::unique_ptr<checkpoint_file> checkpoint_;
    std::unique_ptr<task_context> context_;
    std::vector<std::unique_ptr<processor_node_base>> nodes_;
    std::map<std::string, source_node_base*> sources_;  // decorated topic -> source
    partition_group records_;
    std::vector<changelog_partition> changelogs_;
    std::map<topic_partition, samsa::offset> restored_;
    std::map<topic_partition, samsa::offset> consumed_;
    int64_t skipped_ = 0;
};

}  // namespace samsa::streams::internal
