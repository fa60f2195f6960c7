#include "samsa/cli/kafka/wire_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "samsa/bytes/big_endian.h"
#include "samsa/protocol/messages/api_versions.h"

namespace samsa::cli::kafka {

namespace {

// Responses of the admin APIs this client sends are small; anything larger
// is not a Kafka answer to them.
constexpr int32_t max_response_bytes = 64 << 20;

using clock = std::chrono::steady_clock;

int remaining_ms(clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

result<std::unique_ptr<wire_client>> wire_client::connect(const std::string& host_port,
                                                          std::chrono::milliseconds timeout,
                                                          const wire_security& security) {
    auto colon = host_port.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size())
        return make_error(errc::invalid_argument, fmt::format("'{}' is not host:port", host_port));
    std::string host = host_port.substr(0, colon);
    std::string port = host_port.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
        return make_error(errc::io_error, fmt::format("{}: {}", host_port, gai_strerror(rc)));
    std::string last_error = "no address";
    const auto deadline = clock::now() + timeout;
    for (addrinfo* a = found; a; a = a->ai_next) {
        int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, remaining_ms(deadline)) == 1 ? 0 : -1;
            int err = 0;
            socklen_t len = sizeof err;
            if (rc == 0 && (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)) {
                errno = err;
                rc = -1;
            } else if (rc != 0) {
                errno = ETIMEDOUT;
            }
        }
        if (rc == 0) {
            ::freeaddrinfo(found);
            std::unique_ptr<wire_client> client(new wire_client(fd, host_port, timeout));
            if (security.tls)
                if (auto s = client->start_tls(security, host); !s) return s.error();
            if (security.sasl)
                if (auto s = client->authenticate(security); !s) return s.error();
            return client;
        }
        last_error = std::strerror(errno);
        ::close(fd);
    }
    ::freeaddrinfo(found);
    return make_error(errc::io_error, fmt::format("cannot connect to {}: {}", host_port, last_error));
}

result<std::unique_ptr<wire_client>> wire_client::connect_any(const std::string& bootstrap_list,
                                                              std::chrono::milliseconds timeout,
                                                              const wire_security& security) {
    error last{errc::invalid_argument, "no bootstrap server"};
    for (size_t from = 0; from <= bootstrap_list.size();) {
        size_t comma = std::min(bootstrap_list.find(',', from), bootstrap_list.size());
        if (comma > from) {
            auto client = connect(bootstrap_list.substr(from, comma - from), timeout, security);
            if (client) return client;
            last = client.error();
        }
        from = comma + 1;
    }
    return last;
}

wire_client::~wire_client() {
    if (ssl_) SSL_free(ssl_);
    if (ssl_ctx_) SSL_CTX_free(ssl_ctx_);
    if (fd_ >= 0) ::close(fd_);
}

bool wire_client::wait(bool for_read, clock::time_point deadline) {
    pollfd p{fd_, static_cast<short>(for_read ? POLLIN : POLLOUT), 0};
    return ::poll(&p, 1, remaining_ms(deadline)) == 1;
}

result<size_t> wire_client::step(bool writing, uint8_t* data, size_t size, bool& wants_read) {
    if (ssl_) {
        const int n = writing ? SSL_write(ssl_, data, static_cast<int>(size)) : SSL_read(ssl_, data, static_cast<int>(size));
        if (n > 0) return static_cast<size_t>(n);
        const int e = SSL_get_error(ssl_, n);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            wants_read = e == SSL_ERROR_WANT_READ;  // TLS may need to read to write, and the other way round
            return size_t{0};
        }
        return make_error(errc::io_error, fmt::format("{} closed the connection (TLS {})", address_,
                                                      writing ? "write" : "read"));
    }
    const ssize_t n = writing ? ::send(fd_, data, size, MSG_NOSIGNAL) : ::recv(fd_, data, size, 0);
    if (n > 0) return static_cast<size_t>(n);
    if (n == 0) return make_error(errc::io_error, fmt::format("{} closed the connection", address_));
    if (errno != EAGAIN && errno != EINTR)
        return make_error(errc::io_error, fmt::format("{}: {}", address_, std::strerror(errno)));
    wants_read = !writing;
    return size_t{0};
}

status wire_client::transfer(bool writing, uint8_t* data, size_t size, clock::time_point deadline) {
    for (size_t done = 0; done < size;) {
        bool wants_read = !writing;
        auto n = step(writing, data + done, size - done, wants_read);
        if (!n) return n.error();
        done += *n;
        if (*n == 0 && !wait(wants_read, deadline))
            return make_error(errc::timed_out, fmt::format("{}: no answer within {} ms", address_, timeout_.count()));
    }
    return ok();
}

result<bytes> wire_client::exchange(bytes_view request) {
    const auto deadline = clock::now() + timeout_;
    // send() and SSL_write() only read from it.
    if (auto s = transfer(true, const_cast<uint8_t*>(request.data()), request.size(), deadline); !s) return s.error();
    uint8_t size_field[4];
    if (auto s = transfer(false, size_field, 4, deadline); !s) return s.error();
    const auto size = static_cast<int32_t>(get_be32(size_field));
    if (size < 4 || size > max_response_bytes)
        return make_error(errc::corrupt, fmt::format("{}: a response of {} bytes", address_, size));
    bytes frame(static_cast<size_t>(size));
    if (auto s = transfer(false, frame.data(), frame.size(), deadline); !s) return s.error();
    return frame;
}

result<int16_t> wire_client::version_for(protocol::api_key key, int16_t min, int16_t max) {
    if (!versions_known_) {
        versions_known_ = true;  // v0: every broker answers it
        protocol::request_header h;
        h.api_version = 0;
        h.correlation_id = ++correlation_;
        h.client_id = "samsa-cli";
        auto frame = exchange(protocol::encode_request_frame(h, protocol::api_versions_request{}));
        if (!frame) return frame.error();
        int32_t cid = 0;
        auto r = protocol::decode_response_frame<protocol::api_versions_response>(*frame, 0, cid);
        if (!r) return r.error();
        for (const auto& k : r->api_keys) versions_[static_cast<int16_t>(k.api_key)] = {k.min_version, k.max_version};
    }
    auto it = versions_.find(static_cast<int16_t>(key));
    if (it == versions_.end() || it->second.second < min || it->second.first > max)
        return make_error(errc::unsupported, fmt::format("{} does not support {}", address_, protocol::name(key)));
    return std::min(max, it->second.second);
}

}  // namespace samsa::cli::kafka
