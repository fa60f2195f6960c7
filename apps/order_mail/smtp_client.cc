#include "smtp_client.h"

#include <asio.hpp>
#include <fmt/format.h>

namespace samsa::apps::order_mail {

namespace {

// One SMTP conversation. Each step runs the io_context for at most the
// timeout: Asio's blocking calls have no deadline of their own.
class smtp_session {
public:
    explicit smtp_session(const smtp_server& server) : server_(server), socket_(io_) {}

    result<void> connect() {
        asio::ip::tcp::resolver resolver(io_);
        asio::error_code ec;
        auto endpoints = resolver.resolve(server_.host, std::to_string(server_.port), ec);
        if (ec) return make_error(errc::not_found, fmt::format("cannot resolve SMTP host {}: {}", server_.host, ec.message()));
        asio::async_connect(socket_, endpoints, [&](const asio::error_code& e, const auto&) { ec = e; });
        if (!run()) return timed_out("connecting");
        if (ec) return make_error(errc::io_error, fmt::format("cannot connect to SMTP server {}:{}: {}", server_.host,
                                                              server_.port, ec.message()));
        return {};
    }

    // Reads one reply (all its "250-" continuation lines); its code.
    result<int> reply(std::string& text) {
        text.clear();
        while (true) {
            asio::error_code ec;
            size_t n = 0;
            asio::async_read_until(socket_, buffer_, "\r\n", [&](const asio::error_code& e, size_t got) {
                ec = e;
                n = got;
            });
            if (!run()) return timed_out("waiting for a reply");
            if (ec) return make_error(errc::io_error, "SMTP connection lost: " + ec.message());
            std::string line(asio::buffers_begin(buffer_.data()), asio::buffers_begin(buffer_.data()) + n);
            buffer_.consume(n);
            text += line;
            if (line.size() < 5 || line[3] != '-') {
                if (line.size() < 3) return make_error(errc::corrupt, "SMTP reply too short: " + line);
                try {
                    return std::stoi(line.substr(0, 3));
                } catch (const std::exception&) {
                    return make_error(errc::corrupt, "SMTP reply without a code: " + line);
                }
            }
        }
    }

    result<void> send(const std::string& data) {
        asio::error_code ec;
        asio::async_write(socket_, asio::buffer(data), [&](const asio::error_code& e, size_t) { ec = e; });
        if (!run()) return timed_out("sending");
        if (ec) return make_error(errc::io_error, "SMTP write failed: " + ec.message());
        return {};
    }

    // Sends a command and expects a reply code in [low, high].
    result<void> command(const std::string& line, int low, int high, const char* what) {
        if (!line.empty()) {
            if (auto s = send(line + "\r\n"); !s) return s;
        }
        std::string text;
        auto code = reply(text);
        if (!code) return code.error();
        if (*code < low || *code > high) {
            while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
            return make_error(errc::invalid_argument, fmt::format("SMTP {} refused: {}", what, text));
        }
        return {};
    }

private:
    bool run() {
        io_.restart();
        io_.run_for(server_.timeout);
        if (io_.stopped()) return true;
        asio::error_code ignored;
        socket_.close(ignored);
        io_.restart();
        io_.run_for(std::chrono::milliseconds(100));  // lets the cancelled handler run
        return false;
    }
    error timed_out(const char* what) const {
        return make_error(errc::timed_out, fmt::format("SMTP server {}:{} timed out {} ({} ms)", server_.host,
                                                       server_.port, what, server_.timeout.count()));
    }

    smtp_server server_;
    asio::io_context io_;
    asio::ip::tcp::socket socket_;
    asio::streambuf buffer_;
};

}  // namespace

result<smtp_server> parse_smtp_server(const std::string& text) {
    smtp_server s;
    auto colon = text.rfind(':');
    s.host = colon == std::string::npos ? text : text.substr(0, colon);
    if (s.host.empty()) return make_error(errc::invalid_argument, "--smtp expects host:port, got '" + text + "'");
    if (colon != std::string::npos) {
        try {
            size_t used = 0;
            int port = std::stoi(text.substr(colon + 1), &used);
            if (used != text.size() - colon - 1 || port < 1 || port > 65535) throw std::out_of_range("port");
            s.port = static_cast<uint16_t>(port);
        } catch (const std::exception&) {
            return make_error(errc::invalid_argument, "--smtp: bad port in '" + text + "'");
        }
    }
    return s;
}

std::string smtp_data_payload(const std::string& message) {
    std::string out;
    bool line_start = true;
    for (char c : message) {
        if (line_start && c == '.') out += '.';
        out += c;
        line_start = c == '\n';
    }
    if (!out.ends_with("\r\n")) out += "\r\n";
    return out + ".\r\n";
}

result<void> smtp_send(const smtp_server& server, const std::string& from, const std::string& to,
                       const std::string& message) {
    smtp_session s(server);
    if (auto r = s.connect(); !r) return r;
    if (auto r = s.command("", 220, 220, "greeting"); !r) return r;
    if (auto r = s.command("EHLO " + server.helo_name, 250, 250, "EHLO"); !r) {
        if (auto h = s.command("HELO " + server.helo_name, 250, 250, "HELO"); !h) return h;
    }
    if (auto r = s.command("MAIL FROM:<" + from + ">", 250, 259, "MAIL FROM"); !r) return r;
    if (auto r = s.command("RCPT TO:<" + to + ">", 250, 259, "RCPT TO"); !r) return r;
    if (auto r = s.command("DATA", 354, 354, "DATA"); !r) return r;
    if (auto r = s.send(smtp_data_payload(message)); !r) return r;
    if (auto r = s.command("", 250, 259, "message"); !r) return r;
    (void)s.command("QUIT", 221, 221, "QUIT");  // the message is accepted; a rude goodbye changes nothing
    return {};
}

}  // namespace samsa::apps::order_mail
