#include "bench/broker/ceilings.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

namespace samsa::bench {
namespace {

using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point start) {
    return std::chrono::duration<double>(clock::now() - start).count();
}

}  // namespace

bandwidth loopback_tcp_bandwidth(std::chrono::milliseconds duration) {
    bandwidth result;
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener, 1) != 0 || getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        result.error = std::string("loopback listener: ") + strerror(errno);
        if (listener >= 0) ::close(listener);
        return result;
    }
    std::atomic<uint64_t> received{0};
    std::thread receiver([&] {
        int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        std::vector<char> buf(1 << 20);
        for (;;) {
            ssize_t n = read(fd, buf.data(), buf.size());
            if (n <= 0) break;
            received.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
        }
        ::close(fd);
    });
    int sender = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(sender, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        result.error = std::string("loopback connect: ") + strerror(errno);
        ::close(listener);
        receiver.join();
        return result;
    }
    std::vector<char> chunk(1 << 20, 'x');
    auto start = clock::now();
    auto end = start + duration;
    while (clock::now() < end) {
        size_t off = 0;
        while (off < chunk.size()) {
            ssize_t n = write(sender, chunk.data() + off, chunk.size() - off);
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
    }
    ::close(sender);
    receiver.join();
    double secs = seconds_since(start);
    ::close(listener);
    result.bytes_per_second = static_cast<double>(received.load()) / secs;
    return result;
}

bandwidth sequential_write_bandwidth(const std::filesystem::path& dir, uint64_t bytes) {
    bandwidth result;
    auto path = dir / "samsa-bench-disk-ceiling.tmp";
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        result.error = "open " + path.string() + ": " + strerror(errno);
        return result;
    }
    std::vector<char> block(1 << 20);
    for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>(i * 131 + 7);
    auto start = clock::now();
    uint64_t written = 0;
    while (written < bytes) {
        ssize_t n = write(fd, block.data(), block.size());
        if (n <= 0) {
            result.error = std::string("write: ") + strerror(errno);
            break;
        }
        written += static_cast<uint64_t>(n);
    }
    if (fdatasync(fd) != 0 && result.error.empty()) result.error = std::string("fdatasync: ") + strerror(errno);
    double secs = seconds_since(start);
    ::close(fd);
    std::error_code ec;
    std::filesystem::remove(path, ec);
    result.bytes_per_second = static_cast<double>(written) / secs;
    return result;
}

}  // namespace samsa::bench
