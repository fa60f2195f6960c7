#include "samsa/streams/internal/runtime/state_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <spdlog/spdlog.h>

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

namespace {

std::string random_uuid() {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
    uint64_t hi = gen();
    uint64_t lo = gen();
    hi = (hi & ~0xf000ULL) | 0x4000ULL;                // version 4
    lo = (lo & ~(3ULL << 62)) | (2ULL << 62);          // variant 10
    char out[37];
    std::snprintf(out, sizeof(out), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                  static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    return out;
}

}  // namespace

std::string state_directory::process_id() {
    if (!process_id_.empty()) return process_id_;
    auto lock = this->lock(".");
    if (!lock) {
        spdlog::info("[streams] {}: {}; using a random process id", app_dir_.string(), lock.error().message);
        process_id_ = random_uuid();
        return process_id_;
    }
    app_lock_ = std::move(*lock);
    auto path = app_dir_ / "kafka-streams-process-metadata";
    if (std::ifstream in(path); in) {
        // {"processId":"<36 characters>"}: a uuid needs no JSON escaping.
        std::stringstream text;
        text << in.rdbuf();
        std::string s = text.str();
        const std::string field = "\"processId\":\"";
        auto at = s.find(field);
        if (at != std::string::npos && s.size() >= at + field.size() + 37 && s[at + field.size() + 36] == '"') {
            process_id_ = s.substr(at + field.size(), 36);
        } else {
            spdlog::warn("[streams] unreadable {}; writing a new process id", path.string());
        }
    }
    if (process_id_.empty()) {
        process_id_ = random_uuid();
        std::ofstream out(path, std::ios::trunc);
        out << "{\"processId\":\"" << process_id_ << "\"}\n";
        if (!out) spdlog::warn("[streams] cannot write {}", path.string());
    }
    return process_id_;
}

status state_directory::clean() {
    std::error_code ec;
    std::filesystem::remove_all(app_dir_, ec);
    if (ec) return make_error(errc::io_error, "cannot remove " + app_dir_.string() + ": " + ec.message());
    return ok();
}

}  // namespace samsa::streams::internal
