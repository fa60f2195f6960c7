#pragma once
// file: an owned file descriptor with the few calls storage needs, each
// returning errc::io_error with the path and strerror when the OS refuses.
//
// Thread model: pread may run on any thread; everything else belongs to the
// owner of the object (the partition's I/O thread).

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"

namespace samsa::storage {

class file {
public:
    // Opens read-write, creating the file (mode 0644) when `create` is set.
    static result<file> open(const std::filesystem::path& path, bool create);

    file() = default;
    file(file&& other) noexcept;
    file& operator=(file&& other) noexcept;
    ~file();
    file(const file&) = delete;
    file& operator=(const file&) = delete;

    bool is_open() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    const std::filesystem::path& path() const { return path_; }

    // Writes all of `data` at `position` (retrying short writes and EINTR).
    status pwrite_all(bytes_view data, uint64_t position);
    // Reads up to out.size() bytes at `position`; returns how many were read
    // (fewer only at the end of the file).
    result<size_t> pread(std::span<uint8_t> out, uint64_t position) const;
    status sync();  // fdatasync
    status truncate(uint64_t size);
    // Reserves disk blocks for [position, position + length) without changing
    // the file's size (fallocate FALLOC_FL_KEEP_SIZE): readers and st_size see
    // nothing of it. errc::unsupported where the filesystem cannot.
    status preallocate(uint64_t position, uint64_t length);
    result<uint64_t> size() const;
    status close();

private:
    file(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}

    int fd_ = -1;
    std::filesystem::path path_;
};

// errc::io_error "<what> <path>: <strerror(errno)>".
error io_error(std::string_view what, const std::filesystem::path& path, int errno_value);

// fsyncs a directory, so that creates, renames and unlinks in it are durable.
status sync_dir(const std::filesystem::path& dir);
// syncfs(2) of the file system holding `dir`: every dirty page, inode and
// directory entry on it, in one call. For the log manager's clean close and
// recovery, where the alternative is several fsyncs per partition. Since
// Linux 5.8 it reports the file system's writeback errors not yet seen, as
// fsync does a file's.
status sync_file_system(const std::filesystem::path& dir);
// Replaces `path` with `contents` crash-safely: writes `<path>.tmp`, fsyncs,
// renames over `path`, fsyncs the directory (Kafka's checkpoint discipline).
status write_file_atomically(const std::filesystem::path& path, std::string_view contents);
// Reads a whole (small) file; not_found when it does not exist.
result<std::string> read_small_file(const std::filesystem::path& path);

}  // namespace samsa::storage
