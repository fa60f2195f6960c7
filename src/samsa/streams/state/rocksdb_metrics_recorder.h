#pragma once
// rocksdb_metrics_recorder: how a RocksDB store hands its databases to Kafka
// Streams' RocksDB metrics (Kafka's RocksDBMetricsRecorder), without the
// state library knowing the runtime's registry or the runtime knowing
// RocksDB's headers. A store gets the recorder in store_context; each
// database it opens (one, or one per segment of a window or session store)
// is added with a probe and removed before it closes. The runtime sums the
// databases of one store, as Kafka does.
//
//   rocksdb_db_probe::int_property("estimate-num-keys")  RocksDB's integer
//       property "rocksdb.estimate-num-keys" (the INFO gauges)
//   rocksdb_db_probe::take_tickers()  statistics' ticker counts since the
//       last call (Statistics::getAndResetTickerCount; the DEBUG sensors);
//       zeros when the database keeps no statistics
//
// statistics_enabled(): the store turns on RocksDB statistics (which cost
// some CPU on every operation) only then, as Kafka does at DEBUG.
//
// Threads: add_db/remove_db on the store's thread; the probe is called by
// the recorder from other threads (a metrics snapshot) while added:
// remove_db() waits for such a call to end, so the store closes the
// database only after it.

#include <cstdint>
#include <optional>
#include <string>

namespace samsa::streams {

// One RocksDB's statistics tickers since they were last taken (stream-state-metrics' RocksDB-based metrics).
struct rocksdb_tickers {
    uint64_t bytes_written = 0;           // BYTES_WRITTEN
    uint64_t bytes_read = 0;              // BYTES_READ
    uint64_t memtable_bytes_flushed = 0;  // FLUSH_WRITE_BYTES
    uint64_t memtable_hits = 0;           // MEMTABLE_HIT
    uint64_t memtable_misses = 0;         // MEMTABLE_MISS
    uint64_t block_cache_data_hits = 0;   // BLOCK_CACHE_DATA_HIT ...
    // BLOCK_CACHE_DATA_MISS
    uint64_t block_cache_data_misses = 0;
    // BLOCK_CACHE_INDEX_HIT
    uint64_t block_cache_index_hits = 0;
    // BLOCK_CACHE_INDEX_MISS
    uint64_t block_cache_index_misses = 0;
    // BLOCK_CACHE_FILTER_HIT
    uint64_t block_cache_filter_hits = 0;
    // BLOCK_CACHE_FILTER_MISS
    uint64_t block_cache_filter_misses = 0;
    uint64_t write_stall_micros = 0;        // STALL_MICROS
    uint64_t compaction_bytes_written = 0;  // COMPACT_WRITE_BYTES
    uint64_t compaction_bytes_read = 0;     // COMPACT_READ_BYTES
    uint64_t file_opens = 0;                // NO_FILE_OPENS
    uint64_t file_closes = 0;               // NO_FILE_CLOSES
    uint64_t file_errors = 0;               // NO_FILE_ERRORS
};

// What the metrics recorder reads of one open RocksDB (a RocksDB store gives it).
class rocksdb_db_probe {
public:
    virtual ~rocksdb_db_probe() = default;
    // "rocksdb." + name as an integer; nullopt when RocksDB does not know it.
    virtual std::optional<uint64_t> int_property(const std::string& name) const = 0;
    // The tickers since the last call (resets them).
    virtual rocksdb_tickers take_tickers() = 0;
};

// Kafka's RocksDBMetricsRecorder: the task's RocksDB stores register with it and it records their properties and
// statistics.
class rocksdb_metrics_recorder {
public:
    virtual ~rocksdb_metrics_recorder() = default;
    // Whether statistics are on (metrics.recording.level DEBUG or TRACE).
    virtual bool statistics_enabled() const = 0;
    // A store opened its RocksDB.
    virtual void add_db(rocksdb_db_probe* db) = 0;
    // A store closes its RocksDB.
    virtual void remove_db(rocksdb_db_probe* db) = 0;
};

}  // namespace samsa::streams
