#include "samsa/streams/state/rocksdb_key_value_store.h"

#include <algorithm>
#include <set>
#include <system_error>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/statistics.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

namespace samsa::streams {

namespace {

rocksdb::Slice slice(bytes_view b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
bytes_view view(const rocksdb::Slice& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }
bytes copy(const rocksdb::Slice& s) {
    auto v = view(s);
    return bytes(v.begin(), v.end());
}

int compare(bytes_view a, bytes_view b) {
    return rocksdb::BytewiseComparator()->Compare(slice(a), slice(b));
}

// The key without its last `suffix` bytes of time (keys shorter than that are
// their own prefix). Only a hint for memtable inserts: it needs no ordering
// property (a window key's prefixes are not contiguous in byte order: "a" and
// "a\0" interleave, as in Kafka's WindowKeySchema).
class strip_time_suffix final : public rocksdb::SliceTransform {
public:
    explicit strip_time_suffix(size_t suffix) : suffix_(suffix), name_("samsa.strip_time_suffix." + std::to_string(suffix)) {}
    const char* Name() const override { return name_.c_str(); }
    rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
        return {key.data(), key.size() >= suffix_ ? key.size() - suffix_ : key.size()};
    }
    bool InDomain(const rocksdb::Slice& key) const override { return key.size() >= suffix_; }

private:
    size_t suffix_;
    std::string name_;
};

// Kafka Streams' RocksDBStore defaults (RocksDBStore.openDB): the changelog is
// the durable copy, so no WAL; modest memtables; a bloom filter for point
// lookups, which is what processors mostly do, except in the last level
// (optimize_filters_for_hits: a key looked up is mostly there, and the last
// level's filters would be most of the filters' memory); errors only in
// RocksDB's LOG file (its default, INFO, writes lines for every flush and
// compaction).
rocksdb::Options make_options(const rocksdb_key_layout& layout) {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.optimize_filters_for_hits = true;
    options.info_log_level = rocksdb::InfoLogLevel::ERROR_LEVEL;
    options.write_buffer_size = 16 << 20;
    options.max_write_buffer_number = 3;
    options.compaction_style = rocksdb::kCompactionStyleUniversal;
    options.compression = rocksdb::kNoCompression;
    options.keep_log_file_num = 2;
    options.IncreaseParallelism(2);

    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(50 << 20);
    table.block_size = 4096;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    if (layout.time_suffix_bytes > 0) {
        // Window and session segments: each record reads its key first (the
        // aggregate so far), often absent (a new window), which a memtable
        // bloom filter of whole keys answers without searching; and inserts
        // go where the key's last insert went. RocksDB ignores insert hints
        // under concurrent memtable writes, which one stream thread never
        // makes.
        options.memtable_prefix_bloom_size_ratio = 0.02;
        options.memtable_whole_key_filtering = true;
        options.memtable_insert_with_hint_prefix_extractor = std::make_shared<strip_time_suffix>(layout.time_suffix_bytes);
        options.allow_concurrent_memtable_write = false;
    }
    return options;
}

class rocksdb_iterator;

}  // namespace

struct rocksdb_key_value_store::db_state final : rocksdb_db_probe {
    std::optional<uint64_t> int_property(const std::string& name) const override {
        uint64_t value = 0;
        if (!db->GetIntProperty("rocksdb." + name, &value)) return std::nullopt;
        return value;
    }
    rocksdb_tickers take_tickers() override {
        rocksdb_tickers t;
        if (!statistics) return t;
        auto take = [&](rocksdb::Tickers ticker) { return statistics->getAndResetTickerCount(ticker); };
        t.bytes_written = take(rocksdb::BYTES_WRITTEN);
        t.bytes_read = take(rocksdb::BYTES_READ);
        t.memtable_bytes_flushed = take(rocksdb::FLUSH_WRITE_BYTES);
        t.memtable_hits = take(rocksdb::MEMTABLE_HIT);
        t.memtable_misses = take(rocksdb::MEMTABLE_MISS);
        t.block_cache_data_hits = take(rocksdb::BLOCK_CACHE_DATA_HIT);
        t.block_cache_data_misses = take(rocksdb::BLOCK_CACHE_DATA_MISS);
        t.block_cache_index_hits = take(rocksdb::BLOCK_CACHE_INDEX_HIT);
        t.block_cache_index_misses = take(rocksdb::BLOCK_CACHE_INDEX_MISS);
        t.block_cache_filter_hits = take(rocksdb::BLOCK_CACHE_FILTER_HIT);
        t.block_cache_filter_misses = take(rocksdb::BLOCK_CACHE_FILTER_MISS);
        t.write_stall_micros = take(rocksdb::STALL_MICROS);
        t.compaction_bytes_written = take(rocksdb::COMPACT_WRITE_BYTES);
        t.compaction_bytes_read = take(rocksdb::COMPACT_READ_BYTES);
        t.file_opens = take(rocksdb::NO_FILE_OPENS);
        t.file_closes = take(rocksdb::NO_FILE_CLOSES);
        t.file_errors = take(rocksdb::NO_FILE_ERRORS);
        return t;
    }

    std::shared_ptr<rocksdb::Statistics> statistics;  // with DEBUG metrics only
    std::unique_ptr<rocksdb::DB> db;
    rocksdb::WriteOptions write_options;
    rocksdb::ReadOptions read_options;
    // Iterators still alive: close() releases their RocksDB iterators first,
    // since RocksDB must not be closed under an open iterator (Kafka tracks
    // open iterators for the same reason).
    std::set<rocksdb_iterator*> iterators;
};

namespace {

class rocksdb_iterator final : public bytes_iterator {
public:
    // Iterates from `from` (or the first key) while keys are <= to_inclusive
    // and start with prefix, when those are set.
    rocksdb_iterator(rocksdb_key_value_store::db_state& state, const std::string& store_name,
                     std::optional<bytes_view> from, std::optional<bytes> to_inclusive, std::optional<bytes> prefix)
        : state_(&state), store_name_(store_name), to_(std::move(to_inclusive)), prefix_(std::move(prefix)) {
        rocksdb::ReadOptions options = state.read_options;
        if (to_) {
            // RocksDB's exclusive bound: to's immediate successor (to + 0x00).
            // It stops the iterator at the range's end in every memtable and
            // file, instead of reading on into the next key's data.
            upper_bound_.reserve(to_->size() + 1);
            upper_bound_.assign(to_->begin(), to_->end());
            upper_bound_.push_back(0);
            upper_bound_slice_ = slice(upper_bound_);
            options.iterate_upper_bound = &upper_bound_slice_;
        }
        it_.reset(state.db->NewIterator(options));
        if (from) it_->Seek(slice(*from));
        else it_->SeekToFirst();
        state.iterators.insert(this);
    }
    ~rocksdb_iterator() override {
        if (state_) state_->iterators.erase(this);
    }

    // The store is closing under us.
    void release() {
        it_.reset();
        state_ = nullptr;
    }

    bool has_next() override {
        check();
        if (!it_->Valid()) {
            if (!it_->status().ok()) {
                throw state_store_error("iterating state store " + store_name_ + ": " + it_->status().ToString());
            }
            return false;
        }
        auto key = view(it_->key());
        if (to_ && compare(key, *to_) > 0) return false;
        if (prefix_ && !starts_with(key, *prefix_)) return false;
        return true;
    }

    key_value<bytes, bytes> next() override {
        check();
        key_value<bytes, bytes> kv{copy(it_->key()), copy(it_->value())};
        it_->Next();
        return kv;
    }

    bytes peek_next_key() override {
        check();
        return copy(it_->key());
    }

private:
    void check() const {
        if (!it_) throw state_store_error("state store " + store_name_ + " was closed under an open iterator");
    }

    rocksdb_key_value_store::db_state* state_;
    std::string store_name_;
    std::optional<bytes> to_;
    std::optional<bytes> prefix_;
    // Referenced by the RocksDB iterator's options: declared before it_, so
    // they outlive it.
    bytes upper_bound_;
    rocksdb::Slice upper_bound_slice_;
    std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

rocksdb_key_value_store::rocksdb_key_value_store(std::string name, rocksdb_key_layout layout)
    : name_(std::move(name)), layout_(layout) {}

rocksdb_key_value_store::~rocksdb_key_value_store() { close(); }

status rocksdb_key_value_store::init(const store_context& context) {
    return open(context.task_dir, context.rocksdb_metrics);
}

status rocksdb_key_value_store::open(const std::filesystem::path& task_dir, rocksdb_metrics_recorder* metrics) {
    if (db_) return make_error(errc::invalid_argument, "state store " + name_ + " is already open");
    std::filesystem::path dir = task_dir / "rocksdb" / name_;
    std::error_code ec;
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) {
        return make_error(errc::io_error,
                          "cannot create directory " + dir.parent_path().string() + " for state store " + name_ +
                              ": " + ec.message());
    }
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options = make_options(layout_);
    std::shared_ptr<rocksdb::Statistics> statistics;
    if (metrics && metrics->statistics_enabled()) {
        // Kafka's RocksDBMetricsRecorder: statistics only at DEBUG, without
        // the detailed timers.
        statistics = rocksdb::CreateDBStatistics();
        statistics->set_stats_level(rocksdb::StatsLevel::kExceptDetailedTimers);
        options.statistics = statistics;
    }
    rocksdb::Status s = rocksdb::DB::Open(options, dir.string(), &raw);
    if (!s.ok()) {
        // A held LOCK file shows up here as an IO error ("lock hold by current
        // process" / "Resource temporarily unavailable").
        return make_error(errc::io_error, "cannot open state store " + name_ + " at " + dir.string() + ": " +
                                              s.ToString());
    }
    auto state = std::make_unique<db_state>();
    state->db.reset(raw);
    state->write_options.disableWAL = true;
    state->statistics = std::move(statistics);
    db_ = std::move(state);
    db_dir_ = std::move(dir);
    metrics_ = metrics;
    if (metrics_) metrics_->add_db(db_.get());
    return ok();
}

bool rocksdb_key_value_store::is_open() const { return db_ != nullptr; }

namespace {
[[noreturn]] void fail(const std::string& store, const char* op, const rocksdb::Status& s) {
    throw state_store_error(std::string(op) + " on state store " + store + " failed: " + s.ToString());
}
}  // namespace

void rocksdb_key_value_store::check_open() const {
    if (!db_) throw state_store_error("state store " + name_ + " is not open");
}

void rocksdb_key_value_store::flush() {
    if (!db_) return;
    rocksdb::FlushOptions options;
    options.wait = true;
    rocksdb::Status s = db_->db->Flush(options);
    if (!s.ok()) fail(name_, "flush", s);
}

void rocksdb_key_value_store::close() {
    if (!db_) return;
    // First: a metrics snapshot may be reading the database's properties.
    if (metrics_) metrics_->remove_db(db_.get());
    metrics_ = nullptr;
    for (auto* it : db_->iterators) it->release();
    db_->iterators.clear();
    // With the WAL off, the memtable would be lost without this flush. Errors
    // are not thrown from close(): it also runs from the destructor, and the
    // changelog still holds the data.
    rocksdb::FlushOptions options;
    options.wait = true;
    (void)db_->db->Flush(options);
    (void)db_->db->Close();
    db_.reset();
}

std::optional<bytes> rocksdb_key_value_store::get(bytes_view key) {
    check_open();
    // Pinned: a value found in the block cache or memtable is copied once,
    // into the result, not into a std::string first.
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->db->Get(db_->read_options, db_->db->DefaultColumnFamily(), slice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) fail(name_, "get", s);
    bytes_view v = view(value);
    return bytes(v.begin(), v.end());
}

void rocksdb_key_value_store::put(bytes_view key, std::optional<bytes_view> value) {
    check_open();
    rocksdb::Status s = value ? db_->db->Put(db_->write_options, slice(key), slice(*value))
                              : db_->db->Delete(db_->write_options, slice(key));
    if (!s.ok()) fail(name_, value ? "put" : "delete", s);
}

std::optional<bytes> rocksdb_key_value_store::put_if_absent(bytes_view key, std::optional<bytes_view> value) {
    auto existing = get(key);
    if (!existing) put(key, value);
    return existing;
}

void rocksdb_key_value_store::put_all(std::span<const bytes_entry> entries) {
    check_open();
    rocksdb::WriteBatch batch;
    for (const auto& e : entries) {
        rocksdb::Status s = e.value ? batch.Put(slice(e.key), slice(*e.value)) : batch.Delete(slice(e.key));
        if (!s.ok()) fail(name_, "put_all", s);
    }
    rocksdb::Status s = db_->db->Write(db_->write_options, &batch);
    if (!s.ok()) fail(name_, "put_all", s);
}

std::optional<bytes> rocksdb_key_value_store::remove(bytes_view key) {
    auto old = get(key);
    if (old) put(key, std::nullopt);
    return old;
}

std::unique_ptr<bytes_iterator> rocksdb_key_value_store::range(bytes_view from, bytes_view to) {
    check_open();
    if (compare(from, to) > 0) {
        return std::make_unique<vector_key_value_iterator<bytes, bytes>>(std::vector<key_value<bytes, bytes>>{});
    }
    return std::make_unique<rocksdb_iterator>(*db_, name_, from, bytes(to.begin(), to.end()), std::nullopt);
}

std::unique_ptr<bytes_iterator> rocksdb_key_value_store::all() {
    check_open();
    return std::make_unique<rocksdb_iterator>(*db_, name_, std::nullopt, std::nullopt, std::nullopt);
}

std::unique_ptr<bytes_iterator> rocksdb_key_value_store::prefix_scan(bytes_view prefix) {
    check_open();
    return std::make_unique<rocksdb_iterator>(*db_, name_, prefix, std::nullopt, bytes(prefix.begin(), prefix.end()));
}

int64_t rocksdb_key_value_store::approximate_num_entries() {
    check_open();
    uint64_t n = 0;
    if (!db_->db->GetIntProperty("rocksdb.estimate-num-keys", &n)) return 0;
    return static_cast<int64_t>(n);
}

}  // namespace samsa::streams
