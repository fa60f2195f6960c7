#include "samsa/broker/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace samsa::broker {

result<std::unique_ptr<dir_lock>> dir_lock::acquire(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(errc::io_error, "cannot create log dir " + dir + ": " + ec.message());
    std::string path = (std::filesystem::path(dir) / ".lock").string();
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return make_error(errc::io_error, "cannot open " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        ::close(fd);
        if (e == EWOULDBLOCK) {
            return make_error(errc::already_exists, "log dir " + dir + " is in use by another samsa-broker");
        }
        return make_error(errc::io_error, "cannot lock " + path + ": " + std::strerror(e));
    }
    return std::unique_ptr<dir_lock>(new dir_lock(fd));
}

dir_lock::~dir_lock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace samsa::broker
