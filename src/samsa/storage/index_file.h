#pragma once
// index_file: the file behind a segment's offset and time indexes, and the
// descriptor handling they share.
//
// Thread model: owned by an index; its owner thread only.
//
// The descriptor is opened on first need and closed after every flush: the
// broker's open-file cap (fd_cache.h) counts only the .log files, so an index
// must hold no descriptor between flushes. Writes and truncations are
// remembered as unsynced, so that a later sync through a reopened descriptor
// still covers them.

#include <cstdint>
#include <filesystem>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/storage/file.h"

namespace samsa::storage {

class index_file {
public:
    explicit index_file(std::filesystem::path path) : path_(std::move(path)) {}

    // Opens the file (creating it when missing) unless it is open already.
    status ensure_open();
    // The file's descriptor, opening it if need be (for background_flusher).
    result<int> open_fd();
    // The whole file, checked to hold whole entries of `entry_size` bytes
    // (errc::corrupt otherwise).
    result<bytes> read_entries(size_t entry_size);
    // Writes `data` at `position`; synced by the next sync_and_release(true).
    status write(bytes_view data, uint64_t position);
    status truncate(uint64_t size);
    // The end of a flush: fdatasyncs what is unsynced when `sync`, then
    // closes the descriptor; the next write reopens the file.
    status sync_and_release(bool sync);
    // Closes the file; it is reopened when next needed.
    void release() { (void)file_.close(); }
    // Written or truncated since the last sync_and_release(true).
    bool unsynced() const { return unsynced_; }
    status remove();
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    file file_;  // opened on first need
    bool unsynced_ = false;  // written or truncated since the last sync
};

}  // namespace samsa::storage
