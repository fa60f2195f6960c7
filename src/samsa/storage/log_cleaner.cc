#include "samsa/storage/log_cleaner.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <limits>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "samsa/bytes/big_endian.h"
#include "samsa/record/compression.h"
#include "samsa/record/control_record.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"
#include "samsa/storage/batch_scanner.h"
#include "samsa/storage/offset_index.h"
#include "samsa/storage/segment.h"
#include "samsa/storage/time_index.h"

namespace samsa::storage {
namespace {

using record::record_batch_header;

constexpr int16_t delete_horizon_flag = 0x40;  // attribute bit 6 (KIP-534)
// Decoding a stored batch is bounded by what the broker accepted; this cap
// only guards against a damaged file.
constexpr size_t max_decoded_batch_bytes = 256 * 1024 * 1024;

constexpr std::string_view log_ext = ".log";
constexpr std::string_view index_ext = ".index";
constexpr std::string_view time_index_ext = ".timeindex";
constexpr std::string_view txn_index_ext = ".txnindex";

// key hash -> latest offset, open addressing; grows up to `max_entries`.
// Kafka's SkimpyOffsetMap keeps an MD5 of each key; two independent 64-bit
// hashes give the same 128 bits of collision resistance for less CPU.
class offset_map {
public:
    explicit offset_map(size_t max_entries) : max_entries_(std::max<size_t>(max_entries, 1)) { resize(1024); }

    // false when the key is new and the map is full.
    bool put(bytes_view key, int64_t off) {
        auto [h1, h2] = hash(key);
        slot* s = &find(h1, h2);
        if (s->off >= 0) {
            s->off = std::max(s->off, off);
            return true;
        }
        if (count_ >= max_entries_) return false;
        if ((count_ + 1) * 10 > slots_.size() * 9) {
            resize(slots_.size() * 2);
            s = &find(h1, h2);
        }
        *s = slot{h1, h2, off};
        ++count_;
        return true;
    }
    std::optional<int64_t> get(bytes_view key) const {
        auto [h1, h2] = hash(key);
        const slot& s = const_cast<offset_map*>(this)->find(h1, h2);
        if (s.off < 0) return std::nullopt;
        return s.off;
    }
    size_t size() const { return count_; }

private:
    struct slot {
        uint64_t h1 = 0;
        uint64_t h2 = 0;
        int64_t off = -1;
    };

    static std::pair<uint64_t, uint64_t> hash(bytes_view key) {
        return {std::_Hash_bytes(key.data(), key.size(), 0xc70f6907UL),
                std::_Hash_bytes(key.data(), key.size(), 0x9e3779b97f4a7c15UL)};
    }
    slot& find(uint64_t h1, uint64_t h2) {
        size_t mask = slots_.size() - 1;
        for (size_t i = h1 & mask;; i = (i + 1) & mask) {
            slot& s = slots_[i];
            if (s.off < 0 || (s.h1 == h1 && s.h2 == h2)) return s;
        }
    }
    void resize(size_t n) {
        std::vector<slot> old = std::move(slots_);
        slots_.assign(n, slot{});
        for (const auto& s : old) {
            if (s.off >= 0) find(s.h1, s.h2) = s;
        }
    }

    size_t max_entries_;
    size_t count_ = 0;
    std::vector<slot> slots_;
};

// Counts cleaner I/O against log.cleaner.io.max.bytes.per.second (Kafka
// throttles on the bytes read while mapping, and read and written while copying).
void throttle(const clean_request& req, uint64_t bytes, const std::atomic<bool>& cancel) {
    if (req.throttle) req.throttle->maybe_throttle(bytes, cancel);
}

// Calls `on_batch(item)` for each batch of `seg` in order until it returns
// false; its error, a read error, an unreadable batch or a cancel ends the
// walk with that error. The three passes of a clean walk segments this way.
template<class OnBatch>
status for_each_batch(const clean_input_segment& seg, bool need_body, size_t io_buffer_size,
                      const std::atomic<bool>& cancel, OnBatch&& on_batch) {
    batch_scanner scanner(seg.log, 0, seg.size, need_body, io_buffer_size);
    for (;;) {
        if (cancel.load(std::memory_order_relaxed)) return make_error(errc::closed, "clean cancelled");
        auto it = scanner.next();
        if (!it) return it.error();
        if (!*it) break;
        result<bool> more = on_batch(**it);
        if (!more) return more.error();
        if (!*more) return ok();
    }
    if (!scanner.stop_reason().empty())
        return make_error(errc::corrupt, fmt::format("{}: {}", seg.log.path().string(), scanner.stop_reason()));
    return ok();
}

// Step 1: maps the dirty segments' keys; returns the end of the mapped range
// (a segment boundary).
result<offset> build_offset_map(clean_request& req, offset_map& map, clean_stats& stats,
                                const std::atomic<bool>& cancel) {
    offset mapped_end = req.first_dirty;
    for (auto& seg : req.segments) {
        if (seg.next <= req.first_dirty) continue;
        bool full = false;
        auto map_batch = [&](const batch_scanner::item& b) -> result<bool> {
            const auto& h = b.header;
            throttle(req, h.total_size(), cancel);
            if (h.control() || h.last_offset() < req.first_dirty()) return true;
            auto records = record::batch_records::decode(b.batch, max_decoded_batch_bytes);
            if (!records) return records.error();
            for (const auto& r : records->records()) {
                if (!r.key || records->offset_of(r) < req.first_dirty) continue;
                if (!map.put(*r.key, records->offset_of(r)())) {
                    full = true;
                    return false;
                }
            }
            return true;
        };
        if (auto walked = for_each_batch(seg, true, req.io_buffer_size, cancel, map_batch); !walked)
            return walked.error();
        if (full) {
            if (mapped_end == req.first_dirty)
                return make_error(errc::too_large,
                                  fmt::format("log.cleaner.dedupe.buffer.size holds {} keys, too few for one segment "
                                              "of {}: raise it",
                                              map.size(), req.dir.string()));
            break;
        }
        mapped_end = seg.next;
    }
    stats.keys_mapped = map.size();
    return mapped_end;
}

// One cleaned segment being written.
class cleaned_writer {
public:
    static result<cleaned_writer> create(const std::filesystem::path& dir, offset base, int32_t index_interval) {
        auto log = file::open(cleaned_file(dir, base, log_ext), true);
        if (!log) return log.error();
        if (auto st = log->truncate(0); !st) return st.error();
        bool existed = false;
        auto index = offset_index::open(cleaned_file(dir, base, index_ext), base, existed);
        if (!index) return index.error();
        if (auto st = index->reset(); !st) return st.error();
        auto times = time_index::open(cleaned_file(dir, base, time_index_ext), base, existed);
        if (!times) return times.error();
        if (auto st = times->reset(); !st) return st.error();
        transaction_index txns(cleaned_file(dir, base, txn_index_ext));
        if (auto st = txns.remove_file(); !st) return st.error();
        return cleaned_writer(std::move(*log), std::move(*index), std::move(*times), std::move(txns), index_interval);
    }

    // An aborted transaction whose marker this segment keeps, with data of
    // the transaction before it (the .txnindex entry goes along).
    status add_aborted(const aborted_txn& t) { return txns_.append(t); }

    // Kafka's index rule (segment.h): an entry when more than
    // index.interval.bytes were written since the last one.
    status append(bytes_view batch, const record_batch_header& h, size_t flush_at) {
        if (h.max_timestamp > max_ts_.timestamp()) max_ts_ = {timestamp_ms(h.max_timestamp), offset(h.last_offset())};
        if (position_ - last_index_position_ > static_cast<uint64_t>(index_interval_)) {
            index_.append(offset(h.last_offset()), static_cast<uint32_t>(position_));
            times_.maybe_append(max_ts_.timestamp, max_ts_.last_offset);
            last_index_position_ = position_;
        }
        buffer_.insert(buffer_.end(), batch.begin(), batch.end());
        position_ += batch.size();
        next_ = offset(h.last_offset() + 1);
        if (buffer_.size() >= flush_at) return write_buffer();
        return ok();
    }

    // Writes what is buffered, the indexes, and fsyncs all three.
    status finish() {
        if (auto st = write_buffer(); !st) return st;
        // The last time index entry of a closed segment is its largest timestamp (segment.h).
        if (max_ts_.last_offset() >= 0) times_.maybe_append(max_ts_.timestamp, max_ts_.last_offset);
        if (auto st = index_.flush(true); !st) return st;
        if (auto st = times_.flush(true); !st) return st;
        if (auto st = txns_.sync(); !st) return st;
        return log_.sync();
    }
    uint64_t size() const { return position_; }
    std::optional<offset> next() const { return next_; }

private:
    cleaned_writer(file log, offset_index index, time_index times, transaction_index txns, int32_t index_interval)
        : log_(std::move(log)),
          index_(std::move(index)),
          times_(std::move(times)),
          txns_(std::move(txns)),
          index_interval_(index_interval) {}

    status write_buffer() {
        if (buffer_.empty()) return ok();
        if (auto st = log_.pwrite_all(buffer_, written_); !st) return st;
        written_ += buffer_.size();
        buffer_.clear();
        return ok();
    }

    file log_;
    offset_index index_;
    time_index times_;
    transaction_index txns_;
    int32_t index_interval_;
    bytes buffer_;
    uint64_t written_ = 0;
    uint64_t position_ = 0;
    uint64_t last_index_position_ = 0;
    timestamp_and_last max_ts_;
    std::optional<offset> next_;
};

void remove_cleaned_files(const std::filesystem::path& dir, offset base) {
    std::error_code ec;
    for (auto ext : {log_ext, index_ext, time_index_ext, txn_index_ext})
        std::filesystem::remove(cleaned_file(dir, base, ext), ec);
}

constexpr int16_t compression_codec_mask = 0x07;

// A retained batch rebuilt from some of its records: same base offset, last
// offset delta, producer fields, leader epoch and codec.
bytes rebuild_batch(const record::batch_records& decoded, const std::vector<const record::record_view*>& kept,
                    std::optional<timestamp_ms> horizon) {
    const record_batch_header& h = decoded.header();
    const int64_t base_ts = horizon ? (*horizon)() : h.base_timestamp;
    // An empty batch (a producer's last, kept for its sequence numbers) keeps
    // the batch's own timestamps, as Kafka writes it.
    int64_t max_ts = h.log_append_time() || kept.empty() ? h.max_timestamp : std::numeric_limits<int64_t>::min();
    bytes body;
    for (const auto* r : kept) {
        const int64_t ts = h.base_timestamp + r->timestamp_delta;
        if (!h.log_append_time()) max_ts = std::max(max_ts, ts);
        record::record owned;
        if (r->key) owned.key = bytes(r->key->begin(), r->key->end());
        if (r->value) owned.value = bytes(r->value->begin(), r->value->end());
        owned.timestamp = timestamp_ms(ts);
        for (const auto& hv : r->headers) {
            record::record_header rh{std::string(hv.key), std::nullopt};
            if (hv.value) rh.value = bytes(hv.value->begin(), hv.value->end());
            owned.headers.push_back(std::move(rh));
        }
        record::write_record(body, owned, ts - base_ts, r->offset_delta);
    }
    // No records: a bare header, uncompressed (Kafka's empty batch).
    bytes payload = h.codec() == record::compression_codec::none || kept.empty()
                        ? std::move(body)
                        : record::compress(h.codec(), body);
    bytes out(record_batch_header::size + payload.size());
    uint8_t* p = out.data();
    put_be64(p, static_cast<uint64_t>(h.base_offset));
    put_be32(p + 8, static_cast<uint32_t>(out.size() - record_batch_header::length_field_end));
    put_be32(p + 12, static_cast<uint32_t>(h.partition_leader_epoch));
    p[16] = static_cast<uint8_t>(record_batch_header::current_magic);
    int16_t attributes = h.attributes;
    if (kept.empty()) attributes = static_cast<int16_t>(attributes & ~compression_codec_mask);
    if (horizon) attributes = static_cast<int16_t>(attributes | delete_horizon_flag);
    put_be16(p + 21, static_cast<uint16_t>(attributes));
    put_be32(p + 23, static_cast<uint32_t>(h.last_offset_delta));
    put_be64(p + 27, static_cast<uint64_t>(base_ts));
    put_be64(p + 35, static_cast<uint64_t>(max_ts));
    put_be64(p + 43, static_cast<uint64_t>(h.producer_id));
    put_be16(p + 51, static_cast<uint16_t>(h.producer_epoch));
    put_be32(p + 53, static_cast<uint32_t>(h.base_sequence));
    put_be32(p + 57, static_cast<uint32_t>(kept.size()));
    std::copy(payload.begin(), payload.end(), out.begin() + record_batch_header::size);
    put_be32(p + 17, record::compute_batch_crc(out));
    return out;
}

struct filter_outcome {
    enum class kind { keep_as_is, rebuilt, dropped } what;
    bytes rebuilt;
    std::optional<timestamp_ms> horizon;  // of a kept batch that holds tombstones (or a marker)
};

// What the producer and transaction rules decided for one batch.
struct batch_rules {
    // The last batch of an idempotent producer in the cleaned range (or its
    // last marker, when that carries a newer epoch than its data): like
    // Kafka, kept even when no record survives (an empty batch with the
    // producer's id, epoch and sequences), so that producer state rebuilt
    // from the log still knows the producer's last sequence and epoch.
    bool producers_last = false;
    // Every record goes: data of an aborted transaction, or a marker past
    // its delete horizon that no data needs any more.
    bool discard_records = false;
    // A marker no data needs any more, kept until its delete horizon.
    bool marker_discardable = false;
};

std::optional<timestamp_ms> horizon_of(const record_batch_header& h) {
    if ((h.attributes & delete_horizon_flag) == 0) return std::nullopt;
    return timestamp_ms(h.base_timestamp);
}

timestamp_ms horizon_from(const clean_request& req) {
    const int64_t ms = req.delete_retention.count();
    return timestamp_ms(ms > std::numeric_limits<int64_t>::max() - req.now() ? std::numeric_limits<int64_t>::max()
                                                                              : req.now() + ms);
}

// A control batch: kept whole, emptied or dropped by the rules; a marker that
// became discardable gets its delete horizon the first time.
result<filter_outcome> filter_control_batch(bytes_view batch, const record_batch_header& h, const clean_request& req,
                                            const batch_rules& rules) {
    const auto horizon = horizon_of(h);
    if (!rules.discard_records && !(rules.marker_discardable && !horizon))
        return filter_outcome{filter_outcome::kind::keep_as_is, {}, rules.marker_discardable ? horizon : std::nullopt};
    auto decoded = record::batch_records::decode(batch, max_decoded_batch_bytes);
    if (!decoded) return decoded.error();
    if (rules.discard_records) {
        if (!rules.producers_last) return filter_outcome{filter_outcome::kind::dropped, {}, std::nullopt};
        if (decoded->records().empty()) return filter_outcome{filter_outcome::kind::keep_as_is, {}, std::nullopt};
        return filter_outcome{filter_outcome::kind::rebuilt, rebuild_batch(*decoded, {}, std::nullopt), std::nullopt};
    }
    std::vector<const record::record_view*> all;
    for (const auto& r : decoded->records()) all.push_back(&r);
    const timestamp_ms set = horizon_from(req);
    return filter_outcome{filter_outcome::kind::rebuilt, rebuild_batch(*decoded, all, set), set};
}

// Step 2-3 (and 5) for one batch.
result<filter_outcome> filter_batch(bytes_view batch, const record_batch_header& h, const offset_map& map,
                                    const clean_request& req, const batch_rules& rules, clean_stats& stats) {
    if (h.control()) return filter_control_batch(batch, h, req, rules);
    const bool producers_last = rules.producers_last;
    auto decoded = record::batch_records::decode(batch, max_decoded_batch_bytes);
    if (!decoded) return decoded.error();
    std::optional<timestamp_ms> horizon = horizon_of(h);
    std::vector<const record::record_view*> kept;
    kept.reserve(decoded->records().size());
    bool tombstones = false;
    for (const auto& r : decoded->records()) {
        ++stats.records_read;
        if (rules.discard_records) continue;  // an aborted transaction's
        if (!r.key) continue;  // a compacted topic cannot hold keyless records (Kafka drops them too)
        auto latest = map.get(*r.key);
        if (latest && decoded->offset_of(r)() < *latest) continue;  // superseded
        if (!r.value) {
            if (horizon && req.now >= *horizon) continue;  // tombstone past its delete horizon
            tombstones = true;
        }
        kept.push_back(&r);
    }
    stats.records_kept += kept.size();
    if (kept.empty() && producers_last) {
        if (decoded->records().empty()) return filter_outcome{filter_outcome::kind::keep_as_is, {}, std::nullopt};
        return filter_outcome{filter_outcome::kind::rebuilt, rebuild_batch(*decoded, kept, std::nullopt), std::nullopt};
    }
    if (kept.empty()) return filter_outcome{filter_outcome::kind::dropped, {}, std::nullopt};
    if (tombstones && !horizon) {
        horizon = horizon_from(req);
    } else if (kept.size() == decoded->records().size()) {
        return filter_outcome{filter_outcome::kind::keep_as_is, {}, tombstones ? horizon : std::nullopt};
    }
    // A horizon is only written into a batch that holds tombstones.
    std::optional<timestamp_ms> written = tombstones ? horizon : std::nullopt;
    return filter_outcome{filter_outcome::kind::rebuilt, rebuild_batch(*decoded, kept, written), written};
}

// A producer's last data batch and last marker in the cleaned range.
struct producer_last {
    int64_t data = -1;
    int16_t data_epoch = -1;
    int64_t marker = -1;
    int16_t marker_epoch = -1;

    // Kafka's isBatchLastRecordOfProducer, from what the range shows: the
    // last data batch, unless a later marker moved the producer to another
    // epoch (then the producer state keeps no batch, and that marker is the
    // one to keep).
    bool keeps(const record_batch_header& h) const {
        const bool epoch_moved = marker > data && marker_epoch != data_epoch;
        if (h.control()) return h.last_offset() == marker && (data < 0 || epoch_moved);
        return h.last_offset() == data && !epoch_moved;
    }
};

// producer id -> its last batches among the segments below `end` (headers
// only). A later batch in the active segment is not seen, so a batch may be
// kept empty that Kafka would drop: harmless.
result<std::unordered_map<int64_t, producer_last>> last_batches_of_producers(const clean_request& req, offset end,
                                                                            const std::atomic<bool>& cancel) {
    std::unordered_map<int64_t, producer_last> last;
    for (const auto& seg : req.segments) {
        if (seg.next > end) break;
        auto note_producer = [&](const batch_scanner::item& b) -> result<bool> {
            const auto& h = b.header;
            if (h.producer_id < 0) return true;
            auto& p = last[h.producer_id];
            if (h.control()) {
                p.marker = h.last_offset();
                p.marker_epoch = h.producer_epoch;
            } else {
                p.data = h.last_offset();
                p.data_epoch = h.producer_epoch;
            }
            return true;
        };
        if (auto walked = for_each_batch(seg, false, req.io_buffer_size, cancel, note_producer); !walked)
            return walked.error();
    }
    return last;
}

// Kafka's CleanedTransactionMetadata: walks the batches in offset order and
// says which belong to aborted transactions and which markers no data needs
// any more.
class txn_tracker {
public:
    explicit txn_tracker(std::vector<aborted_txn> aborted) : aborted_(std::move(aborted)) {
        std::sort(aborted_.begin(), aborted_.end(),
                  [](const aborted_txn& a, const aborted_txn& b) { return a.first_offset < b.first_offset; });
    }

    // A data batch: true when it belongs to an aborted transaction (its records go).
    bool on_batch(const record_batch_header& h) {
        consume_up_to(offset(h.last_offset()));
        if (!h.transactional()) return false;
        auto it = ongoing_aborted_.find(h.producer_id);
        if (it != ongoing_aborted_.end()) {
            it->second.observed_data = true;
            return true;
        }
        ongoing_committed_.insert(h.producer_id);
        return false;
    }

    // A control batch: true when no data in this clean needs it any more.
    // An ABORT marker kept for its data hands its .txnindex entry to `keep`.
    template<class KeepIndexEntry>
    bool on_control(const record_batch_header& h, bytes_view batch, KeepIndexEntry&& keep) {
        consume_up_to(offset(h.last_offset()));
        auto marker = record::read_end_txn_marker(batch);
        if (!marker) return false;           // unreadable: keep it as it is
        if (!*marker) return true;           // emptied already (or not a marker)
        if ((*marker)->type == record::control_type::abort) {
            auto it = ongoing_aborted_.find(h.producer_id);
            if (it == ongoing_aborted_.end()) return true;
            const bool observed = it->second.observed_data;
            const aborted_txn entry = it->second.txn;
            ongoing_aborted_.erase(it);
            if (!observed) return true;
            keep(entry);  // retained until its data is gone
            return false;
        }
        return ongoing_committed_.erase(h.producer_id) == 0;
    }

private:
    struct open_abort {
        aborted_txn txn;
        bool observed_data = false;
    };
    void consume_up_to(offset o) {
        while (next_ < aborted_.size() && aborted_[next_].first_offset <= o) {
            const auto& t = aborted_[next_++];
            ongoing_aborted_.try_emplace(t.producer(), open_abort{t, false});
        }
    }

    std::vector<aborted_txn> aborted_;
    size_t next_ = 0;
    std::unordered_map<int64_t, open_abort> ongoing_aborted_;
    std::set<int64_t> ongoing_committed_;
};

// Consecutive segments that fit one cleaned segment (Kafka's groupSegmentsBySize).
std::vector<std::vector<size_t>> group_segments(const clean_request& req, offset end) {
    std::vector<std::vector<size_t>> groups;
    uint64_t size = 0;
    for (size_t i = 0; i < req.segments.size(); ++i) {
        const auto& s = req.segments[i];
        if (s.next > end) break;
        // A generous bound on the index entries the group may need.
        auto index_bytes = [&](uint64_t bytes) {
            return req.index_interval_bytes > 0 ? bytes / static_cast<uint64_t>(req.index_interval_bytes) * 12 + 12
                                                : bytes;
        };
        bool fits = !groups.empty() && size + s.size <= static_cast<uint64_t>(req.max_segment_bytes) &&
                    index_bytes(size + s.size) <= static_cast<uint64_t>(req.max_index_bytes) &&
                    s.next() - 1 - req.segments[groups.back().front()].base() <= std::numeric_limits<int32_t>::max();
        if (!fits) {
            groups.emplace_back();
            size = 0;
        }
        groups.back().push_back(i);
        size += s.size;
    }
    return groups;
}

}  // namespace

std::filesystem::path cleaned_file(const std::filesystem::path& dir, offset base, std::string_view ext) {
    return dir / (segment_file_stem(base) + std::string(ext) + ".cleaned");
}

std::filesystem::path swap_file(const std::filesystem::path& dir, offset base, std::string_view ext) {
    return dir / (segment_file_stem(base) + std::string(ext) + ".swap");
}

result<clean_result> clean_segments(clean_request& req, const std::atomic<bool>& cancel) {
    clean_result out;
    offset_map map(req.map_entries);
    auto end = build_offset_map(req, map, out.stats, cancel);
    if (!end) return end.error();
    out.cleaned_up_to = *end;
    auto producers = last_batches_of_producers(req, *end, cancel);
    if (!producers) return producers.error();

    std::vector<offset> written;  // bases of the .cleaned files, removed on failure
    auto fail = [&](error e) -> result<clean_result> {
        for (offset b : written) remove_cleaned_files(req.dir, b);
        return e;
    };
    const size_t flush_at = std::max<size_t>(req.io_buffer_size, 64 * 1024);
    txn_tracker txns(req.aborted);
    for (const auto& members : group_segments(req, *end)) {
        cleaned_group group;
        group.base = req.segments[members.front()].base;
        written.push_back(group.base);
        auto writer = cleaned_writer::create(req.dir, group.base, req.index_interval_bytes);
        if (!writer) return fail(writer.error());
        for (size_t i : members) {
            auto& seg = req.segments[i];
            group.old_bases.push_back(seg.base);
            auto copy_kept = [&](const batch_scanner::item& b) -> result<bool> {
                const auto& h = b.header;
                out.stats.bytes_read += h.total_size();
                auto last = h.producer_id >= 0 ? producers->find(h.producer_id) : producers->end();
                batch_rules rules;
                rules.producers_last = last != producers->end() && last->second.keeps(h);
                status indexed = ok();
                if (h.control()) {
                    rules.marker_discardable =
                        txns.on_control(h, b.batch, [&](const aborted_txn& t) { indexed = writer->add_aborted(t); });
                    const auto horizon = horizon_of(h);
                    rules.discard_records = rules.marker_discardable && horizon && req.now >= *horizon;
                } else {
                    rules.discard_records = txns.on_batch(h);
                }
                if (!indexed) return indexed.error();
                auto kept = filter_batch(b.batch, h, map, req, rules, out.stats);
                if (!kept) return kept.error();
                if (kept->horizon && (!out.earliest_delete_horizon || *kept->horizon < *out.earliest_delete_horizon))
                    out.earliest_delete_horizon = kept->horizon;
                status st = ok();
                uint64_t wrote = 0;
                if (kept->what == filter_outcome::kind::keep_as_is) {
                    st = writer->append(b.batch, h, flush_at);
                    wrote = b.batch.size();
                } else if (kept->what == filter_outcome::kind::rebuilt) {
                    auto nh = record::read_batch_header(kept->rebuilt);
                    if (!nh) return nh.error();
                    st = writer->append(kept->rebuilt, *nh, flush_at);
                    wrote = kept->rebuilt.size();
                }
                if (!st) return st.error();
                throttle(req, h.total_size() + wrote, cancel);
                return true;
            };
            if (auto walked = for_each_batch(seg, true, req.io_buffer_size, cancel, copy_kept); !walked)
                return fail(walked.error());
        }
        if (auto st = writer->finish(); !st) return fail(st.error());
        out.stats.bytes_written += writer->size();
        group.next = writer->next();
        if (!group.next) {
            remove_cleaned_files(req.dir, group.base);
            written.pop_back();
        }
        out.groups.push_back(std::move(group));
    }
    return out;
}

result<int> complete_interrupted_swaps(const std::filesystem::path& dir) {
    std::error_code ec;
    std::vector<offset> log_swaps;
    std::vector<offset> index_swaps;
    std::vector<offset> segments;
    std::vector<std::filesystem::path> cleaned;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.ends_with(".cleaned")) {
            cleaned.push_back(entry.path());
        } else if (name.ends_with(".swap")) {
            const std::string inner = name.substr(0, name.size() - 5);
            if (auto b = parse_segment_file_name(inner, log_ext)) log_swaps.push_back(*b);
            else if (auto i = parse_segment_file_name(inner, index_ext)) index_swaps.push_back(*i);
            else if (auto t = parse_segment_file_name(inner, time_index_ext)) index_swaps.push_back(*t);
            else if (auto x = parse_segment_file_name(inner, txn_index_ext)) index_swaps.push_back(*x);
        } else if (auto b = parse_segment_file_name(name, log_ext)) {
            segments.push_back(*b);
        }
    }
    if (ec) return make_error(errc::io_error, fmt::format("cannot list {}: {}", dir.string(), ec.message()));
    // Never committed: the old segments are whole.
    for (const auto& p : cleaned) std::filesystem::remove(p, ec);
    // Index swaps without their .log.swap were not committed either.
    for (offset b : index_swaps) {
        if (std::find(log_swaps.begin(), log_swaps.end(), b) != log_swaps.end()) continue;
        std::filesystem::remove(swap_file(dir, b, index_ext), ec);
        std::filesystem::remove(swap_file(dir, b, time_index_ext), ec);
        std::filesystem::remove(swap_file(dir, b, txn_index_ext), ec);
    }
    for (offset base : log_swaps) {
        // The range the swap replaces: up to its last batch's last offset.
        auto log = file::open(swap_file(dir, base, log_ext), false);
        if (!log) return log.error();
        auto size = log->size();
        if (!size) return size.error();
        batch_scanner scanner(*log, 0, *size, false);
        offset next = base;
        for (;;) {
            auto it = scanner.next();
            if (!it) return it.error();
            if (!*it) break;
            next = offset((*it)->header.last_offset() + 1);
        }
        (void)log->close();
        for (offset old : segments) {
            if (old < base || old >= next) continue;
            for (auto ext : {log_ext, index_ext, time_index_ext, txn_index_ext})
                std::filesystem::remove(dir / (segment_file_stem(old) + std::string(ext)), ec);
        }
        for (auto ext : {index_ext, time_index_ext, txn_index_ext, log_ext}) {
            auto from = swap_file(dir, base, ext);
            auto to = dir / (segment_file_stem(base) + std::string(ext));
            if (!std::filesystem::exists(from, ec)) {
                std::filesystem::remove(to, ec);  // rebuilt at first use
                continue;
            }
            std::filesystem::rename(from, to, ec);
            if (ec)
                return make_error(errc::io_error, fmt::format("cannot rename {}: {}", from.string(), ec.message()));
        }
        spdlog::info("storage: {}: finished an interrupted clean (segment {}, offsets up to {})", dir.string(),
                     base(), next() - 1);
    }
    if (!log_swaps.empty()) {
        if (auto st = sync_dir(dir); !st) return st.error();
    }
    return static_cast<int>(log_swaps.size());
}

log_cleaner::log_cleaner(cleaner_config config) : config_(config), throttler_(config.io_max_bytes_per_second) {
    for (int32_t i = 0; i < std::max(config_.threads, 1); ++i) threads_.emplace_back([this] { run(); });
}

log_cleaner::~log_cleaner() { stop(); }

void log_cleaner::submit(std::shared_ptr<clean_job> job) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back(std::move(job));
            wake_.notify_one();
            return;
        }
    }
    std::lock_guard lock(job->mutex);
    job->outcome = result<clean_result>(error{errc::closed, "the cleaner is stopped"});
    job->done.store(true, std::memory_order_release);
    job->finished.notify_all();
}

void log_cleaner::stop() {
    std::deque<std::shared_ptr<clean_job>> left;
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
        left.swap(queue_);
    }
    wake_.notify_all();
    for (auto& job : left) {
        std::lock_guard lock(job->mutex);
        job->outcome = result<clean_result>(error{errc::closed, "the cleaner is stopped"});
        job->done.store(true, std::memory_order_release);
        job->finished.notify_all();
    }
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

void log_cleaner::run() {
    for (;;) {
        std::shared_ptr<clean_job> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        {
            std::lock_guard lock(job->mutex);
            if (job->cancel.load(std::memory_order_relaxed)) {
                job->outcome = result<clean_result>(error{errc::closed, "clean cancelled"});
                job->done.store(true, std::memory_order_release);
                job->finished.notify_all();
                continue;
            }
            job->started = true;
            job->request.throttle = &throttler_;
        }
        auto started = std::chrono::steady_clock::now();
        auto outcome = clean_segments(job->request, job->cancel);
        if (outcome) {
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            const auto& s = outcome->stats;
            spdlog::info("cleaner: {}: read {} bytes ({} records), kept {} records, wrote {} bytes, {} keys mapped, "
                         "in {} ms",
                         job->request.dir.filename().string(), s.bytes_read, s.records_read, s.records_kept,
                         s.bytes_written, s.keys_mapped, ms.count());
        }
        std::lock_guard lock(job->mutex);
        job->outcome = std::move(outcome);
        job->done.store(true, std::memory_order_release);
        job->finished.notify_all();
    }
}

}  // namespace samsa::storage
