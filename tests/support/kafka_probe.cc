#include "tests/support/kafka_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace samsa::test_support {
namespace {

using clock = std::chrono::steady_clock;

void put16(std::vector<uint8_t>& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& b, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
}
uint32_t get32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

int remaining_ms(clock::time_point deadline) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return ms < 0 ? 0 : static_cast<int>(ms);
}

bool read_exact(int fd, uint8_t* out, size_t n, clock::time_point deadline, std::string& error) {
    size_t got = 0;
    while (got < n) {
        pollfd p{fd, POLLIN, 0};
        int rc = poll(&p, 1, remaining_ms(deadline));
        if (rc == 0) { error = "timed out waiting for the response"; return false; }
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) { error = strerror(errno); return false; }
        ssize_t r = read(fd, out + got, n - got);
        if (r == 0) { error = "connection closed by the broker after " + std::to_string(got) + " bytes"; return false; }
        if (r < 0 && errno != EINTR && errno != EAGAIN) { error = strerror(errno); return false; }
        if (r > 0) got += static_cast<size_t>(r);
    }
    return true;
}

}  // namespace

probe_result metadata_v0_round_trip(uint16_t port, std::chrono::milliseconds timeout) {
    probe_result result;
    auto deadline = clock::now() + timeout;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        result.error = strerror(errno);
        return result;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        result.error = std::string("connect: ") + strerror(errno);
        ::close(fd);
        return result;
    }
    const std::string client_id = "samsa-probe";
    const uint32_t correlation_id = 0x5a5a0001;
    std::vector<uint8_t> body;
    put16(body, 3);  // Metadata
    put16(body, 0);
    put32(body, correlation_id);
    put16(body, static_cast<uint16_t>(client_id.size()));
    body.insert(body.end(), client_id.begin(), client_id.end());
    put32(body, 0);  // no topics named: all of them
    std::vector<uint8_t> frame;
    put32(frame, static_cast<uint32_t>(body.size()));
    frame.insert(frame.end(), body.begin(), body.end());
    if (write(fd, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size())) {
        result.error = std::string("write: ") + strerror(errno);
        ::close(fd);
        return result;
    }
    uint8_t head[8];
    if (!read_exact(fd, head, sizeof head, deadline, result.error)) {
        ::close(fd);
        return result;
    }
    int32_t size = static_cast<int32_t>(get32(head));
    uint32_t got_correlation = get32(head + 4);
    // Read the rest too: closing with unread bytes resets the connection, which
    // the broker would log as an error.
    if (size > 4 && size < (64 << 20)) {
        std::vector<uint8_t> rest(static_cast<size_t>(size - 4));
        std::string ignored;
        (void)read_exact(fd, rest.data(), rest.size(), deadline, ignored);
    }
    ::close(fd);
    if (got_correlation != correlation_id) {
        result.error = "wrong correlation id " + std::to_string(got_correlation);
        return result;
    }
    result.ok = true;
    result.body_size = size;
    return result;
}

}  // namespace samsa::test_support
