#pragma once
// global_stream_thread: keeps the global stores (GlobalKTables and global
// stores of the Processor API) current on every instance (Kafka Streams'
// GlobalStreamThread). It reads every partition of each global topic with a
// group-free reader: first to the end offsets taken when it starts
// (bootstrap; stream threads wait for ready()), then on, as records arrive.
// Records go through the global source and processor (global_state_task,
// the same record path as every task's), which write the store; the topic
// itself is the store's changelog. Persistent stores
// resume after their checkpoint (<state.dir>/<app>/global/.checkpoint,
// source-topic offsets), in-memory ones read from the beginning.
//
// Threads: run() on its own thread. The stores are wrapped in
// synchronized_key_value_store because stream threads read them
// concurrently. ready(), shutdown() and failure() from any thread.

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/streams/internal/runtime/checkpoint_file.h"
#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/runner_thread.h"
#include "samsa/streams/internal/runtime/global_state_task.h"
#include "samsa/streams/internal/runtime/state_directory.h"
#include "samsa/streams/streams_config.h"
#include "samsa/streams/topology.h"

namespace samsa::streams::internal {

class global_stream_thread {
public:
    global_stream_thread(const streams_config& config, const topology& t, const state_directory& dirs,
                         std::unique_ptr<partition_reader> reader, std::function<int64_t()> wall_clock);
    ~global_stream_thread();

    // Opens the stores and builds the global nodes; partition counts of the
    // global topics come from the caller's metadata.
    [[nodiscard]] status initialize(const std::map<std::string, int>& partition_counts);
    // The stores, for the stream tasks (valid once initialize() succeeded).
    std::map<std::string, key_value_bytes_store*> stores() const;

    // Called on the global thread when it fails (the client then shuts
    // down, as Kafka's does). Before start().
    void set_failure_callback(std::function<void(std::exception_ptr)> cb) { on_failure_ = std::move(cb); }
    // Kafka's thread name, which the OS thread carries too (runner_thread.h).
    std::string name() const;
    void start();
    void shutdown() { stop_requested_ = true; }
    void join();
    bool ready() const { return ready_.load(); }
    bool alive() const { return !dead_.load(); }
    std::exception_ptr failure() const;

    // Bootstrap then keep current; public for tests without a thread.
    void run();
    // Reads to the end offsets taken now. Throws std::runtime_error.
    void bootstrap();
    // One poll and process; returns the number of records applied.
    size_t poll_once(std::chrono::milliseconds timeout);
    [[nodiscard]] status flush_and_checkpoint();

private:
    void apply(consumed_record&& r);

    const streams_config* config_;
    const topology* topology_;
    const state_directory* dirs_;
    std::unique_ptr<partition_reader> reader_;
    std::function<int64_t()> wall_clock_;
    std::unique_ptr<task_lock> lock_;
    std::unique_ptr<checkpoint_file> checkpoint_;
    std::unique_ptr<global_state_task> task_;
    std::map<topic_partition, samsa::offset, partition_less> positions_;  // last applied offset
    std::vector<topic_partition> partitions_;
    std::atomic<bool> stop_requested_{false};
    std::atomic<bool> ready_{false};
    std::atomic<bool> dead_{false};
    mutable std::mutex failure_mutex_;
    std::exception_ptr failure_;
    std::function<void(std::exception_ptr)> on_failure_;
    runner_thread thread_;
};

}  // namespace samsa::streams::internal
