#pragma once
// stream_task: one task (Kafka Streams' StreamTask): a sub-topology on one
// partition in the runtime, or every sub-topology on partition 0 in the
// topology test driver, which runs this same class. It owns its processor
// graph (task_graph: the record path), its stores (opened in
// <state.dir>/<application.id>/<task id>/ under a lock), the queue of records
// received but not processed (partition_group), the offsets it consumed and
// the changelog offsets its checkpoint records. It never talks to Kafka:
// records come in through add_record() and leave through the
// record_collector it is given.
//
// Life: created -> restoring (changelogs replayed into the stores through
// store.restore(), which does not log again) -> running <-> suspended ->
// closed.
//
// The commit, in the order a caller runs it (task_manager in the runtime,
// after each record in the driver, as Kafka's TopologyTestDriver does):
//   prepare_commit()   record caches write down and forward (may produce);
//   [runtime: flush the producer, commit committable_offsets()]
//   post_commit(enforce) the stores flush to disk and the checkpoint is
//                      written when enforced (suspend, close) or when the
//                      changelogs moved more than 10,000 records since the
//                      last one (Kafka's OFFSET_DELTA_THRESHOLD_FOR_CHECKPOINT:
//                      a RocksDB flush per commit costs more than replaying
//                      a few thousand changelog records after a crash).
//
// Under exactly_once_v2 (env.exactly_once), as Kafka: no checkpoint is
// written while the task runs, only on suspend and clean close; the one read
// at creation is deleted at once, so after a crash (or a dirty close) there
// is none, and a task directory without a checkpoint is wiped before its
// stores open: the stores may hold writes of an aborted transaction, and are
// rebuilt from the committed changelogs instead. A dirty close wipes too.
//
// Errors: a processor's or a store's exception leaves as task_failure naming
// the task; deserialization errors go to the handler (task_graph.h).
//
// Threads: one stream thread (or the driver's caller) owns the task for its
// whole life; nothing is locked (global stores, shared with the global
// thread, lock themselves).

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/streams/exception_handlers.h"
#include "samsa/streams/internal/runtime/checkpoint_file.h"
#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/partition_group.h"
#include "samsa/streams/internal/runtime/state_directory.h"
#include "samsa/streams/detail/runtime/task_context.h"
#include "samsa/streams/internal/runtime/task_graph.h"
#include "samsa/streams/internal/runtime/task_id.h"
#include "samsa/streams/internal/runtime/topology_metadata.h"
#include "samsa/streams/processor/timestamp_extractor.h"
#include "samsa/streams/topology.h"

namespace samsa::streams {
class state_restore_listener;
}

namespace samsa::streams::internal {

// What every task of a thread (or of the driver) shares.
class queryable_store_registry;
class streams_metrics;
struct thread_sensors;
struct task_sensors;

struct task_environment {
    const topology* topo = nullptr;
    const topology_metadata* metadata = nullptr;
    const state_directory* state_dir = nullptr;
    record_collector* collector = nullptr;
    // Global stores by name, owned by the global task.
    std::map<std::string, key_value_bytes_store*> global_stores;
    deserialization_handler_response on_deserialization_error = deserialization_handler_response::fail;
    std::function<int64_t()> wall_clock;
    // Hears changelog restoration (kafka_streams' global restore listener).
    state_restore_listener* restore_listener = nullptr;
    // The thread's record-cache budget (statestore.cache.max.bytes divided
    // as Kafka divides it: by the stream threads, plus one for the global
    // thread when there is one); the owner of the tasks makes `cache` from it
    // and keeps it alive longer than they live.
    int64_t cache_max_bytes = 10 * 1024 * 1024;
    thread_cache* cache = nullptr;
    // streams_config::windowed_emit_interval_ms.
    int64_t windowed_emit_interval_ms = 1000;
    // streams_config::outer_join_emit_interval_ms.
    int64_t outer_join_emit_interval_ms = 1000;
    // processing.guarantee=exactly_once_v2 (checkpoints and wiping above).
    bool exactly_once = false;
    // default.timestamp.extractor; nullptr: fail_on_invalid_timestamp.
    timestamp_extractor_ptr default_timestamp_extractor;
    // max.task.idle.ms and the consumer's fetched lags (partition_group.h);
    // no lag provider: every partition counts as caught up (the driver).
    int64_t max_task_idle_ms = 0;
    partition_group::lag_provider fetched_lag;
    // Where tasks register their stores for interactive queries (the
    // runtime); nullptr: not queryable from other threads (the driver).
    queryable_store_registry* queries = nullptr;
    // Built-in metrics (streams_metrics.h): the instance's registry and the
    // owning thread's sensors and name (its thread-id tag); nullptr in the
    // driver, which records none.
    streams_metrics* metrics = nullptr;
    thread_sensors* thread_metrics = nullptr;
    std::string thread_id;
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

    // Locks the directory, builds and initializes the nodes and stores of
    // `nodes` (a sub-topology, or the driver's union of them), reads the
    // checkpoint. inputs: the (decorated) partitions it reads. Errors:
    // already_exists when another thread or process holds the directory;
    // io_error/corrupt from stores and checkpoint; invalid_argument when a
    // processor's init() throws. committed: what the group last committed
    // for the inputs (the runtime's consumer; none in the driver): the
    // partition times and processor metadata in it are restored before the
    // processors initialize (Kafka's StreamTask.initializeMetadata).
    [[nodiscard]] static result<std::unique_ptr<stream_task>> create(task_id id, const subtopology_info& nodes,
                                                                     std::set<topic_partition> inputs,
                                                                     const task_environment& env,
                                                                     const committed_offsets& committed = {});
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
    void mark_running();
    // Revoked after a commit: stores stay open and current, buffered
    // records are dropped (the next owner of the partitions, maybe this
    // task again, reads from the committed offsets). resume() when the same
    // partitions come back, so nothing is restored again (Kafka's
    // SUSPENDED).
    void suspend() {
        records_.clear();
        state_ = state::suspended;
        set_queryable(false);
    }
    void resume();

    // Buffers a record under the timestamp its extractor gives (or drops
    // it: timestamp_extractor.h). Throws task_failure.
    void add_record(consumed_record r);
    // The same for a record of inputs() by its index (input_index()), as
    // the runtime finds it once for a run of records of one partition.
    void add_record(consumed_record r, size_t input_index);
    // The index of an input partition (its rank in inputs()); nullopt for
    // one the task does not read.
    std::optional<size_t> input_index(partition_ref tp) const { return records_.index_of(tp); }
    // Whether process_one() may run now (max.task.idle.ms: partition_group.h).
    bool is_processable(int64_t wall_clock_ms) {
        return records_.ready_to_process(wall_clock_ms, env_->max_task_idle_ms, env_->fetched_lag);
    }
    int64_t enforced_processing_total() const { return records_.enforced_processing_total(); }
    // partition_group::copy_borrowed(): buffered records that view bytes
    // they do not own get copies (the test driver, after a failure).
    void copy_borrowed_records() { records_.copy_borrowed(); }
    size_t buffered() const { return records_.buffered(); }
    size_t buffered(const topic_partition& tp) const { return records_.buffered(tp); }
    // Processes the next record in timestamp order (partition_group.h);
    // false when none is buffered. Throws task_failure.
    bool process_one();
    // Task-level process-rate/total (DEBUG): n records processed in a round,
    // counted by the caller so the record path does no metric work.
    void record_processed(size_t n);
    // After a round (DEBUG): active-buffer-count, the records buffered now
    // (Kafka records it after each processing loop), and enforced-processing,
    // the times partition_group enforced processing since the last round.
    void record_round();
    // active-process-ratio (INFO), as Kafka's TaskExecutor and
    // StreamTask.recordProcessTimeRatioAndBufferSize: add_process_time() sums
    // the task's processing time in a loop, record_process_ratio() records
    // it over all tasks' and starts over.
    void add_process_time(std::chrono::nanoseconds took) { process_time_ += took; }
    void record_process_ratio(std::chrono::nanoseconds all_tasks);
    // Kafka's StreamTask.recordRestoration (the changelog reader calls it):
    // init_remaining adds records to restore-remaining-records-total (INFO);
    // otherwise a restored batch of records: restore-rate/-total (DEBUG) and
    // the remaining down by as many.
    void record_restoration(int64_t records, bool init_remaining);
    // Records process_one() took but skipped (deserialization errors under
    // logAndContinue, negative timestamps): not processed in Kafka's counts.
    size_t skipped_total() const { return skipped_; }
    // Fire due punctuators (Kafka's maybePunctuateStreamTime /
    // maybePunctuateSystemTime); true when any fired. Throw task_failure.
    bool maybe_punctuate_stream_time();
    bool maybe_punctuate_wall_clock();

    // The commit steps (see above). Throw task_failure.
    void prepare_commit();
    [[nodiscard]] status post_commit(bool enforce_checkpoint);
    // Next offsets to read for every input partition processed since the
    // task started, with the task's metadata (partition time, processor
    // metadata) encoded as Kafka Streams commits it.
    committed_offsets committable_offsets() const;
    // Kafka's StreamTask.purgeableOffsets: the next offset to read of every
    // repartition topic partition processed since the task started. Right
    // after a commit the records before them are committed and may be
    // deleted from the broker.
    std::map<topic_partition, samsa::offset> purgeable_offsets() const;

    // Closes nodes and stores, releases the directory lock. dirty: after a
    // failure, without a commit; under exactly-once the state is wiped.
    void close(bool dirty = false);

    task_context& context() { return *context_; }

private:
    stream_task(task_id id, std::set<topic_partition> inputs, const task_environment& env);
    // Interactive queries (env.queries): the stores, and whether they are
    // current (running) or stale (restoring, suspended).
    void register_for_queries();
    void set_queryable(bool running);
    // The last offset of changelogs_[index]'s partition (restored or written), if any.
    std::optional<samsa::offset> changelog_offset(size_t index) const;
    // How far the changelogs moved past the last checkpoint, in records.
    int64_t changelog_records_since_checkpoint() const;
    void restore_committed_metadata(const committed_offsets& committed);
    template<class F>
    void guarded(const char* what, F&& f);
    // process_one() at DEBUG: also records process-latency and record-lateness.
    void process_measured(consumed_record r, const task_graph::source_ref& source);

    task_id id_;
    const task_environment* env_;
    state state_ = state::created;
    std::unique_ptr<task_lock> lock_;
    std::unique_ptr<checkpoint_file> checkpoint_;
    std::filesystem::path dir_;
    std::unique_ptr<task_context> context_;
    std::unique_ptr<task_graph> graph_;
    partition_group records_;
    std::vector<changelog_partition> changelogs_;
    // By index in changelogs_ (no lookup by topic name per commit: the test
    // driver commits after every record): the last offset restored.
    std::vector<std::optional<samsa::offset>> restored_;
    // By input partition index (partition_group::index_of): the next offset
    // to commit once a record was processed or dropped, and the source that
    // reads the partition (nullopt: none does, a topology error reported
    // when a record comes). Found once, not by name per record.
    std::vector<std::optional<samsa::offset>> consumed_;
    std::vector<std::optional<task_graph::source_ref>> input_sources_;
    // By input partition index: the extractor of its source (its own or
    // the default), and whether that is a built-in which answers a record's
    // own timestamp when it is not negative, so that add_record() takes a
    // valid one as it is, without calling it.
    std::vector<const timestamp_extractor*> input_extractors_;
    std::vector<bool> record_time_extractor_;
    // Changelog offsets when the stores were last flushed and checkpointed.
    std::vector<std::optional<samsa::offset>> checkpointed_;
    // Unregistered when the task closes (Kafka removes a task's sensors).
    std::unique_ptr<task_sensors> sensors_;
    size_t skipped_ = 0;
    int64_t enforced_recorded_ = 0;  // enforced_processing_total() at the last record_round()
    std::chrono::nanoseconds process_time_{0};  // since the last record_process_ratio()
};

}  // namespace samsa::streams::internal
