// partition_log's cleanup policies, on the owner thread: retention (delete)
// and the owner's half of compaction (picking what to clean, swapping the
// cleaned segments in). The cleaning itself is in log_cleaner.cc.

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "samsa/storage/partition_log.h"

namespace samsa::storage {
namespace {

constexpr std::string_view log_ext = ".log";
constexpr std::string_view index_ext = ".index";
constexpr std::string_view time_index_ext = ".timeindex";
constexpr std::string_view txn_index_ext = ".txnindex";

bool unlimited(std::chrono::milliseconds ms) { return ms.count() < 0 || ms == std::chrono::milliseconds::max(); }

status rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code ec;
    std::filesystem::rename(from, to, ec);
    if (ec)
        return make_error(errc::io_error,
                          fmt::format("cannot rename {} to {}: {}", from.string(), to.string(), ec.message()));
    return ok();
}

void remove_group_files(const std::filesystem::path& dir, offset base) {
    std::error_code ec;
    for (auto ext : {log_ext, index_ext, time_index_ext, txn_index_ext}) {
        std::filesystem::remove(cleaned_file(dir, base, ext), ec);
        std::filesystem::remove(swap_file(dir, base, ext), ec);
    }
}

}  // namespace

// --- retention -------------------------------------------------------------

result<size_t> partition_log::apply_retention(timestamp_ms now) {
    if (closed_ || !config_.deletes()) return size_t{0};
    size_t deleted = 0;
    if (!unlimited(config_.retention_ms)) {
        size_t count = 0;
        while (count < segments_.size() && !segments_[count]->empty()) {
            auto largest = segments_[count]->max_timestamp();
            if (!largest) return largest.error();
            if (now() - largest->timestamp() <= config_.retention_ms.count()) break;
            ++count;
        }
        if (auto st = delete_oldest_segments(count); !st) return st.error();
        deleted += count;
    }
    if (config_.retention_bytes >= 0) {
        int64_t excess = static_cast<int64_t>(size_bytes()) - config_.retention_bytes;
        size_t count = 0;
        while (count < segments_.size() && !segments_[count]->empty() &&
               excess - static_cast<int64_t>(segments_[count]->size_bytes()) >= 0) {
            excess -= static_cast<int64_t>(segments_[count]->size_bytes());
            ++count;
        }
        if (auto st = delete_oldest_segments(count); !st) return st.error();
        deleted += count;
    }
    return deleted;
}

status partition_log::delete_oldest_segments(size_t count) {
    if (count == 0) return ok();
    if (count >= segments_.size()) {
        // Everything is to go: an empty active segment at the log end stays.
        if (auto st = roll(); !st) return st;
    }
    for (size_t i = 0; i < count; ++i) {
        spdlog::info("{}: retention deletes segment {} ({} bytes)", dir_.filename().string(),
                     segments_.front()->base_offset()(), segments_.front()->size_bytes());
        if (auto st = delete_segment_front(); !st) return st;
    }
    log_start_offset_ = std::max(log_start_offset_, segments_.front()->base_offset());
    publish();
    return ok();
}

// --- compaction: the owner's half -----------------------------------------

status partition_log::maybe_start_clean(timestamp_ms now) {
    if (closed_ || !cleaner_ || !config_.compacts() || clean_job_ || segments_.size() < 2) return ok();
    // Open transactions are never cleaned: without the producer state's word
    // on them (stable_offset_known) nothing is.
    if (!stable_known_) return ok();
    const offset first_dirty = std::max(cleaner_offset_, log_start_offset_);
    // The cleanable range ends at the active segment, at the segment holding
    // the last stable offset, or at the first dirty segment younger than
    // min.compaction.lag.ms.
    size_t end = segments_.size() - 1;
    uint64_t clean_bytes = 0;
    uint64_t dirty_bytes = 0;
    std::optional<size_t> first_dirty_segment;
    std::vector<offset> nexts;
    for (size_t i = 0; i < end; ++i) {
        segment& seg = *segments_[i];
        auto next = seg.next_offset();
        if (!next) return next.error();
        if (*next > last_stable_offset()) {
            end = i;
            break;
        }
        if (*next <= first_dirty) {
            clean_bytes += seg.size_bytes();
        } else {
            if (config_.min_compaction_lag_ms.count() > 0) {
                auto largest = seg.max_timestamp();
                if (!largest) return largest.error();
                if (now() - largest->timestamp() < config_.min_compaction_lag_ms.count()) {
                    end = i;
                    break;
                }
            }
            if (!first_dirty_segment) first_dirty_segment = i;
            dirty_bytes += seg.size_bytes();
        }
        nexts.push_back(*next);
    }
    if (end == 0) return ok();
    bool due = false;
    if (dirty_bytes > 0) {
        const double ratio = static_cast<double>(dirty_bytes) / static_cast<double>(clean_bytes + dirty_bytes);
        due = ratio >= config_.min_cleanable_dirty_ratio;
        if (!due && !unlimited(config_.max_compaction_lag_ms)) {
            auto first = segments_[*first_dirty_segment]->roll_base_time();
            if (!first) return first.error();
            due = *first && now() - (**first)() >= config_.max_compaction_lag_ms.count();
        }
    }
    if (!due && delete_horizon_ && now >= *delete_horizon_) due = true;
    if (!due) return ok();

    auto job = std::make_shared<clean_job>();
    clean_request& req = job->request;
    req.dir = dir_;
    req.first_dirty = first_dirty;
    req.now = now;
    req.delete_retention = config_.delete_retention_ms;
    req.max_segment_bytes = config_.segment_bytes;
    req.max_index_bytes = config_.segment_index_bytes;
    req.index_interval_bytes = config_.index_interval_bytes;
    req.map_entries = cleaner_->config().map_entries();
    req.io_buffer_size = static_cast<size_t>(std::max(cleaner_->config().io_buffer_size, 4096));
    for (size_t i = 0; i < end; ++i) {
        segment& seg = *segments_[i];
        // Its own descriptor: retention may delete the segment meanwhile.
        auto f = file::open(seg.log_path(), false);
        if (!f) return f.error();
        req.segments.push_back({seg.base_offset(), nexts[i], seg.size_bytes(), std::move(*f)});
    }
    // Aborted transactions with data in the range; their markers may be
    // later, in segments not cleaned this time.
    auto aborted = collect_aborted_txns(segments_.front()->base_offset(), nexts[end - 1]);
    if (!aborted) return aborted.error();
    req.aborted = std::move(*aborted);
    clean_job_ = job;
    cleaner_->submit(std::move(job));
    return ok();
}

std::optional<size_t> partition_log::closed_segment_position(offset base) const {
    for (size_t i = 0; i + 1 < segments_.size(); ++i) {
        if (segments_[i]->base_offset() == base) return i;
    }
    return std::nullopt;
}

status partition_log::finish_clean() {
    if (!clean_job_ || !clean_job_->done.load(std::memory_order_acquire)) return ok();
    std::shared_ptr<clean_job> job = std::move(clean_job_);
    clean_job_.reset();
    auto& outcome = *job->outcome;
    if (!outcome) {
        if (outcome.error().code != errc::closed)
            spdlog::error("{}: cleaning failed: {}", dir_.string(), outcome.error().message);
        return ok();
    }
    // Retention or DeleteRecords may have removed segments meanwhile: then
    // the whole clean is dropped (the next one starts from what is there).
    for (const auto& g : outcome->groups) {
        for (offset b : g.old_bases) {
            if (closed_segment_position(b)) continue;
            spdlog::info("{}: dropping a clean whose segment {} is gone", dir_.filename().string(), b());
            for (const auto& gg : outcome->groups) remove_group_files(dir_, gg.base);
            return ok();
        }
    }
    for (const auto& g : outcome->groups) {
        if (auto st = swap_in(g); !st) {
            for (const auto& gg : outcome->groups) remove_group_files(dir_, gg.base);
            return st;
        }
    }
    cleaner_offset_ = std::max(cleaner_offset_, outcome->cleaned_up_to);
    delete_horizon_ = outcome->earliest_delete_horizon;
    cleaned_.cleans += 1;
    cleaned_.bytes_read += outcome->stats.bytes_read;
    cleaned_.bytes_written += outcome->stats.bytes_written;
    cleaned_.records_read += outcome->stats.records_read;
    cleaned_.records_kept += outcome->stats.records_kept;
    publish();
    return ok();
}

status partition_log::swap_in(const cleaned_group& group) {
    auto remove_old = [&](offset b) -> status {
        auto pos = closed_segment_position(b);
        if (!pos) return ok();
        if (auto st = segments_[*pos]->remove_files(); !st) return st;
        segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(*pos));
        return ok();
    };
    const size_t position = *closed_segment_position(group.base);
    if (!group.next) {
        // Nothing was kept: the segments simply go.
        for (offset b : group.old_bases) {
            if (auto st = remove_old(b); !st) return st;
        }
        return ok();
    }
    // a. segments after the cleaned data (all their records went)
    for (offset b : group.old_bases) {
        if (b >= *group.next) {
            if (auto st = remove_old(b); !st) return st;
        }
    }
    // b. commit: the .log.swap last (a .txnindex only when the clean kept entries)
    std::error_code ec;
    const bool has_txns = std::filesystem::exists(cleaned_file(dir_, group.base, txn_index_ext), ec);
    for (auto ext : {index_ext, time_index_ext, txn_index_ext, log_ext}) {
        if (ext == txn_index_ext && !has_txns) continue;
        if (auto st = rename_file(cleaned_file(dir_, group.base, ext), swap_file(dir_, group.base, ext)); !st)
            return st;
    }
    if (auto st = sync_dir(dir_); !st) return st;
    // c. the replaced segments
    for (offset b : group.old_bases) {
        if (auto st = remove_old(b); !st) return st;
    }
    // d. final names
    for (auto ext : {index_ext, time_index_ext, txn_index_ext, log_ext}) {
        if (ext == txn_index_ext && !has_txns) continue;
        if (auto st = rename_file(swap_file(dir_, group.base, ext),
                                  dir_ / (segment_file_stem(group.base) + std::string(ext)));
            !st)
            return st;
    }
    if (auto st = sync_dir(dir_); !st) return st;
    auto seg = segment::open(dir_, group.base, config_.index_interval_bytes);
    if (!seg) return seg.error();
    segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(position), std::move(*seg));
    return ok();
}

}  // namespace samsa::storage
