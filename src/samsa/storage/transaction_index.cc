#include "samsa/storage/transaction_index.h"

#include <fmt/format.h>

#include "samsa/bytes/big_endian.h"

namespace samsa::storage {

namespace {

void encode(const aborted_txn& t, uint8_t* p) {
    put_be16(p, 0);
    put_be64(p + 2, static_cast<uint64_t>(t.producer()));
    put_be64(p + 10, static_cast<uint64_t>(t.first_offset()));
    put_be64(p + 18, static_cast<uint64_t>(t.last_offset()));
    put_be64(p + 26, static_cast<uint64_t>(t.last_stable_offset()));
}

}  // namespace

status transaction_index::load() {
    entries_.clear();
    loaded_ = true;
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) return ok();
    auto data = file_.read_entries(entry_size);
    file_.release();
    if (!data) return data.error();
    auto entries = parse(*data, path_.string());
    if (!entries) return entries.error();
    entries_ = std::move(*entries);
    return ok();
}

result<std::vector<aborted_txn>> transaction_index::parse(bytes_view data, const std::string& name) {
    if (data.size() % entry_size != 0)
        return make_error(errc::corrupt, fmt::format("{}: size {} is not a multiple of {}", name, data.size(), entry_size));
    std::vector<aborted_txn> entries;
    entries.reserve(data.size() / entry_size);
    for (size_t i = 0; i < data.size(); i += entry_size) {
        const uint8_t* p = &data[i];
        if (get_be16(p) != 0)
            return make_error(errc::corrupt, fmt::format("{}: entry {} has version {}", name, i / entry_size, get_be16(p)));
        aborted_txn t{producer_id(static_cast<int64_t>(get_be64(p + 2))), offset(static_cast<int64_t>(get_be64(p + 10))),
                      offset(static_cast<int64_t>(get_be64(p + 18))), offset(static_cast<int64_t>(get_be64(p + 26)))};
        if (!entries.empty() && t.last_offset <= entries.back().last_offset)
            return make_error(errc::corrupt, fmt::format("{}: entry {} does not increase", name, i / entry_size));
        entries.push_back(t);
    }
    return entries;
}

bytes transaction_index::serialize(const std::vector<aborted_txn>& entries) {
    bytes out(entries.size() * entry_size);
    for (size_t i = 0; i < entries.size(); ++i) encode(entries[i], &out[i * entry_size]);
    return out;
}

status transaction_index::ensure_loaded() {
    if (loaded_) return ok();
    if (auto st = load(); !st) {
        // A damaged index loses nothing that matters more than the data: the
        // caller logs it; the entries read so far are dropped.
        entries_.clear();
        return st;
    }
    return ok();
}

status transaction_index::append(const aborted_txn& txn) {
    if (auto st = ensure_loaded(); !st) return st;
    if (!entries_.empty() && txn.last_offset <= entries_.back().last_offset)
        return make_error(errc::invalid_argument,
                          fmt::format("{}: aborted transaction ending at {} is not after the last one ({})",
                                      path_.string(), txn.last_offset(), entries_.back().last_offset()));
    uint8_t buf[entry_size];
    encode(txn, buf);
    if (auto st = file_.write(bytes_view(buf, entry_size), entries_.size() * entry_size); !st) return st;
    entries_.push_back(txn);
    return ok();
}

result<aborted_txn_search> transaction_index::collect(offset from, offset upper_bound) {
    if (auto st = ensure_loaded(); !st) return st.error();
    aborted_txn_search out;
    for (const auto& t : entries_) {
        if (t.last_offset >= from && t.first_offset < upper_bound) out.found.push_back(t);
        if (t.last_stable_offset >= upper_bound) {
            out.complete = true;
            break;
        }
    }
    return out;
}

result<std::vector<aborted_txn>> transaction_index::all() {
    if (auto st = ensure_loaded(); !st) return st.error();
    return entries_;
}

status transaction_index::truncate_to(offset o) {
    if (auto st = ensure_loaded(); !st) return st;
    size_t keep = 0;
    while (keep < entries_.size() && entries_[keep].last_offset < o) ++keep;
    if (keep == entries_.size()) return ok();
    entries_.resize(keep);
    return rewrite();
}

status transaction_index::rewrite() { return file_.truncate(entries_.size() * entry_size); }

status transaction_index::sync() { return file_.sync_and_release(true); }

result<int> transaction_index::unsynced_fd() {
    if (!file_.unsynced()) return -1;
    return file_.open_fd();
}

status transaction_index::remove_file() {
    entries_.clear();
    loaded_ = true;
    return file_.remove();
}

}  // namespace samsa::storage
