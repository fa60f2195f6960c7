#pragma once
// changelog_reader: restores tasks' stores from their changelog topics
// before the tasks process anything (Kafka Streams' StoreChangelogReader).
// register_task() reads each changelog partition's end offset (the high
// watermark at that moment) and starts reading at the task's checkpoint + 1
// (persistent stores) or at the beginning (in-memory stores); restore()
// reads a bounded batch and applies it with store.restore(), which does not
// log again; a task is restored once every changelog partition reached its
// end offset. A state_restore_listener, when set, hears each partition's
// start, every batch and the end, as Kafka's does.
//
// Threads: the stream thread that owns the tasks and the reader.

#include <chrono>
#include <map>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/stream_task.h"
#include "samsa/streams/state_restore_listener.h"

namespace samsa::streams::internal {

class changelog_reader {
public:
    changelog_reader(partition_reader& reader, std::chrono::milliseconds request_timeout);
    // Before the first register_task(); nullptr for none.
    void set_listener(state_restore_listener* listener) { listener_ = listener; }
    // The thread's sensors (streams_metrics.h): reads count as blocked time,
    // and each task hears what it restores (stream_task::record_restoration).
    // nullptr: no metrics.
    void set_thread_sensors(thread_sensors* sensors) { sensors_ = sensors; }

    // Tasks with nothing to read complete at once (returned by the next
    // restore()).
    [[nodiscard]] status register_task(stream_task& task);
    // Stops restoring a task that is being closed.
    void unregister_task(const task_id& id);
    // Reads at most max_records, waiting at most poll_timeout; returns the
    // tasks whose restoration completed.
    [[nodiscard]] result<std::vector<stream_task*>> restore(std::chrono::milliseconds poll_timeout, size_t max_records);
    bool idle() const { return active_.empty() && completed_.empty(); }
    int64_t restored_records() const { return restored_records_; }

private:
    struct entry {
        stream_task* task;
        changelog_partition changelog;
        samsa::offset end{0};
        int64_t restored = 0;
    };
    void finish(const topic_partition& tp);
    void report_batches(const std::map<topic_partition, std::pair<int64_t, int64_t>>& batches);

    partition_reader* reader_;
    state_restore_listener* listener_ = nullptr;
    thread_sensors* sensors_ = nullptr;
    std::chrono::milliseconds timeout_;
    std::map<topic_partition, entry, partition_less> active_;  // found by a record's view
    std::map<task_id, int> pending_per_task_;
    std::vector<stream_task*> completed_;
    int64_t restored_records_ = 0;
};

}  // namespace samsa::streams::internal
