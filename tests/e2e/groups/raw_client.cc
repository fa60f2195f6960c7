#include "tests/e2e/groups/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace samsa::e2e {

raw_client::raw_client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        connect_error_ = std::string("socket: ") + std::strerror(errno);
        return;
    }
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        connect_error_ = "connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
    }
}

raw_client::~raw_client() {
    if (fd_ >= 0) ::close(fd_);
}

status raw_client::write_all(const bytes& data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return make_error(errc::io_error, "send failed");
        done += static_cast<size_t>(n);
    }
    return ok();
}

result<bytes> raw_client::read_frame() {
    auto read_n = [&](uint8_t* p, size_t n) -> bool {
        size_t got = 0;
        while (got < n) {
            ssize_t r = ::recv(fd_, p + got, n - got, 0);
            if (r <= 0) return false;
            got += static_cast<size_t>(r);
        }
        return true;
    };
    uint8_t size_bytes[4];
    if (!read_n(size_bytes, 4)) return make_error(errc::io_error, "no response (connection closed or timed out)");
    uint32_t size = (uint32_t(size_bytes[0]) << 24) | (uint32_t(size_bytes[1]) << 16) | (uint32_t(size_bytes[2]) << 8) |
                    size_bytes[3];
    if (size > 64u << 20) return make_error(errc::corrupt, "absurd response size");
    bytes frame(size);
    if (!read_n(frame.data(), size)) return make_error(errc::io_error, "short response");
    return frame;
}

bool raw_client::closed_by_peer() {
    uint8_t b;
    ssize_t r = ::recv(fd_, &b, 1, 0);
    return r == 0 || (r < 0 && errno == ECONNRESET);
}

}  // namespace samsa::e2e
