#include "samsa/storage/segment.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"
#include "samsa/record/record_batch.h"
#include "samsa/storage/batch_scanner.h"

namespace samsa::storage {
namespace {

constexpr size_t header_scan_block = 64 * 1024;
// A lookup scans at most one index interval (4 KiB by default) plus a batch.
constexpr size_t lookup_scan_block = 8 * 1024;
constexpr size_t validate_scan_block = 1024 * 1024;
// Preallocation (segment.h): reserve a quarter of what the segment holds
// ahead, at most 32 MiB, and nothing until it holds 4 MiB, so that a
// partition's reserve is bounded by its own rate and thousands of quiet
// partitions reserve nothing.
constexpr uint64_t preallocation_max_step = 32u << 20;
constexpr uint64_t preallocation_min_step = 1u << 20;

std::filesystem::path file_for(const std::filesystem::path& dir, offset base, std::string_view ext) {
    return dir / (segment_file_stem(base) + std::string(ext));
}

}  // namespace

std::string segment_file_stem(offset base) { return fmt::format("{:020d}", base()); }

std::optional<offset> parse_segment_file_name(std::string_view name, std::string_view ext) {
    if (name.size() != 20 + ext.size() || name.substr(20) != ext) return std::nullopt;
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + 20, v);
    if (ec != std::errc() || ptr != name.data() + 20 || v < 0) return std::nullopt;
    return offset(v);
}

segment::segment(offset base, std::filesystem::path log_path, offset_index index, time_index time_index,
                 int32_t index_interval_bytes)
    : base_offset_(base),
      log_(std::move(log_path)),
      index_(std::move(index)),
      time_index_(std::move(time_index)),
      txn_index_(log_.path().parent_path() / (segment_file_stem(base) + ".txnindex")),
      index_interval_bytes_(index_interval_bytes) {}

segment::~segment() = default;

result<std::unique_ptr<segment>> segment::create(const std::filesystem::path& dir, offset base,
                                                 int32_t index_interval_bytes) {
    bool existed = false;
    auto index = offset_index::open(file_for(dir, base, ".index"), base, existed);
    if (!index) return index.error();
    auto times = time_index::open(file_for(dir, base, ".timeindex"), base, existed);
    if (!times) return times.error();
    std::unique_ptr<segment> seg(
        new segment(base, file_for(dir, base, ".log"), std::move(*index), std::move(*times), index_interval_bytes));
    auto log = seg->log_.acquire(true);
    if (!log) return log.error();
    if (auto st = (*log)->truncate(0); !st) return st.error();
    if (auto st = seg->index_.reset(); !st) return st.error();
    if (auto st = seg->time_index_.reset(); !st) return st.error();
    // Index entries stay in memory until a flush, which reopens the files:
    // a partition holds no index descriptor between flushes.
    seg->release_index_files();
    if (auto st = seg->txn_index_.remove_file(); !st) return st.error();  // a leftover of an older segment
    seg->next_offset_ = base;
    seg->max_timestamp_ = timestamp_and_last{};
    seg->roll_base_time_ = std::optional<timestamp_ms>{};
    return seg;
}

result<std::unique_ptr<segment>> segment::open(const std::filesystem::path& dir, offset base,
                                               int32_t index_interval_bytes) {
    cached_file log(file_for(dir, base, ".log"));
    auto opened = log.acquire();
    if (!opened) return opened.error();
    auto size = (*opened)->size();
    if (!size) return size.error();
    opened->reset();
    log.close();  // reopened through the segment's own entry on first use
    bool index_existed = false;
    bool time_existed = false;
    auto index = offset_index::open(file_for(dir, base, ".index"), base, index_existed);
    if (!index) return index.error();
    auto times = time_index::open(file_for(dir, base, ".timeindex"), base, time_existed);
    if (!times) return times.error();
    std::unique_ptr<segment> seg(
        new segment(base, log.path(), std::move(*index), std::move(*times), index_interval_bytes));
    seg->size_ = *size;
    seg->indexes_missing_ = !index_existed || !time_existed;
    if (*size == 0) {
        seg->next_offset_ = base;
        seg->max_timestamp_ = timestamp_and_last{};
        seg->roll_base_time_ = std::optional<timestamp_ms>{};
    }
    return seg;
}

result<offset> segment::next_offset() {
    if (next_offset_) return *next_offset_;
    auto rebuilt = ensure_indexes();
    if (!rebuilt) return rebuilt.error();
    if (!next_offset_) {  // ensure_indexes did not scan: walk from the last index entry
        auto scan = scan_from(last_index_position_, false, std::nullopt);
        if (!scan) return scan.error();
        if (!scan->stop_reason.empty())
            spdlog::warn("segment {}: {}; using the {} bytes before it", log_.path().string(), scan->stop_reason,
                         scan->valid_end);
    }
    return *next_offset_;
}

result<timestamp_and_last> segment::max_timestamp() {
    if (max_timestamp_) return *max_timestamp_;
    auto next = next_offset();
    if (!next) return next.error();
    SAMSA_ASSERT(max_timestamp_);
    return *max_timestamp_;
}

result<std::optional<timestamp_ms>> segment::roll_base_time() {
    if (roll_base_time_) return *roll_base_time_;
    if (size_ == 0) return std::optional<timestamp_ms>{};
    bytes head(record::record_batch_header::size);
    auto log = log_file();
    if (!log) return log.error();
    auto n = (*log)->pread(head, 0);
    if (!n) return n.error();
    auto header = record::read_batch_header(bytes_view(head.data(), *n));
    if (!header) return header.error();
    roll_base_time_ = std::optional<timestamp_ms>(timestamp_ms(header->max_timestamp));
    return *roll_base_time_;
}

status segment::append(bytes_view batches, std::span<const batch_info> infos, timestamp_ms now) {
    SAMSA_ASSERT(index_.loaded() && time_index_.loaded() && next_offset_ && max_timestamp_);
    auto log = log_file();
    if (!log) return log.error();
    if (auto st = (*log)->pwrite_all(batches, size_); !st) {
        // Leave no partial batch behind for the next append to follow.
        (void)(*log)->truncate(size_);
        return st;
    }
    uint64_t position = size_;
    if (!infos.empty()) position_hints_[1] = {infos.front().base_offset, position};
    for (const auto& info : infos) {
        if (info.max_timestamp > max_timestamp_->timestamp) *max_timestamp_ = {info.max_timestamp, info.last_offset};
        if (position - last_index_position_ > static_cast<uint64_t>(index_interval_bytes_)) {
            index_.append(info.last_offset, static_cast<uint32_t>(position));
            time_index_.maybe_append(max_timestamp_->timestamp, max_timestamp_->last_offset);
            last_index_position_ = position;
        }
        position += info.size;
        next_offset_ = info.last_offset + 1;
    }
    SAMSA_ASSERT(position == size_ + batches.size());
    size_ = position;
    if (!roll_base_time_ || !*roll_base_time_) roll_base_time_ = std::optional<timestamp_ms>(now);
    return ok();
}

void segment::preallocate(uint64_t end, uint64_t limit) {
    if (preallocation_refused_ || end <= preallocated_to_) return;
    const uint64_t step = std::min(size_ / 4, preallocation_max_step);
    if (step < preallocation_min_step) return;
    const uint64_t from = std::max(preallocated_to_, size_);
    const uint64_t to = std::min(std::max(end, from + step), std::max(limit, end));
    if (to <= from) return;
    auto log = log_file();
    if (!log) return;  // the append that follows reports it
    if (auto st = (*log)->preallocate(from, to - from); !st) {
        preallocation_refused_ = true;
        spdlog::debug("segment {}: no preallocation ({})", log_.path().string(), st.error().message);
        return;
    }
    preallocated_to_ = to;
}

result<std::optional<batch_position>> segment::find(offset target) {
    auto rebuilt = ensure_indexes();
    if (!rebuilt) return rebuilt.error();
    auto entry = index_.lookup(target);
    auto log = log_file();
    if (!log) return log.error();
    batch_scanner scanner(**log, entry ? entry->position : 0, size_, false, lookup_scan_block);
    for (;;) {
        auto it = scanner.next();
        if (!it) return it.error();
        if (!*it) return std::optional<batch_position>{};
        const auto& h = (*it)->header;
        if (h.last_offset() >= target()) {
            return std::optional<batch_position>(batch_position{static_cast<uint32_t>((*it)->position),
                                                                offset(h.base_offset), offset(h.last_offset()),
                                                                static_cast<uint32_t>(h.total_size())});
        }
    }
}

result<std::optional<uint64_t>> segment::find_position(offset target) {
    for (const auto& [off, position] : position_hints_) {
        if (off == target && off >= base_offset_) {
            if (position >= size_) return std::optional<uint64_t>{};
            return std::optional<uint64_t>(position);
        }
    }
    auto found = find(target);
    if (!found) return found.error();
    if (!*found) return std::optional<uint64_t>{};
    return std::optional<uint64_t>((*found)->position);
}

void segment::remember_position(offset next, uint64_t position) { position_hints_[0] = {next, position}; }

result<std::optional<std::pair<batch_position, timestamp_ms>>> segment::find_by_timestamp(timestamp_ms ts,
                                                                                          offset min_offset) {
    using found = std::optional<std::pair<batch_position, timestamp_ms>>;
    auto rebuilt = ensure_indexes();
    if (!rebuilt) return rebuilt.error();
    uint64_t start = 0;
    // Batches up to the last time index entry below ts all have smaller timestamps.
    if (auto entry = time_index_.last_before(ts)) {
        auto pos = find(entry->last_offset);
        if (!pos) return pos.error();
        if (*pos) start = (*pos)->position;
    }
    if (min_offset > base_offset_) {
        auto pos = find(min_offset);
        if (!pos) return pos.error();
        if (!*pos) return found{};
        start = std::max<uint64_t>(start, (*pos)->position);
    }
    auto log = log_file();
    if (!log) return log.error();
    batch_scanner scanner(**log, start, size_, false, header_scan_block);
    for (;;) {
        auto it = scanner.next();
        if (!it) return it.error();
        if (!*it) return found{};
        const auto& h = (*it)->header;
        if (h.max_timestamp >= ts() && h.last_offset() >= min_offset()) {
            batch_position bp{static_cast<uint32_t>((*it)->position), offset(h.base_offset), offset(h.last_offset()),
                              static_cast<uint32_t>(h.total_size())};
            return found(std::pair{bp, timestamp_ms(h.max_timestamp)});
        }
    }
}

std::shared_ptr<file> segment::hold_log() const {
    if (log_.cache().full()) return nullptr;
    auto log = log_file();
    return log ? std::move(*log) : nullptr;
}

result<offset> segment::base_offset_at(uint64_t position) const {
    bytes head;
    if (auto st = read(position, 8, head); !st) return st.error();
    if (head.size() < 8)
        return make_error(errc::corrupt, fmt::format("{}: no batch at position {}", log_path().string(), position));
    uint64_t v = 0;
    for (uint8_t b : head) v = (v << 8) | b;
    return offset(static_cast<int64_t>(v));
}

status segment::read(uint64_t position, size_t size, bytes& out) const {
    if (position >= size_) return ok();
    size = static_cast<size_t>(std::min<uint64_t>(size, size_ - position));
    auto log = log_file();
    if (!log) return log.error();
    const size_t old = out.size();
    out.resize(old + size);
    auto n = (*log)->pread(std::span<uint8_t>(out.data() + old, size), position);
    if (!n) {
        out.resize(old);
        return n.error();
    }
    out.resize(old + *n);
    return ok();
}

result<bool> segment::ensure_indexes() {
    if (index_.loaded() && time_index_.loaded()) return false;
    if (!indexes_missing_) {
        auto a = index_.loaded() ? ok() : index_.load();
        if (!a && a.error().code != errc::corrupt) return a.error();
        auto b = time_index_.loaded() ? ok() : time_index_.load();
        if (!b && b.error().code != errc::corrupt) return b.error();
        if (a && b) {
            last_index_position_ = index_.last_entry() ? index_.last_entry()->position : 0;
            if (last_index_position_ <= size_) return false;
            spdlog::warn("{}: last entry points past the end of the log; rebuilding", index_.path().string());
        } else {
            spdlog::warn("{}; rebuilding the indexes of {}", (!a ? a.error() : b.error()).message, log_.path().string());
        }
    } else {
        spdlog::info("rebuilding the missing index of {}", log_.path().string());
    }
    auto scan = rebuild_indexes();
    if (!scan) return scan.error();
    return true;
}

result<segment_scan> segment::rebuild_indexes() {
    if (auto st = index_.reset(); !st) return st.error();
    if (auto st = time_index_.reset(); !st) return st.error();
    indexes_missing_ = false;
    last_index_position_ = 0;
    auto file_size = this->file_size();
    if (!file_size) return file_size.error();
    size_ = *file_size;
    auto scan = scan_from(0, false, std::nullopt);
    if (!scan) return scan.error();
    if (!scan->stop_reason.empty())
        spdlog::warn("segment {}: {}; indexed the {} bytes before it", log_.path().string(), scan->stop_reason,
                     scan->valid_end);
    // A rebuilt index is written out at once, so that close need not visit every segment.
    if (auto st = index_.flush(true); !st) return st.error();
    if (auto st = time_index_.flush(true); !st) return st.error();
    release_index_files();
    return scan;
}

result<segment_scan> segment::scan_from(uint64_t start, bool check_crc, std::optional<offset> expected_next) {
    SAMSA_ASSERT(index_.loaded() && time_index_.loaded());
    last_index_position_ = index_.last_entry() ? index_.last_entry()->position : 0;
    SAMSA_ASSERT(last_index_position_ <= start);
    timestamp_and_last max_ts = time_index_.last_entry().value_or(timestamp_and_last{});
    std::optional<offset> next = start == 0 ? std::optional<offset>(base_offset_) : std::nullopt;
    std::optional<offset> expected = expected_next;
    std::optional<timestamp_ms> first_batch_time;

    auto log = log_file();
    if (!log) return log.error();
    auto file_size = (*log)->size();
    if (!file_size) return file_size.error();
    segment_scan scan;
    scan.valid_end = start;
    batch_scanner scanner(**log, start, *file_size, check_crc, check_crc ? validate_scan_block : header_scan_block);
    for (;;) {
        auto it = scanner.next();
        if (!it) return it.error();
        if (!*it) {
            scan.stop_reason = scanner.stop_reason();
            break;
        }
        const auto& h = (*it)->header;
        const uint64_t position = (*it)->position;
        if (check_crc) {
            if (auto st = record::validate_batch((*it)->batch); !st) {
                scan.stop_reason = fmt::format("bad batch at position {}: {}", position, st.error().message);
                break;
            }
        }
        if (h.base_offset < base_offset_() || h.last_offset() - base_offset_() > std::numeric_limits<int32_t>::max()) {
            scan.stop_reason = fmt::format("batch at position {} has offsets {}..{} outside the segment", position,
                                           h.base_offset, h.last_offset());
            break;
        }
        if (expected && h.base_offset < (*expected)()) {
            scan.stop_reason = fmt::format("batch at position {} starts at offset {}, before offset {}", position,
                                           h.base_offset, (*expected)());
            break;
        }
        if (position == 0) first_batch_time = timestamp_ms(h.max_timestamp);
        if (h.max_timestamp > max_ts.timestamp()) max_ts = {timestamp_ms(h.max_timestamp), offset(h.last_offset())};
        if (position - last_index_position_ > static_cast<uint64_t>(index_interval_bytes_)) {
            index_.append(offset(h.last_offset()), static_cast<uint32_t>(position));
            time_index_.maybe_append(max_ts.timestamp, max_ts.last_offset);
            last_index_position_ = position;
        }
        next = offset(h.last_offset() + 1);
        expected = next;
        scan.valid_end = position + h.total_size();
        scan.bytes_scanned += h.total_size();
    }
    if (!next) {
        return make_error(errc::corrupt, fmt::format("{}: no readable batch at indexed position {}",
                                                     log_.path().string(), start));
    }
    size_ = scan.valid_end;
    next_offset_ = next;
    max_timestamp_ = max_ts;
    if (size_ == 0) roll_base_time_ = std::optional<timestamp_ms>{};
    else if (first_batch_time) roll_base_time_ = first_batch_time;
    return scan;
}

result<uint64_t> segment::file_size() const {
    auto log = log_file();
    if (!log) return log.error();
    return (*log)->size();
}

status segment::truncate_to(uint64_t position) {
    position_hints_ = {{{offset(-1), 0}, {offset(-1), 0}}};
    auto log = log_file();
    if (!log) return log.error();
    if (auto st = (*log)->truncate(position); !st) return st;
    size_ = position;
    preallocated_to_ = 0;  // ftruncate gave back the blocks past the new end
    if (auto st = index_.truncate_to_position(static_cast<uint32_t>(position)); !st) return st;
    if (next_offset_) {
        if (auto st = time_index_.truncate_to_offset(*next_offset_); !st) return st;
    }
    last_index_position_ = index_.last_entry() ? index_.last_entry()->position : 0;
    return ok();
}

status segment::write_pending_indexes() {
    if (auto st = index_.flush(false); !st) return st;
    return time_index_.flush(false);
}

status segment::flush(bool sync_indexes) {
    if (auto st = write_pending_indexes(); !st) return st;
    if (sync_indexes) {
        if (auto st = index_.flush(true); !st) return st;
        if (auto st = time_index_.flush(true); !st) return st;
    }
    // Aborted transactions are few; their index is synced with the data.
    if (auto st = txn_index_.sync(); !st) return st;
    // fdatasync through a reopened descriptor still writes the data another
    // descriptor of the same file left dirty.
    auto log = log_file();
    if (!log) return log.error();
    return (*log)->sync();
}

result<std::vector<int>> segment::duplicate_fds(bool with_indexes) {
    std::vector<int> fds;
    auto dup_one = [&](int fd, const std::filesystem::path& path) -> status {
        int d = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (d < 0) return io_error("cannot duplicate the descriptor of", path, errno);
        fds.push_back(d);
        return ok();
    };
    auto log = log_file();
    if (!log) return log.error();
    auto st = dup_one((*log)->fd(), log_.path());
    if (st && with_indexes) {
        auto fd = index_.open_fd();
        st = fd ? dup_one(*fd, index_.path()) : status(fd.error());
    }
    if (st && with_indexes) {
        auto fd = time_index_.open_fd();
        st = fd ? dup_one(*fd, time_index_.path()) : status(fd.error());
    }
    if (st) {
        // The duplicate carries the fsync; the index itself then holds no descriptor.
        auto fd = txn_index_.unsynced_fd();
        st = fd ? (*fd >= 0 ? dup_one(*fd, txn_index_.path()) : ok()) : status(fd.error());
        txn_index_.release_file();
    }
    if (!st) {
        for (int fd : fds) ::close(fd);
        return st.error();
    }
    return fds;
}

status segment::seal_without_sync() {
    // The last time index entry of a closed segment is its max timestamp.
    if (time_index_.loaded() && max_timestamp_ && max_timestamp_->timestamp() >= 0)
        time_index_.maybe_append(max_timestamp_->timestamp, max_timestamp_->last_offset);
    if (preallocated_to_ > size_) {
        // The reserve goes back: ftruncate to the same size frees the blocks
        // past the end.
        auto log = log_file();
        if (!log) return log.error();
        if (auto st = (*log)->truncate(size_); !st) return st;
        preallocated_to_ = 0;
    }
    return write_pending_indexes();
}

status segment::seal() {
    if (auto st = seal_without_sync(); !st) return st;
    return flush(true);
}

status segment::remove_files() {
    auto path = log_.path();
    log_.close();
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (ec) return make_error(errc::io_error, fmt::format("cannot remove {}: {}", path.string(), ec.message()));
    if (auto st = index_.remove_file(); !st) return st;
    if (auto st = txn_index_.remove_file(); !st) return st;
    return time_index_.remove_file();
}

}  // namespace samsa::storage
