#include "bench/broker/ceilings.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace samsa::bench {
namespace {

using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point start) {
    return std::chrono::duration<double>(clock::now() - start).count();
}

// One loopback connection: `send(fd, end)` writes into it until `end` while a
// receiver thread reads 1 MiB at a time and discards; bytes received per
// second of sending.
template<class Send>
bandwidth through_loopback(std::chrono::milliseconds duration, Send send) {
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
        ::close(sender);
        ::close(listener);
        receiver.join();
        return result;
    }
    auto start = clock::now();
    result.error = send(sender, start + duration);
    ::close(sender);
    receiver.join();
    double secs = seconds_since(start);
    ::close(listener);
    result.bytes_per_second = static_cast<double>(received.load()) / secs;
    return result;
}

}  // namespace

bandwidth loopback_tcp_bandwidth(std::chrono::milliseconds duration) {
    return through_loopback(duration, [](int sender, clock::time_point end) {
        std::vector<char> chunk(1 << 20, 'x');
        while (clock::now() < end) {
            size_t off = 0;
            while (off < chunk.size()) {
                ssize_t n = write(sender, chunk.data() + off, chunk.size() - off);
                if (n <= 0) return std::string("write: ") + strerror(errno);
                off += static_cast<size_t>(n);
            }
        }
        return std::string();
    });
}

bandwidth loopback_sendfile_bandwidth(const std::filesystem::path& dir, uint64_t file_bytes,
                                      std::chrono::milliseconds duration) {
    auto path = dir / "samsa-bench-sendfile-ceiling.tmp";
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return {0, "open " + path.string() + ": " + strerror(errno)};
    std::error_code ec;
    std::filesystem::remove(path, ec);  // open: readable until closed
    // Written in 256 KiB writes, as the raw load's Produce batches are
    // appended, so its page cache looks like a segment's.
    std::vector<char> block(256 * 1024);
    for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>(i * 131 + 7);
    for (uint64_t written = 0; written < file_bytes; written += block.size()) {
        if (write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) {
            ::close(fd);
            return {0, std::string("write: ") + strerror(errno)};
        }
    }
    auto result = through_loopback(duration, [&](int sender, clock::time_point end) {
        constexpr size_t call_bytes = 4u << 20;
        off_t position = 0;
        while (clock::now() < end) {
            if (static_cast<uint64_t>(position) >= file_bytes) position = 0;
            const size_t want = std::min<uint64_t>(call_bytes, file_bytes - static_cast<uint64_t>(position));
            if (sendfile(sender, fd, &position, want) <= 0) return std::string("sendfile: ") + strerror(errno);
        }
        return std::string();
    });
    ::close(fd);
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

std::optional<double> process_cpu_seconds(pid_t pid) {
    std::error_code ec;
    double total = 0;
    bool any = false;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "schedstat");
        uint64_t ns = 0;
        if (in >> ns) {
            total += static_cast<double>(ns) / 1e9;
            any = true;
        }
    }
    if (!ec && any) return total;
    // Without schedstat (a kernel without CONFIG_SCHED_INFO): utime and
    // stime from /proc/<pid>/stat, in clock ticks, after the command's ")".
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(line.substr(close + 2));
    std::string field;
    uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    const long ticks = sysconf(_SC_CLK_TCK);
    if (ticks <= 0) return std::nullopt;
    return static_cast<double>(utime + stime) / static_cast<double>(ticks);
}

double own_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return secs(u.ru_utime) + secs(u.ru_stime);
}

}  // namespace samsa::bench
