#include "samsa/storage/partition_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"
#include "samsa/bytes/big_endian.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"
#include "samsa/storage/recovery.h"

namespace samsa::storage {
namespace {

using record::record_batch_header;

constexpr int16_t log_append_time_flag = 0x08;

// LogAppendTime: Kafka sets the attribute and the max timestamp, then the CRC.
// The header `h` is kept equal to the bytes.
void stamp_log_append_time(std::span<uint8_t> batch, record_batch_header& h, timestamp_ms now) {
    h.attributes = static_cast<int16_t>(h.attributes | log_append_time_flag);
    h.max_timestamp = now();
    put_be16(batch.data() + 21, static_cast<uint16_t>(h.attributes));
    put_be64(batch.data() + 35, static_cast<uint64_t>(h.max_timestamp));
    h.crc = record::compute_batch_crc(batch);
    put_be32(batch.data() + 17, h.crc);
}

// CreateTime: a batch a producer marked LogAppendTime is stored as CreateTime
// (Kafka's LogValidator: setMaxTimestamp(CREATE_TIME, max) on every batch,
// the max being the batch's own, since a LogAppendTime batch's records all
// read as it), so its records read with their own timestamps from then on.
void stamp_create_time(std::span<uint8_t> batch, record_batch_header& h) {
    h.attributes = static_cast<int16_t>(h.attributes & ~log_append_time_flag);
    put_be16(batch.data() + 21, static_cast<uint16_t>(h.attributes));
    h.crc = record::compute_batch_crc(batch);
    put_be32(batch.data() + 17, h.crc);
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

partition_log::partition_log(std::filesystem::path dir, const log_config& config)
    : dir_(std::move(dir)), config_(config) {}

partition_log::~partition_log() {
    if (auto st = close(); !st) spdlog::error("closing the log {}: {}", dir_.string(), st.error().message);
}

result<std::unique_ptr<partition_log>> partition_log::open(const std::filesystem::path& dir, const log_config& config,
                                                           const recovery_hint& hint) {
    if (config.segment_bytes <= 0 || config.segment_bytes > std::numeric_limits<int32_t>::max())
        return make_error(errc::invalid_argument,
                          fmt::format("segment.bytes {} is outside 1..2147483647", config.segment_bytes));
    if (config.index_interval_bytes < 0)
        return make_error(errc::invalid_argument, "index.interval.bytes must not be negative");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(errc::io_error, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    std::unique_ptr<partition_log> log(new partition_log(dir, config));
    if (auto st = log->load(hint); !st) return st.error();
    return log;
}

status partition_log::load(const recovery_hint& hint) {
    // A clean interrupted after its commit point is finished first (log_cleaner.h).
    if (auto swaps = complete_interrupted_swaps(dir_); !swaps) return swaps.error();
    std::vector<offset> bases;
    std::error_code ec;
    std::vector<std::filesystem::path> leftovers;
    std::vector<std::pair<std::filesystem::path, offset>> index_files;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
        const std::string name = entry.path().filename().string();
        // Kafka's LogLoader looks at regular files only: a directory named
        // like a segment is not one (and opening it would fail).
        std::error_code type_ec;
        if (!entry.is_regular_file(type_ec)) {
            spdlog::warn("storage: ignoring {}: not a regular file", entry.path().string());
            continue;
        }
        if (auto base = parse_segment_file_name(name, ".log")) {
            bases.push_back(*base);
        } else if (auto b = parse_segment_file_name(name, ".index")) {
            index_files.emplace_back(entry.path(), *b);
        } else if (auto t = parse_segment_file_name(name, ".timeindex")) {
            index_files.emplace_back(entry.path(), *t);
        } else if (auto x = parse_segment_file_name(name, ".txnindex")) {
            index_files.emplace_back(entry.path(), *x);
        } else if (ends_with(name, ".deleted") || ends_with(name, ".cleaned") || ends_with(name, ".tmp")) {
            leftovers.push_back(entry.path());
        }
    }
    if (ec) return make_error(errc::io_error, fmt::format("cannot list {}: {}", dir_.string(), ec.message()));
    std::sort(bases.begin(), bases.end());
    for (const auto& [path, base] : index_files) {
        if (!std::binary_search(bases.begin(), bases.end(), base)) leftovers.push_back(path);
    }
    for (const auto& path : leftovers) {
        std::filesystem::remove(path, ec);
        if (ec) spdlog::warn("cannot remove leftover {}: {}", path.string(), ec.message());
    }

    if (bases.empty()) {
        offset base = hint.log_start_offset.value_or(offset(0));
        auto seg = segment::create(dir_, base, config_.index_interval_bytes);
        if (!seg) return seg.error();
        segments_.push_back(std::move(*seg));
        log_end_offset_ = base;
        flush_state_->recovery_point.store(base(), std::memory_order_release);
    } else {
        for (offset base : bases) {
            auto seg = segment::open(dir_, base, config_.index_interval_bytes);
            if (!seg) return seg.error();
            segments_.push_back(std::move(*seg));
        }
        auto outcome = recover_segments(segments_, hint);
        if (!outcome) return outcome.error();
        log_end_offset_ = outcome->log_end_offset;
        flush_state_->recovery_point.store(outcome->recovery_point(), std::memory_order_release);
        summary_ = std::move(outcome->summary);
        if (auto st = drop_damaged_txn_indexes(); !st) return st;
        if (summary_.bytes_truncated > 0 || summary_.segments_removed > 0) {
            // Aborted transactions whose marker was cut off go too.
            if (auto st = segments_.back()->txn_index().truncate_to(log_end_offset_); !st) return st;
            // Make the truncation durable before anything new is appended after it.
            if (auto st = segments_.back()->flush(true); !st) return st;
        }
    }
    log_start_offset_ = std::max(hint.log_start_offset.value_or(offset(0)), segments_.front()->base_offset());
    log_start_offset_ = std::min(log_start_offset_, log_end_offset_);
    if (hint.cleaner_offset) cleaner_offset_ = *hint.cleaner_offset;
    publish();
    return ok();
}

status partition_log::drop_damaged_txn_indexes() {
    for (const auto& seg : segments_) {
        auto loaded = seg->txn_index().load();
        if (loaded) continue;
        if (loaded.error().code != errc::corrupt) return loaded;
        spdlog::warn("{}: {}; removing it, its entries are rebuilt from the transaction markers", dir_.string(),
                     loaded.error().message);
        if (auto st = seg->txn_index().remove_file(); !st) return st;
        if (!txn_index_rebuild_from_) txn_index_rebuild_from_ = seg->base_offset();
    }
    return ok();
}

void partition_log::publish() {
    published_log_start_.store(log_start_offset_(), std::memory_order_release);
    published_cleaner_offset_.store(cleaner_offset_(), std::memory_order_release);
}

size_t partition_log::segment_index_for(offset o) const {
    auto it = std::upper_bound(segments_.begin(), segments_.end(), o,
                               [](offset v, const std::unique_ptr<segment>& s) { return v < s->base_offset(); });
    return it == segments_.begin() ? 0 : static_cast<size_t>(std::distance(segments_.begin(), it) - 1);
}

bool partition_log::should_roll(segment& active, size_t batch_size, offset last_offset, timestamp_ms now) {
    if (active.empty()) return false;  // an oversized batch gets a segment of its own
    if (active.size_bytes() + batch_size > static_cast<uint64_t>(config_.segment_bytes)) return true;
    if (last_offset - active.base_offset() > std::numeric_limits<int32_t>::max()) return true;
    if (active.index().size_bytes() + offset_index::entry_size > static_cast<size_t>(config_.segment_index_bytes) ||
        active.timestamps().entry_count() * time_index::entry_size + time_index::entry_size >
            static_cast<size_t>(config_.segment_index_bytes))
        return true;
    auto base_time = active.roll_base_time();
    if (base_time && *base_time && now() - (**base_time)() >= config_.segment_ms.count()) return true;
    return false;
}

status partition_log::roll() {
    segment& old = *segments_.back();
    if (flusher_) {
        // The owner thread only writes what is pending; the flusher fsyncs the
        // sealed segment (data and indexes) and the directory, then moves the
        // recovery point to where the segment ends.
        if (auto st = old.seal_without_sync(); !st) return st;
        // Bounded queue: each job holds the segment's descriptors.
        flusher_->wait_below(background_flusher::max_pending_roll_flushes);
        auto fds = old.duplicate_fds(true);
        if (!fds) return fds.error();
        flush_state_->in_flight.fetch_add(1, std::memory_order_acq_rel);
        auto seg = segment::create(dir_, log_end_offset_, config_.index_interval_bytes);
        if (!seg) {
            for (int fd : *fds) ::close(fd);
            flush_state_->in_flight.fetch_sub(1, std::memory_order_acq_rel);
            return seg.error();
        }
        int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd >= 0) fds->push_back(dir_fd);
        flusher_->submit(std::move(*fds), log_end_offset_(), flush_state_, dir_.string());
        old.release_index_files();
        segments_.push_back(std::move(*seg));
    } else {
        if (auto st = old.seal(); !st) return st;
        old.release_index_files();
        auto seg = segment::create(dir_, log_end_offset_, config_.index_interval_bytes);
        if (!seg) return seg.error();
        if (auto st = sync_dir(dir_); !st) return st;
        segments_.push_back(std::move(*seg));
        flush_state_->raise_recovery_point(log_end_offset_());
    }
    unflushed_messages_ = 0;
    dirty_ = false;
    publish();
    return ok();
}

result<append_result> partition_log::append(std::span<uint8_t> batches, timestamp_ms now) {
    if (closed_) return make_error(errc::closed, fmt::format("log {} is closed", dir_.string()));
    if (batches.empty()) return make_error(errc::invalid_argument, "empty record set");

    // First pass: structure only, so that a malformed set changes nothing.
    auto& headers = headers_scratch_;
    headers.clear();
    record::batch_splitter splitter(batches);
    while (auto batch = splitter.next()) {
        auto header = record::read_batch_header(*batch);
        if (!header) return header.error();
        if (header->magic != record_batch_header::current_magic)
            return make_error(errc::unsupported, fmt::format("record batch magic {}", header->magic));
        headers.push_back({*header, splitter.consumed() - batch->size()});
    }
    if (splitter.truncated() || splitter.consumed() != batches.size())
        return make_error(errc::invalid_argument, "record set ends inside a batch");
    return append(batches, headers, now);
}

namespace {

// The validated list covers the record set exactly: each batch starts where
// the one before it ends, and the last one ends at the set's end.
bool covers_whole_set(std::span<const record::validated_batch> validated, size_t set_size) {
    size_t at = 0;
    for (const auto& b : validated) {
        if (b.position != at || b.header.batch_length < 0) return false;
        at += b.size();
    }
    return at == set_size;
}

}  // namespace

result<append_result> partition_log::append(std::span<uint8_t> batches, std::span<record::validated_batch> headers,
                                            timestamp_ms now) {
    if (closed_) return make_error(errc::closed, fmt::format("log {} is closed", dir_.string()));
    if (batches.empty() || headers.empty()) return make_error(errc::invalid_argument, "empty record set");
    if (!covers_whole_set(headers, batches.size()))
        return make_error(errc::invalid_argument, "the validated batches do not cover the record set");

    const bool append_time = config_.message_timestamp_type == timestamp_type::log_append_time;
    auto& infos = infos_scratch_;
    infos.clear();
    offset next = log_end_offset_;
    const offset first = next;
    int64_t records = 0;
    size_t position = 0;    // in `batches`
    size_t group_start = 0; // first byte of the batches not yet written
    size_t group_first = 0; // index in infos of the same
    for (auto& validated : headers) {
        auto& h = validated.header;
        const size_t size = h.total_size();
        const offset last = next + h.last_offset_delta;
        if (should_roll(*segments_.back(), size, last, now)) {
            if (group_first < infos.size()) {
                if (auto st = segments_.back()->append(
                        bytes_view(batches.data() + group_start, position - group_start),
                        std::span<const batch_info>(infos.data() + group_first, infos.size() - group_first), now);
                    !st)
                    return st.error();
                log_end_offset_ = infos.back().last_offset + 1;
                dirty_ = true;
            }
            if (auto st = roll(); !st) return st.error();
            group_start = position;
            group_first = infos.size();
        }
        std::span<uint8_t> batch = batches.subspan(position, size);
        h.base_offset = next();
        h.partition_leader_epoch = leader_epoch_();
        record::set_base_offset(batch, h.base_offset);
        record::set_partition_leader_epoch(batch, h.partition_leader_epoch);
        if (append_time) {
            stamp_log_append_time(batch, h, now);
        } else if (h.log_append_time()) {
            stamp_create_time(batch, h);
        }
        infos.push_back({next, last, append_time ? now : timestamp_ms(h.max_timestamp), static_cast<uint32_t>(size)});
        records += std::max<int32_t>(h.records_count, 1);
        next = last + 1;
        position += size;
    }
    segment& active = *segments_.back();
    active.preallocate(active.size_bytes() + (position - group_start), static_cast<uint64_t>(config_.segment_bytes));
    if (auto st = active.append(
            bytes_view(batches.data() + group_start, position - group_start),
            std::span<const batch_info>(infos.data() + group_first, infos.size() - group_first), now);
        !st)
        return st.error();
    log_end_offset_ = next;
    dirty_ = true;
    last_now_ = now;

    unflushed_messages_ += records;
    if (unflushed_messages_ >= config_.flush_interval_messages) {
        if (auto st = flush(); !st) return st.error();
    } else if (auto st = maybe_flush(now); !st) {
        return st.error();
    }
    return append_result{first, next - 1, append_time ? now : timestamp_ms(-1), log_start_offset_};
}

namespace {

// Cuts `out` before the first batch that starts at or after `end`.
void cut_at(read_result& out, offset end) {
    size_t pos = 0;
    while (pos < out.records.size()) {
        auto h = record::read_batch_header(bytes_view(out.records.data() + pos, out.records.size() - pos));
        if (!h) break;
        if (offset(h->base_offset) >= end) {
            out.records.resize(pos);
            out.next_offset = offset(h->base_offset);
            return;
        }
        pos += h->total_size();
    }
}

}  // namespace

result<read_result> partition_log::read(offset from, size_t max_bytes, bool min_one, offset end) const {
    if (from < log_start_offset_ || from > log_end_offset_)
        return make_error(errc::out_of_range, fmt::format("offset {} is outside [{}, {}] in {}", from(),
                                                          log_start_offset_(), log_end_offset_(), dir_.string()));
    read_result out{{}, from};
    if (from == log_end_offset_ || from >= end) return out;
    if (end < log_end_offset_) {
        auto all = read(from, max_bytes, min_one);
        if (all) cut_at(*all, end);
        return all;
    }
    size_t remaining = max_bytes;
    offset cursor = from;
    for (size_t i = segment_index_for(from); i < segments_.size(); ++i) {
        segment& seg = *segments_[i];
        auto found = seg.find_position(cursor);
        if (!found) return found.error();
        if (!*found) continue;  // nothing at or after cursor here (a gap): try the next segment
        const uint64_t position = **found;
        // One pread for as much as fits (at least a header), then keep whole batches only.
        const size_t before = out.records.size();
        const size_t want = std::max(remaining, record_batch_header::size);
        if (auto st = seg.read(position, want, out.records); !st) return st.error();
        const size_t got = out.records.size() - before;
        auto first = record::read_batch_header(bytes_view(out.records.data() + before, got));
        if (!first) {
            return make_error(errc::corrupt, fmt::format("{}: unreadable batch at position {}: {}",
                                                         seg.log_path().string(), position, first.error().message));
        }
        if (first->total_size() > remaining) {
            if (before == 0 && min_one) {
                // The first batch whole, even past max_bytes (Kafka's minOneMessage).
                const size_t size = first->total_size();
                if (got < size) {
                    if (auto st = seg.read(position + got, size - got, out.records); !st) return st.error();
                }
                out.records.resize(size);
                out.next_offset = offset(first->last_offset() + 1);
                seg.remember_position(out.next_offset, position + size);
            } else {
                out.records.resize(before);
            }
            return out;
        }
        size_t pos = before;
        offset next = out.next_offset;
        while (out.records.size() - pos >= record_batch_header::length_field_end) {
            const uint8_t* p = out.records.data() + pos + 8;
            const uint32_t length = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
            const size_t total = record_batch_header::length_field_end + length;
            if (length < record_batch_header::size - record_batch_header::length_field_end ||
                total > out.records.size() - pos)
                break;
            auto h = record::read_batch_header(bytes_view(out.records.data() + pos, total));
            if (!h) break;
            pos += total;
            next = offset(h->last_offset() + 1);
        }
        const bool reached_end = position + got >= seg.size_bytes();
        const bool all_whole = pos == out.records.size();
        out.records.resize(pos);
        out.next_offset = next;
        seg.remember_position(next, position + (pos - before));
        remaining -= pos - before;
        if (!(reached_end && all_whole) || remaining < record_batch_header::size) break;
        cursor = next;
    }
    return out;
}

result<std::optional<file_read_result>> partition_log::read_file_range(offset from, size_t max_bytes,
                                                                     size_t min_size, offset end) const {
    using none = std::optional<file_read_result>;
    if (from < log_start_offset_ || from >= log_end_offset_ || end < log_end_offset_ || max_bytes < min_size)
        return none{};
    segment& seg = *segments_[segment_index_for(from)];
    auto found = seg.find_position(from);
    if (!found) return found.error();
    if (!*found) return none{};
    const uint64_t position = **found;
    // Everything in the segment file is below the log end offset, which is
    // the high watermark here: a range never carries uncommitted bytes.
    const uint64_t limit = position + max_bytes;
    uint64_t cut = seg.size_bytes();
    offset next;
    if (limit < cut) {
        if (auto loaded = seg.ensure_indexes(); !loaded) return loaded.error();
        auto boundary = seg.index().last_at_or_before_position(limit);
        if (!boundary || boundary->position <= position) return none{};
        cut = boundary->position;
        auto base = seg.base_offset_at(cut);
        if (!base) return base.error();
        next = *base;
    } else {
        auto n = seg.next_offset();
        if (!n) return n.error();
        next = *n;
    }
    if (cut - position < min_size) return none{};
    auto log = seg.hold_log();
    if (!log) return none{};
    seg.remember_position(next, cut);
    return std::optional(file_read_result{std::move(log), position, static_cast<size_t>(cut - position), next});
}

namespace {

// Decompressing a stored batch is bounded by what the broker accepted when it
// was produced; this cap only guards against a damaged file.
constexpr size_t max_decoded_batch_bytes = 256 * 1024 * 1024;

}  // namespace

result<std::optional<timestamp_and_offset>> partition_log::offset_for_timestamp(timestamp_ms ts) const {
    using found = std::optional<timestamp_and_offset>;
    for (size_t i = segment_index_for(log_start_offset_); i < segments_.size(); ++i) {
        segment& seg = *segments_[i];
        auto max_ts = seg.max_timestamp();
        if (!max_ts) return max_ts.error();
        if (max_ts->timestamp < ts) continue;
        auto hit = seg.find_by_timestamp(ts, log_start_offset_);
        if (!hit) return hit.error();
        if (!*hit) continue;
        const auto& [where, batch_max] = **hit;
        // Kafka answers with the first record at or after ts: look inside the batch.
        bytes batch;
        if (auto st = seg.read(where.position, where.size, batch); !st) return st.error();
        if (auto records = record::batch_records::decode(batch, max_decoded_batch_bytes)) {
            for (const auto& r : records->records()) {
                if (records->offset_of(r) >= log_start_offset_ && records->timestamp_of(r) >= ts)
                    return found(timestamp_and_offset{records->timestamp_of(r), records->offset_of(r)});
            }
        }
        return found(timestamp_and_offset{batch_max, std::max(where.base_offset, log_start_offset_)});
    }
    return found{};
}

result<std::optional<timestamp_and_offset>> partition_log::max_timestamp() const {
    std::optional<timestamp_and_offset> best;
    segment* best_segment = nullptr;
    for (size_t i = segment_index_for(log_start_offset_); i < segments_.size(); ++i) {
        auto max_ts = segments_[i]->max_timestamp();
        if (!max_ts) return max_ts.error();
        if (max_ts->last_offset() < 0) continue;  // empty
        if (!best || max_ts->timestamp > best->timestamp) {
            best = timestamp_and_offset{max_ts->timestamp, max_ts->last_offset};
            best_segment = segments_[i].get();
        }
    }
    if (!best) return best;
    // The record carrying it, rather than its batch's last offset.
    auto where = best_segment->find(best->off);
    if (!where) return where.error();
    if (*where) {
        bytes batch;
        if (auto st = best_segment->read((*where)->position, (*where)->size, batch); !st) return st.error();
        if (auto records = record::batch_records::decode(batch, max_decoded_batch_bytes)) {
            for (const auto& r : records->records()) {
                if (records->timestamp_of(r) == best->timestamp && records->offset_of(r) >= log_start_offset_)
                    return std::optional<timestamp_and_offset>(timestamp_and_offset{best->timestamp, records->offset_of(r)});
            }
        }
    }
    return best;
}

status partition_log::append_aborted_txn(const aborted_txn& txn, bool if_missing) {
    if (closed_) return make_error(errc::closed, fmt::format("log {} is closed", dir_.string()));
    if (txn.last_offset < segments_.front()->base_offset() || txn.last_offset >= log_end_offset_)
        return make_error(errc::out_of_range, fmt::format("{}: no segment holds offset {}", dir_.string(),
                                                          txn.last_offset()));
    transaction_index& index = segments_[segment_index_for(txn.last_offset)]->txn_index();
    if (if_missing) {
        auto entries = index.all();
        if (!entries) return entries.error();
        if (!entries->empty() && entries->back().last_offset >= txn.last_offset) return ok();
    }
    if (auto st = index.append(txn); !st) return st;
    dirty_ = true;  // the next flush syncs the entry (and releases the index's descriptor)
    return ok();
}

result<std::vector<aborted_txn>> partition_log::collect_aborted_txns(offset from, offset upper_bound) const {
    std::vector<aborted_txn> out;
    for (size_t i = segment_index_for(from); i < segments_.size(); ++i) {
        auto found = segments_[i]->txn_index().collect(from, upper_bound);
        if (!found) return found.error();
        out.insert(out.end(), found->found.begin(), found->found.end());
        if (found->complete) break;
    }
    return out;
}

status partition_log::delete_segment_front() {
    SAMSA_ASSERT(segments_.size() > 1);
    if (auto st = segments_.front()->remove_files(); !st) return st;
    segments_.erase(segments_.begin());
    return ok();
}

result<offset> partition_log::delete_records_before(offset before) {
    if (closed_) return make_error(errc::closed, fmt::format("log {} is closed", dir_.string()));
    if (before > high_watermark() || before() < 0)
        return make_error(errc::out_of_range, fmt::format("offset {} is outside [0, {}] in {}", before(),
                                                          high_watermark()(), dir_.string()));
    if (before <= log_start_offset_) return log_start_offset_;
    log_start_offset_ = before;
    // Everything is to go: start an empty active segment at the log end so the old one can be removed.
    if (before == log_end_offset_ && !segments_.back()->empty()) {
        if (auto st = roll(); !st) return st.error();
    }
    while (segments_.size() > 1 && segments_[1]->base_offset() <= before) {
        if (auto st = delete_segment_front(); !st) return st.error();
    }
    publish();
    return log_start_offset_;
}

status partition_log::flush() {
    if (closed_) return ok();
    if (!dirty_) return ok();
    if (auto st = segments_.back()->flush(false); !st) return st;
    flush_state_->raise_recovery_point(log_end_offset_());
    unflushed_messages_ = 0;
    dirty_ = false;
    last_flush_ = last_now_;
    return ok();
}

status partition_log::flush_in_background() {
    if (!flusher_) return flush();
    if (closed_ || !dirty_) return ok();
    // One job at a time per log; a later tick retries.
    if (flush_state_->in_flight.load(std::memory_order_acquire) > 0) return ok();
    // Bounded queue: each job holds a descriptor; a later tick retries.
    if (flusher_->pending() >= background_flusher::max_pending_time_flushes) return ok();
    segment& active = *segments_.back();
    if (auto st = active.write_pending_indexes(); !st) return st;
    auto fds = active.duplicate_fds(false);
    if (!fds) return fds.error();
    flush_state_->in_flight.fetch_add(1, std::memory_order_acq_rel);
    flusher_->submit(std::move(*fds), log_end_offset_(), flush_state_, dir_.string());
    dirty_ = false;
    return ok();
}

status partition_log::maybe_flush(timestamp_ms now) {
    if (!last_flush_) last_flush_ = now;
    last_now_ = std::max(last_now_, now);
    if (!dirty_) {
        last_flush_ = now;
        return ok();
    }
    const int64_t since = now() - (*last_flush_)();
    if (since >= config_.flush_interval_ms.count() || since >= config_.recovery_point_interval.count()) {
        if (auto st = flush_in_background(); !st) return st;
        last_flush_ = now;
    }
    return ok();
}

status partition_log::close() {
    if (closed_) return ok();
    if (auto st = close_without_sync(); !st) return st;
    // A log whose open failed before its first segment existed has nothing to sync.
    if (segments_.empty()) return ok();
    if (auto st = segments_.back()->flush(true); !st) return st;
    mark_written_durable();
    return ok();
}

status partition_log::close_without_sync() {
    if (closed_) return ok();
    if (clean_job_) {
        // The cleaner checks this between batches; its .cleaned files go with it.
        clean_job_->cancel_and_wait();
        clean_job_.reset();
    }
    closed_ = true;
    if (segments_.empty()) return ok();
    return segments_.back()->seal_without_sync();
}

void partition_log::mark_written_durable() {
    flush_state_->raise_recovery_point(log_end_offset_());
    dirty_ = false;
}

uint64_t partition_log::size_bytes() const {
    uint64_t total = 0;
    for (const auto& seg : segments_) total += seg->size_bytes();
    return total;
}

}  // namespace samsa::storage
