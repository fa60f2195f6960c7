#pragma once
// rocksdb_key_value_store: a persistent key_value_bytes_store in RocksDB
// (Kafka Streams' RocksDBStore), one database per store per task, at
//
//   <task_dir>/rocksdb/<store name>/
//
// Options follow Kafka Streams' defaults: no write-ahead log (the changelog
// topic is the durable copy; flush() at commit writes the memtable to SST
// files), 16 MiB write buffers, a bloom filter, bytewise key order. RocksDB's
// LOCK file keeps a second process or task from opening the same directory;
// init() then returns an io_error naming the path. The database reports to
// the store_context's RocksDB metrics recorder (rocksdb_metrics_recorder.h).
//
// Threads: owned by one stream thread, never locked.

#include <filesystem>
#include <memory>
#include <string>

#include "samsa/streams/export.h"
#include "samsa/streams/state/key_value_bytes_store.h"

namespace samsa::streams {

// How a store's keys look, so RocksDB can be tuned for them without changing
// what it stores or returns.
struct rocksdb_key_layout {
    // Bytes of time (and sequence number) at the end of every key: 12 for
    // window store segments (key | start | seqnum), 16 for session store
    // segments (key | end | start), 0 for plain key-value stores. When set,
    // the memtable keeps, per key without that suffix, a hint where it last
    // inserted (RocksDB's memtable_insert_with_hint_prefix_extractor, made
    // for "prefix + timestamp" keys): a window store's updates of one key
    // land next to each other, so they skip most of the skip list's search.
    size_t time_suffix_bytes = 0;
};

// The RocksDB inner store (Kafka's RocksDBStore); see the top of this file.
class SAMSA_STREAMS_API rocksdb_key_value_store final : public key_value_bytes_store {
public:
    // A store named name; layout: how keys are laid out on disk.
    explicit rocksdb_key_value_store(std::string name, rocksdb_key_layout layout = {});
    ~rocksdb_key_value_store() override;

    const std::string& name() const override { return name_; }
    bool persistent() const override { return true; }
    // open(context.task_dir).
    [[nodiscard]] status init(const store_context& context) override;
    // Opens (creating if missing) <task_dir>/rocksdb/<name>. With a metrics
    // recorder the database is added to it (and RocksDB keeps statistics
    // when the recorder wants them), and removed from it before it closes.
    [[nodiscard]] status open(const std::filesystem::path& task_dir, rocksdb_metrics_recorder* metrics = nullptr);
    void flush() override;
    void close() override;
    bool is_open() const override;
    // The database directory, empty before open().
    const std::filesystem::path& db_dir() const { return db_dir_; }

    std::optional<bytes> get(bytes_view key) override;
    void put(bytes_view key, std::optional<bytes_view> value) override;
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override;
    // One atomic write batch.
    void put_all(std::span<const bytes_entry> entries) override;
    std::optional<bytes> remove(bytes_view key) override;
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override;
    std::unique_ptr<bytes_iterator> all() override;
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override;
    // RocksDB's "rocksdb.estimate-num-keys": may count overwritten and deleted
    // keys until compaction, as Kafka warns.
    int64_t approximate_num_entries() override;

    // Defined in the .cc, which alone includes RocksDB's headers.
    struct db_state;

private:
    void check_open() const;

    std::string name_;
    rocksdb_key_layout layout_;
    std::filesystem::path db_dir_;
    std::unique_ptr<db_state> db_;
    rocksdb_metrics_recorder* metrics_ = nullptr;  // while open
};

}  // namespace samsa::streams
