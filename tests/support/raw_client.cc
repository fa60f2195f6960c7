#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace samsa::test_support {

namespace {

using clock = std::chrono::steady_clock;

// Kafka's own cap on a frame is far lower; this only stops a garbage size
// from allocating gigabytes.
constexpr uint32_t max_frame_bytes = 256u << 20;

int ms_left(clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

raw_client::raw_client(uint16_t port, std::chrono::milliseconds timeout) : timeout_(timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        connect_error_ = std::string("socket: ") + std::strerror(errno);
        return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc;
    do {
        rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        connect_error_ = "connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
        return;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Reads wait in poll() with their own deadline; a send blocks at most this long.
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

raw_client::~raw_client() {
    if (fd_ >= 0) ::close(fd_);
}

bool raw_client::send(bytes_view data) {
    if (fd_ < 0) return false;
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

status raw_client::read_exact(uint8_t* out, size_t n, clock::time_point deadline) {
    size_t done = 0;
    while (done < n) {
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, ms_left(deadline));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return make_error(errc::io_error, std::string("poll: ") + std::strerror(errno));
        if (r == 0)
            return make_error(errc::timed_out, "timed out after " + std::to_string(done) + " of " + std::to_string(n) +
                                                   " bytes");
        ssize_t got = ::recv(fd_, out + done, n - done, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return make_error(errc::io_error, std::string("recv: ") + std::strerror(errno));
        if (got == 0)
            return make_error(errc::closed, "connection closed by the peer after " + std::to_string(done) + " of " +
                                                std::to_string(n) + " bytes");
        done += static_cast<size_t>(got);
    }
    return ok();
}

result<bytes> raw_client::read_frame(std::chrono::milliseconds timeout) {
    if (fd_ < 0) return make_error(errc::closed, "not connected: " + connect_error_);
    auto deadline = clock::now() + timeout;
    uint8_t size_bytes[4];
    if (auto s = read_exact(size_bytes, 4, deadline); !s) return make_error(s.error().code, "no frame: " + s.error().message);
    uint32_t size = (uint32_t{size_bytes[0]} << 24) | (uint32_t{size_bytes[1]} << 16) |
                    (uint32_t{size_bytes[2]} << 8) | size_bytes[3];
    if (size > max_frame_bytes) return make_error(errc::corrupt, "absurd frame size " + std::to_string(size));
    bytes frame(size);
    if (auto s = read_exact(frame.data(), size, deadline); !s)
        return make_error(s.error().code, "short frame: " + s.error().message);
    return frame;
}

bool raw_client::closed_by_peer(std::chrono::milliseconds timeout) {
    if (fd_ < 0) return true;
    auto deadline = clock::now() + timeout;
    uint8_t buf[4096];
    for (;;) {
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, ms_left(deadline));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return true;  // EOF or reset
    }
}

}  // namespace samsa::test_support
