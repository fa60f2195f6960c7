#include "samsa/cli/kafka/bootstrap_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <thread>

#include <fmt/format.h>

namespace samsa::cli::kafka {
namespace {

enum class connect_outcome { accepted, refused, other };

// One TCP connect to one resolved address, bounded by `limit`.
connect_outcome try_connect(const addrinfo& a, std::chrono::milliseconds limit) {
    int fd = ::socket(a.ai_family, a.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a.ai_protocol);
    if (fd < 0) return connect_outcome::other;
    int err = 0;
    if (::connect(fd, a.ai_addr, a.ai_addrlen) != 0) {
        err = errno;
        if (err == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, static_cast<int>(limit.count())) == 1) {
                socklen_t len = sizeof err;
                if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
            } else {
                err = ETIMEDOUT;
            }
        }
    }
    ::close(fd);
    if (err == 0) return connect_outcome::accepted;
    return err == ECONNREFUSED ? connect_outcome::refused : connect_outcome::other;
}

// The best outcome over every address `hp` resolves to (a name that does not
// resolve is `other`: librdkafka will report it).
connect_outcome probe(const host_port& hp) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(hp.host.c_str(), std::to_string(hp.port).c_str(), &hints, &found) != 0) {
        return connect_outcome::other;
    }
    connect_outcome best = connect_outcome::refused;
    for (const addrinfo* a = found; a != nullptr && best != connect_outcome::accepted; a = a->ai_next) {
        auto o = try_connect(*a, std::chrono::milliseconds(500));
        if (o != connect_outcome::refused) best = o;
    }
    ::freeaddrinfo(found);
    return found == nullptr ? connect_outcome::other : best;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

result<host_port> parse_one(std::string_view entry) {
    std::string_view rest = trim(entry);
    if (auto scheme = rest.find("://"); scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
    host_port hp;
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {  // [v6]:port
        auto close = rest.find(']');
        if (close == std::string_view::npos) return make_error(errc::invalid_argument, fmt::format("bootstrap server '{}': missing ']'", entry));
        hp.host = std::string(rest.substr(1, close - 1));
        rest.remove_prefix(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return make_error(errc::invalid_argument, fmt::format("bootstrap server '{}': expected ':port' after ']'", entry));
            port_text = rest.substr(1);
        }
    } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        hp.host = std::string(rest.substr(0, colon));
        port_text = rest.substr(colon + 1);
    } else {
        hp.host = std::string(rest);
    }
    if (hp.host.empty()) return make_error(errc::invalid_argument, fmt::format("bootstrap server '{}': no host", entry));
    if (!port_text.empty()) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
            return make_error(errc::invalid_argument, fmt::format("bootstrap server '{}': bad port '{}'", entry, port_text));
        }
        hp.port = static_cast<uint16_t>(value);
    }
    return hp;
}

}  // namespace

result<std::vector<host_port>> parse_bootstrap_servers(std::string_view bootstrap) {
    std::vector<host_port> out;
    while (!bootstrap.empty()) {
        auto comma = bootstrap.find(',');
        auto entry = bootstrap.substr(0, comma);
        bootstrap.remove_prefix(comma == std::string_view::npos ? bootstrap.size() : comma + 1);
        if (trim(entry).empty()) continue;
        auto hp = parse_one(entry);
        if (!hp) return hp.error();
        out.push_back(std::move(*hp));
    }
    if (out.empty()) return make_error(errc::invalid_argument, "no bootstrap server given");
    return out;
}

status wait_until_not_refused(std::string_view bootstrap, std::chrono::milliseconds timeout,
                              std::chrono::milliseconds refused_grace) {
    auto servers = parse_bootstrap_servers(bootstrap);
    if (!servers) return servers.error();
    const auto deadline = std::chrono::steady_clock::now() + std::min(timeout, refused_grace);
    for (;;) {
        bool all_refused = true;
        for (const auto& hp : *servers) {
            if (probe(hp) != connect_outcome::refused) {
                all_refused = false;
                break;
            }
        }
        if (!all_refused) return ok();
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return make_error(errc::closed,
                      fmt::format("cannot reach a Kafka broker at {}: connection refused (nothing listens there; is the "
                                  "broker running?)",
                                  bootstrap));
}

}  // namespace samsa::cli::kafka
