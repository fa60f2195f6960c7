#include "samsa/storage/recovery.h"

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"

namespace samsa::storage {
namespace {

// Truncates segment `i` at `valid_end` and deletes every later segment.
status cut_tail(std::vector<std::unique_ptr<segment>>& segments, size_t i, uint64_t valid_end,
                recovery_summary& summary) {
    auto file_size = segments[i]->file_size();
    if (!file_size) return file_size.error();
    summary.bytes_truncated += *file_size - valid_end;
    if (auto st = segments[i]->truncate_to(valid_end); !st) return st;
    while (segments.size() > i + 1) {
        summary.bytes_truncated += segments.back()->size_bytes();
        ++summary.segments_removed;
        if (auto st = segments.back()->remove_files(); !st) return st;
        segments.pop_back();
    }
    return ok();
}

// Validates segment i from the start (its indexes are rebuilt as it goes).
result<segment_scan> scan_whole(segment& seg, std::optional<offset> expected) {
    if (auto st = seg.index().reset(); !st) return st.error();
    if (auto st = seg.timestamps().reset(); !st) return st.error();
    return seg.scan_from(0, true, expected);
}

status recover_unclean(std::vector<std::unique_ptr<segment>>& segments, offset recovery_point,
                       recovery_summary& summary) {
    summary.scanned = true;
    // The segment holding the recovery point: the last one starting at or before it.
    size_t first = 0;
    while (first + 1 < segments.size() && segments[first + 1]->base_offset() <= recovery_point) ++first;

    // Below it everything is trusted; only missing indexes are rebuilt now
    // (corrupt ones are found and rebuilt at first use).
    for (size_t i = 0; i < first; ++i) {
        if (segments[i]->indexes_missing()) {
            auto rebuilt = segments[i]->ensure_indexes();
            if (!rebuilt) return rebuilt.error();
            ++summary.indexes_rebuilt;
        }
    }

    // The segment holding the recovery point: resume from the last index
    // entry below it, re-checking what follows.
    segment& seg = *segments[first];
    uint64_t start = 0;
    bool whole = true;
    auto rebuilt = seg.ensure_indexes();  // loads; a missing or corrupt index is rebuilt from scratch
    if (!rebuilt) return rebuilt.error();
    if (!*rebuilt) {
        if (auto st = seg.index().truncate_to_offset(recovery_point); !st) return st;
        if (auto st = seg.timestamps().truncate_to_offset(recovery_point); !st) return st;
        if (auto last = seg.index().last_entry()) {
            start = last->position;
            whole = false;
        }
        // Re-walk from the batch of the last time index entry too: the batches
        // after it may hold a larger timestamp that no entry records yet.
        if (auto last_time = seg.timestamps().last_entry(); last_time && !whole) {
            auto at = seg.find(last_time->last_offset);
            if (!at) return at.error();
            if (*at && (*at)->position < start) start = (*at)->position;
        }
        if (auto st = seg.index().truncate_to_position(static_cast<uint32_t>(start) + 1); !st) return st;
        if (start == 0) whole = true;
    }
    ++summary.indexes_rebuilt;
    result<segment_scan> scan = whole ? scan_whole(seg, std::nullopt) : seg.scan_from(start, true, std::nullopt);
    if (!scan && scan.error().code == errc::corrupt && !whole) {
        spdlog::warn("{}; validating {} from its start", scan.error().message, seg.log_path().string());
        scan = scan_whole(seg, std::nullopt);
    }
    if (!scan) return scan.error();
    summary.bytes_scanned += scan->bytes_scanned;
    if (!scan->stop_reason.empty()) {
        summary.truncation_reason = fmt::format("{}: {}", seg.log_path().filename().string(), scan->stop_reason);
        return cut_tail(segments, first, scan->valid_end, summary);
    }

    // Every later segment is checked whole.
    for (size_t i = first + 1; i < segments.size(); ++i) {
        auto prev_next = segments[i - 1]->next_offset();
        if (!prev_next) return prev_next.error();
        ++summary.indexes_rebuilt;
        if (segments[i]->base_offset() < *prev_next) {
            summary.truncation_reason =
                fmt::format("{}: starts at offset {}, inside the previous segment (which ends at {})",
                            segments[i]->log_path().filename().string(), segments[i]->base_offset()(), (*prev_next)());
            // Remove it and what follows: keep segment i - 1 whole.
            return cut_tail(segments, i - 1, segments[i - 1]->size_bytes(), summary);
        }
        auto s = scan_whole(*segments[i], *prev_next);
        if (!s) return s.error();
        summary.bytes_scanned += s->bytes_scanned;
        if (!s->stop_reason.empty()) {
            summary.truncation_reason =
                fmt::format("{}: {}", segments[i]->log_path().filename().string(), s->stop_reason);
            return cut_tail(segments, i, s->valid_end, summary);
        }
    }
    return ok();
}

}  // namespace

result<recovery_outcome> recover_segments(std::vector<std::unique_ptr<segment>>& segments, const recovery_hint& hint) {
    SAMSA_ASSERT(!segments.empty());
    const auto started = std::chrono::steady_clock::now();
    recovery_summary summary;
    bool need_unclean = !hint.clean_shutdown;
    offset recovery_point = hint.recovery_point.value_or(segments.front()->base_offset());

    if (hint.clean_shutdown) {
        // Trust the files: missing indexes are rebuilt, the active segment's
        // tail after its last index entry is walked for the log end offset.
        for (auto& seg : segments) {
            if (seg->indexes_missing()) {
                auto rebuilt = seg->ensure_indexes();
                if (!rebuilt) return rebuilt.error();
                ++summary.indexes_rebuilt;
            }
        }
        segment& active = *segments.back();
        auto rebuilt = active.ensure_indexes();
        if (!rebuilt) return rebuilt.error();
        if (*rebuilt) ++summary.indexes_rebuilt;
        uint64_t start = active.index().last_entry() ? active.index().last_entry()->position : 0;
        auto scan = active.scan_from(start, false, std::nullopt);
        if (!scan || !scan->stop_reason.empty()) {
            spdlog::warn("{}: the tail does not read cleanly after a clean shutdown ({}); validating it",
                         active.log_path().string(), scan ? scan->stop_reason : scan.error().message);
            need_unclean = true;
            recovery_point = active.base_offset();
        }
    }
    if (need_unclean) {
        if (auto st = recover_unclean(segments, recovery_point, summary); !st) return st.error();
        // Everything was checked: make the rebuilt indexes (and any truncation) durable, so that the
        // recovery point can move to the log end; or only write them when the caller syncs the file
        // system once for every log (hint.defer_sync).
        for (auto& seg : segments) {
            if (!seg->index().loaded()) continue;
            const bool active = seg.get() == segments.back().get();
            status st = hint.defer_sync ? (active ? seg->write_pending_indexes() : seg->seal_without_sync())
                                        : (active ? seg->flush(true) : seg->seal());
            if (!st) return st.error();
        }
    }
    auto leo = segments.back()->next_offset();
    if (!leo) return leo.error();
    summary.took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    return recovery_outcome{*leo, *leo, std::move(summary)};
}

}  // namespace samsa::storage
