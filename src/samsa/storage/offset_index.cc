#include "samsa/storage/offset_index.h"

#include <algorithm>

#include <fmt/format.h>

#include "samsa/base/assert.h"
#include "samsa/bytes/big_endian.h"

namespace samsa::storage {
result<offset_index> offset_index::open(const std::filesystem::path& path, offset base, bool& existed) {
    std::error_code ec;
    existed = std::filesystem::exists(path, ec);
    offset_index index(path, base);
    if (!existed) {
        // Created now so that the directory looks like Kafka's from the start.
        if (auto st = index.file_.ensure_open(); !st) return st.error();
    }
    return index;
}

status offset_index::load() {
    auto read = file_.read_entries(entry_size);
    if (!read) return read.error();
    const bytes& buf = *read;
    std::vector<packed> entries;
    entries.reserve(buf.size() / entry_size);
    for (size_t i = 0; i < buf.size(); i += entry_size) {
        packed e{get_be32(&buf[i]), get_be32(&buf[i + 4])};
        if (!entries.empty() && (e.relative <= entries.back().relative || e.position <= entries.back().position))
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

status offset_index::reset() {
    entries_.clear();
    persisted_ = 0;
    loaded_ = true;
    return file_.truncate(0);
}

void offset_index::append(offset last_offset, uint32_t position) {
    SAMSA_ASSERT(loaded_);
    SAMSA_ASSERT(last_offset - base_ >= 0 && last_offset - base_ <= int64_t{UINT32_MAX});
    const auto relative = static_cast<uint32_t>(last_offset - base_);
    SAMSA_ASSERT(entries_.empty() || (relative > entries_.back().relative && position > entries_.back().position));
    entries_.push_back({relative, position});
}

std::optional<offset_index::entry> offset_index::lookup(offset target) const {
    SAMSA_ASSERT(loaded_);
    if (target < base_) return std::nullopt;
    const int64_t relative = target - base_;
    auto it = std::upper_bound(entries_.begin(), entries_.end(), relative,
                               [](int64_t t, const packed& e) { return t < int64_t{e.relative}; });
    if (it == entries_.begin()) return std::nullopt;
    return unpack(*std::prev(it));
}

std::optional<offset_index::entry> offset_index::last_at_or_before_position(uint64_t position) const {
    SAMSA_ASSERT(loaded_);
    auto it = std::upper_bound(entries_.begin(), entries_.end(), position,
                               [](uint64_t p, const packed& e) { return p < uint64_t{e.position}; });
    if (it == entries_.begin()) return std::nullopt;
    return unpack(*std::prev(it));
}

std::optional<offset_index::entry> offset_index::last_entry() const {
    if (entries_.empty()) return std::nullopt;
    return unpack(entries_.back());
}

status offset_index::truncate_to_position(uint32_t position) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), position,
                               [](const packed& e, uint32_t p) { return e.position < p; });
    entries_.erase(it, entries_.end());
    return truncate_file_to_entries();
}

status offset_index::truncate_to_offset(offset o) {
    const int64_t relative = o - base_;
    auto it = std::lower_bound(entries_.begin(), entries_.end(), relative,
                               [](const packed& e, int64_t t) { return int64_t{e.relative} < t; });
    entries_.erase(it, entries_.end());
    return truncate_file_to_entries();
}

status offset_index::truncate_file_to_entries() {
    if (entries_.size() >= persisted_) return ok();
    persisted_ = entries_.size();
    return file_.truncate(persisted_ * entry_size);
}

status offset_index::flush(bool sync) {
    if (persisted_ < entries_.size()) {
        bytes buf((entries_.size() - persisted_) * entry_size);
        for (size_t i = persisted_, at = 0; i < entries_.size(); ++i, at += entry_size) {
            put_be32(&buf[at], entries_[i].relative);
            put_be32(&buf[at + 4], entries_[i].position);
        }
        if (auto st = file_.write(buf, persisted_ * entry_size); !st) return st;
        persisted_ = entries_.size();
    }
    return file_.sync_and_release(sync);
}

}  // namespace samsa::storage
