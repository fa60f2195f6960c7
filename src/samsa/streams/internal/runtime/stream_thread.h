#pragma once
// stream_thread: one thread of a kafka_streams instance (Kafka Streams'
// StreamThread). It owns a group consumer (a member of the group
// <application.id>, subscribed to every source topic), a producer, a
// restore reader and its tasks, so processors never lock. Its loop:
//
//   poll the consumer (rebalance callbacks run here: revoke = commit and
//     close tasks, assign = create tasks and register their changelogs)
//   restore a batch of changelog records; restored tasks start running
//   process up to N records per running task, in timestamp order
//   fire wall-clock punctuators
//   every commit.interval.ms: commit (task_manager.h gives the order)
//
// Under exactly_once_v2 the producer is transactional (one per thread,
// transactional.id <application.id>-<process id>-<thread index>, Kafka's):
// init_transactions() before subscribing, a transaction per commit
// interval. A commit that fails aborts the transaction and rebuilds every
// task from its changelogs (task_manager::recover_all); a fenced producer
// (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH, any fatal producer error) is
// handled as Kafka's TaskMigratedException: tasks closed dirty, a new
// producer, the input re-read from the committed offsets. A processing
// exception still ends the thread (its close aborts and wipes).
//
// States, as Kafka's: created -> starting -> partitions_assigned <->
// partitions_revoked -> running -> pending_shutdown -> dead. A failure (a
// task_failure, a fatal client error) ends the loop with the error kept in
// failure(); the listener then sees dead.
//
// Metrics (streams_metrics.h): with env.metrics set, the thread-level
// sensors (stream-thread-metrics, thread-id = its name) live as long as the
// thread, and its tasks register theirs.
//
// Threads: run() on its own std::thread; shutdown() and the getters from
// any thread; the listener is called on the stream thread.

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "samsa/streams/internal/runtime/changelog_reader.h"
#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/runner_thread.h"
#include "samsa/streams/internal/runtime/stream_record_collector.h"
#include "samsa/streams/internal/runtime/streams_metrics.h"
#include "samsa/streams/internal/runtime/task_manager.h"
#include "samsa/streams/streams_config.h"

namespace samsa::streams::internal {

enum class stream_thread_state { created, starting, partitions_revoked, partitions_assigned, running, pending_shutdown, dead };
const char* to_string(stream_thread_state s);

struct stream_thread_clients {
    std::unique_ptr<group_consumer> consumer;
    std::unique_ptr<record_producer> producer;
    std::unique_ptr<partition_reader> restore_reader;
    // exactly_once_v2: makes a new producer with the same transactional.id
    // when the current one is fenced (unset: a fenced producer is fatal).
    std::function<result<std::unique_ptr<record_producer>>()> make_producer;
    // Deletes committed records of repartition topics (purge_records),
    // shared by the instance's threads; nullptr: no purge.
    admin_client* purger = nullptr;
};

class stream_thread final : private rebalance_listener {
public:
    using state_listener = std::function<void(stream_thread&, stream_thread_state now, stream_thread_state before)>;

    stream_thread(std::string name, const streams_config& config, task_environment env, stream_thread_clients clients,
                  state_listener listener);
    ~stream_thread() override;

    const std::string& name() const { return name_; }
    stream_thread_state state() const { return state_.load(); }
    // The error that ended the thread (nullptr while alive or after a clean
    // stop).
    std::exception_ptr failure() const;

    // Spawns the thread running run().
    // Until gate() is true the thread neither subscribes nor processes
    // (stream threads wait for the global stores' bootstrap). Before start().
    void set_start_gate(std::function<bool()> gate) { gate_ = std::move(gate); }
    void start();
    void shutdown() { stop_requested_ = true; }
    void join();

    // The loop; returns when shut down or failed. Public so that tests can
    // drive it without a thread through run_once().
    void run();
    // Subscribes (first call only) and runs one iteration. Throws
    // task_failure and std::runtime_error (fatal client errors).
    void run_once();
    // Commits, closes tasks and leaves the group.
    void close(bool clean);
    task_manager& tasks() { return *tasks_; }
    // The tasks this thread owns after its last rebalance (restoring or
    // running), for kafka_streams::metadata_for_local_threads().
    std::vector<task_id> active_tasks() const;

private:
    void set_state(stream_thread_state s);
    void on_partitions_revoked(const std::vector<topic_partition>& partitions) override;
    void on_partitions_assigned(const std::vector<topic_partition>& partitions) override;
    void on_partitions_lost(const std::vector<topic_partition>& partitions) override;
    void publish_tasks();
    // exactly_once_v2: after a failed commit or a fenced producer.
    void recover_from_failed_transaction(const std::string& why);
    void replace_fenced_producer();
    // The consumer poll, process, punctuate and commit steps of run_once(),
    // each timed into its sensor.
    void poll_records(std::chrono::milliseconds timeout, size_t max_records);
    void process_and_punctuate();
    void maybe_commit();
    void maybe_purge(std::chrono::steady_clock::time_point now);
    // The loop's ratios and process-records (thread_sensors).
    void record_loop(std::chrono::steady_clock::time_point start);

    // Time one run_once() spent on each step, for the *-ratio metrics.
    struct loop_times {
        std::chrono::nanoseconds poll{0};
        std::chrono::nanoseconds process{0};
        std::chrono::nanoseconds punctuate{0};
        std::chrono::nanoseconds commit{0};
        size_t processed = 0;
    };

    std::string name_;
    const streams_config* config_;
    std::vector<std::string> topics_;
    stream_thread_clients clients_;
    std::unique_ptr<thread_sensors> sensors_;  // before the tasks: they record into it
    thread_sensors* blocking_ = nullptr;       // sensors_ with a registry, else nullptr
    streams_metrics* rocksdb_trigger_ = nullptr;  // the registry at DEBUG (RocksDB statistics)
    loop_times loop_;
    std::unique_ptr<thread_cache> cache_;  // before the tasks: outlives their stores
    std::unique_ptr<stream_record_collector> collector_;
    std::unique_ptr<changelog_reader> restorer_;
    std::unique_ptr<task_manager> tasks_;
    state_listener listener_;
    std::function<bool()> gate_;
    std::atomic<stream_thread_state> state_{stream_thread_state::created};
    std::atomic<bool> stop_requested_{false};
    bool subscribed_ = false;
    bool closed_ = false;
    std::chrono::steady_clock::time_point last_commit_;
    std::chrono::steady_clock::time_point last_purge_;
    // The consumer's records of the last poll, kept from poll to poll so
    // that its capacity is reused (group_consumer::poll_into).
    std::vector<consumed_record> polled_;
    // An error raised inside a rebalance callback, rethrown after poll().
    std::exception_ptr callback_error_;
    mutable std::mutex tasks_mutex_;  // published_tasks_
    std::vector<task_id> published_tasks_;
    mutable std::mutex failure_mutex_;
    std::exception_ptr failure_;
    runner_thread thread_;
};

}  // namespace samsa::streams::internal
