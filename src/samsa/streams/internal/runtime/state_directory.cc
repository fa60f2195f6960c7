#include "samsa/streams/internal/runtime/state_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace samsa::streams::internal {

task_lock::~task_lock() {
    if (fd_ >= 0) {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

state_directory::state_directory(std::filesystem::path state_dir, std::string application_id)
    : app_dir_(std::move(state_dir) / application_id) {}

result<std::filesystem::path> state_directory::directory_for(const std::string& name) const {
    auto dir = app_dir_ / name;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(errc::io_error, "cannot create state directory " + dir.string() + ": " + ec.message());
    return dir;
}

result<std::unique_ptr<task_lock>> state_directory::lock(const std::string& name) const {
    auto dir = directory_for(name);
    if (!dir) return dir.error();
    auto path = *dir / ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return make_error(errc::io_error, "cannot open " + path.string() + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        ::close(fd);
        if (e == EWOULDBLOCK) {
            return make_error(errc::already_exists, "state directory " + dir->string() + " is locked by another thread "
                                                                                         "or process");
        }
        return make_error(errc::io_error, "cannot lock " + path.string() + ": " + std::strerror(e));
    }
    return std::make_unique<task_lock>(fd);
}

status state_directory::clean() {
    std::error_code ec;
    std::filesystem::remove_all(app_dir_, ec);
    if (ec) return make_error(errc::io_error, "cannot remove " + app_dir_.string() + ": " + ec.message());
    return ok();
}

}  // namespace samsa::streams::internal
