#pragma once
// task_manager: the tasks of one stream thread (Kafka Streams'
// TaskManager): creates them when partitions are assigned and hands them to
// the changelog reader, starts them (resumes their partitions) once
// restored, routes fetched records to them, runs them, and commits and
// closes them when partitions are revoked.
//
// The at-least-once commit, for every running task:
//   1. prepare: record caches write down, which may produce records and
//      changelog writes (stream_task::prepare_commit);
//   2. flush the producer: every record sent so far, changelogs included,
//      is acknowledged (and the changelog offsets are known);
//   3. post-commit: stores flushed to disk and checkpoints written when
//      due (every 10,000 changelog records, and always on revocation and
//      close; stream_task::post_commit);
//   4. commit the consumed offsets.
// After a crash, input is re-read from the last committed offsets, so
// output may repeat but is never lost.
//
// The exactly_once_v2 commit (Kafka's, one transaction per thread): every
// running task prepares, the producer is flushed, the consumed offsets of
// all of them go into the thread's transaction with the consumer's group
// metadata, and the transaction commits; no checkpoint is written (only on
// suspend and clean close). A revocation commits all running tasks, since
// one transaction holds them all. A failed commit or a dirty close aborts
// the transaction and closes the tasks dirty, which wipes their state
// (stream_task.h); recover_all() then makes them again from the changelogs
// and re-reads the input from the committed offsets.
//
// Threads: the stream thread; the consumer calls the rebalance methods from
// inside poll() on that thread.

#include <chrono>
#include <map>
#include <set>
#include <memory>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/streams/internal/runtime/changelog_reader.h"
#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/stream_record_collector.h"
#include "samsa/streams/internal/runtime/stream_task.h"

namespace samsa::streams::internal {

class task_manager {
public:
    task_manager(task_environment env, group_consumer& consumer, stream_record_collector& collector,
                 changelog_reader& restorer, size_t max_buffered_per_partition,
                 std::chrono::milliseconds request_timeout);
    ~task_manager();

    // Creates the tasks of newly assigned partitions and pauses their
    // partitions until they are restored.
    [[nodiscard]] status handle_assignment(const std::vector<topic_partition>& assigned);
    // Commits the running tasks owning revoked partitions and suspends
    // them; others are closed. The next assignment resumes suspended tasks
    // whose partitions came back and closes the rest (Kafka's eager path:
    // in-memory stores are not restored again when a task stays here).
    [[nodiscard]] status handle_revocation(const std::vector<topic_partition>& revoked);
    // Closes the tasks owning lost partitions without committing.
    void handle_lost(const std::vector<topic_partition>& lost);

    // Routes fetched records to their tasks' buffers.
    // Takes the records (each is moved out; the caller keeps the vector).
    void add_records(std::vector<consumed_record>& records);
    // How many more records the buffers may take: buffered.records.per.partition
    // times the assigned partitions, less what is buffered. The stream thread
    // polls no more than this. Back-pressure is not done with pause() as in
    // Kafka Streams' Java client: librdkafka's pause() throws the partition's
    // prefetched messages away and fetches them again on resume(), which
    // halved the order-mail benchmark; a consumer that is not polled stops
    // fetching by itself at queued.max.messages.kbytes.
    size_t poll_budget() const;
    // Advances restoration; restored tasks start running.
    [[nodiscard]] status restore(std::chrono::milliseconds poll_timeout, size_t max_records);
    // Up to max_per_task records per running task. Throws task_failure.
    size_t process(size_t max_per_task);
    // A task idling for an empty partition (max.task.idle.ms) while its
    // other partitions filled the poll budget would wait forever: the thread
    // stops polling when the budget is spent. So the partitions of idling
    // tasks holding more than buffered.records.per.partition are paused (as
    // Kafka pauses any such partition) for a poll to bring the empty ones;
    // process() resumes them once drained below it. True while any such
    // partition holds the budget (paused now or before).
    bool pause_full_partitions_of_idle_tasks();
    // Stream-time and wall-clock punctuators of running tasks; returns how
    // many fired (thread punctuate metrics). Throws task_failure.
    size_t punctuate();
    // The at-least-once commit above, for all running tasks.
    [[nodiscard]] status commit();
    // The running tasks' purgeable offsets (stream_task::purgeable_offsets),
    // for the purge that follows a commit.
    std::map<topic_partition, samsa::offset> purgeable_offsets();
    // Commits (when clean) and closes every task; under exactly-once a
    // failed or skipped commit aborts the transaction and wipes the tasks.
    void close_all(bool clean);
    // exactly_once_v2, after a failed commit (the producer may have been
    // replaced meanwhile): aborts what is open, closes every task dirty,
    // rewinds the consumer to the committed offsets and creates the tasks
    // again, to be restored from the changelogs (Kafka's handling of
    // TaskCorruptedException / TaskMigratedException).
    [[nodiscard]] status recover_all();

    bool restoring() const;
    // A running task has records waiting to be processed.
    bool has_buffered() const;
    // Records buffered that a task may process now (not idling for
    // max.task.idle.ms): the thread polls without waiting only then.
    bool has_processable();
    bool has_tasks() const { return !tasks_.empty(); }
    // Tasks a commit() would commit now.
    size_t running_count() const;
    std::vector<task_id> task_ids() const;
    stream_task* task(const task_id& id);
    int64_t restored_records() const { return restorer_->restored_records(); }

private:
    // enforce_checkpoint: on revocation and close (stream_task.h).
    // The group's last commit for new tasks' partitions; none if it cannot be read.
    committed_offsets committed_metadata(const std::vector<topic_partition>& partitions);
    [[nodiscard]] status commit_tasks(const std::vector<stream_task*>& tasks, bool enforce_checkpoint);
    void close_task(const task_id& id, bool dirty = false);
    std::vector<stream_task*> running_tasks();
    // Aborts the open transaction (exactly-once), logging a failure.
    void abort_transaction();
    void suspend_task(const task_id& id);
    void close_suspended();

    task_environment env_;
    group_consumer* consumer_;
    stream_record_collector* collector_;
    changelog_reader* restorer_;
    size_t max_buffered_;
    std::set<topic_partition> paused_for_idle_;
    void resume_drained_partitions();
    std::chrono::milliseconds timeout_;
    std::map<task_id, std::unique_ptr<stream_task>> tasks_;
    std::map<task_id, std::unique_ptr<stream_task>> suspended_;
    std::map<topic_partition, stream_task*, partition_less> by_partition_;
    // exactly_once_v2: the offsets this thread committed last, per partition.
    committed_offsets committed_;
};

}  // namespace samsa::streams::internal
