#include "samsa/storage/index_file.h"

#include <fmt/format.h>

namespace samsa::storage {

status index_file::ensure_open() {
    if (file_.is_open()) return ok();
    auto f = file::open(path_, true);
    if (!f) return f.error();
    file_ = std::move(*f);
    return ok();
}

result<int> index_file::open_fd() {
    if (auto st = ensure_open(); !st) return st.error();
    return file_.fd();
}

result<bytes> index_file::read_entries(size_t entry_size) {
    if (auto st = ensure_open(); !st) return st.error();
    auto size = file_.size();
    if (!size) return size.error();
    if (*size % entry_size != 0)
        return make_error(errc::corrupt, fmt::format("{}: size {} is not a multiple of {}", path_.string(),
                                                     *size, entry_size));
    bytes buf(*size);
    auto n = file_.pread(buf, 0);
    if (!n) return n.error();
    if (*n != buf.size()) return make_error(errc::corrupt, fmt::format("{}: short read", path_.string()));
    return buf;
}

status index_file::write(bytes_view data, uint64_t position) {
    if (auto st = ensure_open(); !st) return st;
    if (auto st = file_.pwrite_all(data, position); !st) return st;
    unsynced_ = true;
    return ok();
}

status index_file::truncate(uint64_t size) {
    if (auto st = ensure_open(); !st) return st;
    unsynced_ = true;
    return file_.truncate(size);
}

status index_file::sync_and_release(bool sync) {
    if (sync && unsynced_) {
        // A reopened descriptor syncs what an earlier one left dirty.
        if (auto st = ensure_open(); !st) return st;
        if (auto st = file_.sync(); !st) return st;
        unsynced_ = false;
    }
    // Between flushes the index holds no descriptor (the broker's open-file
    // cap counts on it: fd_cache.h); the next write reopens the file.
    release();
    return ok();
}

status index_file::remove() {
    if (auto st = file_.close(); !st) return st;
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    if (ec) return make_error(errc::io_error, fmt::format("cannot remove {}: {}", path_.string(), ec.message()));
    return ok();
}

}  // namespace samsa::storage
