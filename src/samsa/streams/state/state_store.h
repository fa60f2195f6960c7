#pragma once
// state_store: what every store in a task has, whatever it holds (Kafka
// Streams' StateStore). A store is built unopened by a store_builder, opened
// with init() when its task starts, flushed before each commit and closed when
// the task is closed or migrates away.
//
// Threads: a store belongs to one stream thread (or to the test driver) for its
// whole life and is never locked; nothing here is safe to call from two threads.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

#include "samsa/base/result.h"
#include "samsa/streams/export.h"
#include "samsa/streams/state/record_context.h"
#include "samsa/streams/state/rocksdb_metrics_recorder.h"
#include "samsa/streams/state/thread_cache.h"

namespace samsa::streams {

class changelog_sink;

// What a store needs from its task at init() time. The runtime or the test
// driver fills it; each layer of a store stack takes what it uses and passes
// the context down.
struct store_context {
    // application.id; the changelog topic is <application_id>-<store name>-changelog.
    std::string application_id;
    // The task's own directory (<state.dir>/<application.id>/<task id>); a
    // persistent store lives under <task_dir>/rocksdb/<store name>.
    std::filesystem::path task_dir;
    // The task's input partition, which is also its changelog partition.
    int32_t partition = 0;
    // Where change-logging layers write; nullptr when nothing is logged.
    changelog_sink* changelog = nullptr;
    // The task's current record (Kafka's ProcessorRecordContext): its
    // timestamp stamps changelog records of plain key-value stores
    // (timestamped stores use the value's own); a caching layer keeps it with
    // each dirty entry and restores it while writing the entry down. nullptr:
    // timestamp 0, no metadata.
    record_context_holder* records = nullptr;
    // The record caches' shared budget (Kafka's ThreadCache). nullptr: a
    // caching layer budgets cache_max_bytes for itself alone.
    thread_cache* cache = nullptr;
    // A caching layer's own budget when cache is nullptr
    // (statestore.cache.max.bytes).
    int64_t cache_max_bytes = 10 * 1024 * 1024;
    // Where a RocksDB store reports its databases for the RocksDB metrics
    // (rocksdb_metrics_recorder.h). nullptr: no metrics.
    rocksdb_metrics_recorder* rocksdb_metrics = nullptr;

    // The current record's timestamp; 0 without records.
    int64_t current_timestamp() const { return records ? records->current_record().timestamp : 0; }
};

// An operation on a store failed in a way the processor cannot handle: an I/O
// error from RocksDB in the middle of put(), or a call on a closed store. As
// Kafka's ProcessorStateException / InvalidStateStoreException, it is fatal for
// the task: the runtime catches it at the task boundary and closes the task
// (the changelog restores the state on the next start). It is an exception
// because key-value operations sit inside user processor code, which has no
// error path to return it through; init() failures, which happen at start-up
// in the runtime, are returned as status instead.
struct SAMSA_STREAMS_API state_store_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The life cycle every store has (Kafka Streams' StateStore); see the top
// of this file.
class SAMSA_STREAMS_API state_store {
public:
    virtual ~state_store() = default;

    // The store's name, unique in its topology (names its changelog topic).
    virtual const std::string& name() const = 0;
    // True for stores that keep their data on disk (RocksDB), which the runtime
    // then need not restore in full from the changelog on restart.
    virtual bool persistent() const = 0;

    // Opens the store. Errors: io_error when the directory cannot be created,
    // is unreadable, or is locked by another open store (another task or
    // process owning the same state directory).
    [[nodiscard]] virtual status init(const store_context& context) = 0;
    // Makes everything written so far durable in this layer and the ones below
    // (a cache writes its dirty entries down, RocksDB flushes its memtable).
    virtual void flush() = 0;
    // Flushes and releases the store; init() may be called again afterwards.
    virtual void close() = 0;
    // Between a successful init() and close().
    virtual bool is_open() const = 0;
};

}  // namespace samsa::streams
