#include "samsa/storage/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "samsa/base/assert.h"

namespace samsa::storage {

error io_error(std::string_view what, const std::filesystem::path& path, int errno_value) {
    return make_error(errc::io_error, fmt::format("{} {}: {}", what, path.string(), std::strerror(errno_value)));
}

result<file> file::open(const std::filesystem::path& path, bool create) {
    int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return io_error("cannot open", path, errno);
    return file(fd, path);
}

file::file(file&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }

file& file::operator=(file&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        path_ = std::move(other.path_);
        other.fd_ = -1;
    }
    return *this;
}

file::~file() {
    if (fd_ >= 0) ::close(fd_);
}

status file::pwrite_all(bytes_view data, uint64_t position) {
    SAMSA_ASSERT(is_open());
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(position + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error("cannot write", path_, errno);
        }
        done += static_cast<size_t>(n);
    }
    return ok();
}

result<size_t> file::pread(std::span<uint8_t> out, uint64_t position) const {
    SAMSA_ASSERT(is_open());
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(position + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error("cannot read", path_, errno);
        }
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    return done;
}

status file::sync() {
    SAMSA_ASSERT(is_open());
    if (::fdatasync(fd_) != 0) return io_error("cannot sync", path_, errno);
    return ok();
}

status file::truncate(uint64_t size) {
    SAMSA_ASSERT(is_open());
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return io_error("cannot truncate", path_, errno);
    return ok();
}

status file::preallocate(uint64_t position, uint64_t length) {
    SAMSA_ASSERT(is_open());
    if (::fallocate(fd_, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(position), static_cast<off_t>(length)) == 0)
        return ok();
    if (errno == EOPNOTSUPP || errno == ENOSYS)
        return make_error(errc::unsupported, fmt::format("{}: fallocate is not supported", path_.string()));
    return io_error("cannot preallocate", path_, errno);
}

result<uint64_t> file::size() const {
    SAMSA_ASSERT(is_open());
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return io_error("cannot stat", path_, errno);
    return static_cast<uint64_t>(st.st_size);
}

status file::close() {
    if (fd_ < 0) return ok();
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return io_error("cannot close", path_, errno);
    return ok();
}

namespace {

// Opens dir, runs sync_call (fsync or syncfs) on it and closes it.
status sync_through_dir(const std::filesystem::path& dir, int (*sync_call)(int), const char* what) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open directory", dir, errno);
    int rc = sync_call(fd);
    int saved = errno;
    ::close(fd);
    if (rc != 0) return io_error(what, dir, saved);
    return ok();
}

}  // namespace

status sync_dir(const std::filesystem::path& dir) {
    return sync_through_dir(dir, ::fsync, "cannot sync directory");
}

status sync_file_system(const std::filesystem::path& dir) {
    return sync_through_dir(dir, ::syncfs, "cannot sync the file system of");
}

status write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("cannot create", tmp, errno);
    size_t done = 0;
    while (done < contents.size()) {
        ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            ::close(fd);
            return io_error("cannot write", tmp, saved);
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        int saved = errno;
        ::close(fd);
        return io_error("cannot sync", tmp, saved);
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot rename to " + path.string(), tmp, errno);
    return sync_dir(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

result<std::string> read_small_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return make_error(errc::not_found, fmt::format("{} does not exist", path.string()));
        return io_error("cannot open", path, errno);
    }
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            ::close(fd);
            return io_error("cannot read", path, saved);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

}  // namespace samsa::storage
