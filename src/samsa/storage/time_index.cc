#include "samsa/storage/time_index.h"

#include <algorithm>

#include <fmt/format.h>

#include "samsa/base/assert.h"
#include "samsa/bytes/big_endian.h"

namespace samsa::storage {
result<time_index> time_index::open(const std::filesystem::path& path, offset base, bool& existed) {
    std::error_code ec;
    existed = std::filesystem::exists(path, ec);
    time_index index(path, base);
    if (!existed) {
        // Created now so that the directory looks like Kafka's from the start.
        if (auto st = index.file_.ensure_open(); !st) return st.error();
    }
    return index;
}

status time_index::load() {
    auto read = file_.read_entries(entry_size);
    if (!read) return read.error();
    const bytes& buf = *read;
    std::vector<entry> entries;
    entries.reserve(buf.size() / entry_size);
    for (size_t i = 0; i < buf.size(); i += entry_size) {
        entry e{timestamp_ms(static_cast<int64_t>(get_be64(&buf[i]))), base_ + get_be32(&buf[i + 8])};
        if (!entries.empty() && (e.timestamp <= entries.back().timestamp || e.last_offset < entries.back().last_offset))
            return make_error(errc::corrupt, fmt::format("{}: entry {} does not increase", file_.path().string(),
                                                         i / entry_size));
        entries.push_back(e);
    }
    entries_ = std::move(entries);
    persisted_ = entries_.size();
    loaded_ = true;
    file_.release();  // entries are in memory now; reopened if written to
    return ok();
}

status time_index::reset() {
    entries_.clear();
    persisted_ = 0;
    loaded_ = true;
    return file_.truncate(0);
}

void time_index::maybe_append(timestamp_ms timestamp, offset last_offset) {
    SAMSA_ASSERT(loaded_);
    if (!entries_.empty() && timestamp <= entries_.back().timestamp) return;
    SAMSA_ASSERT(entries_.empty() || last_offset >= entries_.back().last_offset);
    entries_.push_back({timestamp, last_offset});
}

std::optional<time_index::entry> time_index::last_before(timestamp_ms ts) const {
    SAMSA_ASSERT(loaded_);
    auto it = std::lower_bound(entries_.begin(), entries_.end(), ts,
                               [](const entry& e, timestamp_ms t) { return e.timestamp < t; });
    if (it == entries_.begin()) return std::nullopt;
    return *std::prev(it);
}

std::optional<time_index::entry> time_index::last_entry() const {
    if (entries_.empty()) return std::nullopt;
    return entries_.back();
}

status time_index::truncate_to_offset(offset o) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), o,
                               [](const entry& e, offset t) { return e.last_offset < t; });
    entries_.erase(it, entries_.end());
    if (entries_.size() >= persisted_) return ok();
    persisted_ = entries_.size();
    return file_.truncate(persisted_ * entry_size);
}

status time_index::flush(bool sync) {
    if (persisted_ < entries_.size()) {
        bytes buf((entries_.size() - persisted_) * entry_size);
        for (size_t i = persisted_, at = 0; i < entries_.size(); ++i, at += entry_size) {
            put_be64(&buf[at], static_cast<uint64_t>(entries_[i].timestamp()));
            put_be32(&buf[at + 8], static_cast<uint32_t>(entries_[i].last_offset - base_));
        }
        if (auto st = file_.write(buf, persisted_ * entry_size); !st) return st;
        persisted_ = entries_.size();
    }
    return file_.sync_and_release(sync);
}

}  // namespace samsa::storage
