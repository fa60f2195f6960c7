// The mail sender's pieces without a broker: the .eml writer (RFC 5322
// headers, RFC 2047 encoded-words, folding, CRLF) and the SMTP client
// against a scripted server on a loopback socket.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "order_mail/eml.h"
#include "order_mail/smtp_client.h"

namespace samsa::apps::order_mail {
namespace {

order_mail sample_mail() {
    return compose_order_mail(order{"o42", "c7", "i3", 2, "2021-08-12T09:00:00.000Z"},
                              customer{"c7", "João Conceição", "joao.conceicao7@example.com"},
                              customer_address{"c7", "Rua da Praia", "10", "Porto Alegre", "RS", "90010-000"},
                              item{"i3", "Álcool em gel 70%", 11.9});
}

std::vector<std::string> lines_of(const std::string& message) {
    std::vector<std::string> lines;
    size_t at = 0;
    while (at < message.size()) {
        size_t end = message.find("\r\n", at);
        EXPECT_NE(end, std::string::npos) << "the message must end with CRLF";
        if (end == std::string::npos) break;
        lines.push_back(message.substr(at, end - at));
        at = end + 2;
    }
    return lines;
}

// The header section unfolded: name -> value.
std::map<std::string, std::string> headers_of(const std::string& message) {
    std::map<std::string, std::string> h;
    std::string last;
    for (const auto& line : lines_of(message)) {
        if (line.empty()) break;
        if (line[0] == ' ' || line[0] == '\t') {
            h[last] += line;
            continue;
        }
        auto colon = line.find(": ");
        last = line.substr(0, colon);
        h[last] = line.substr(colon + 2);
    }
    return h;
}

// Decodes =?UTF-8?Q?...?= words (whitespace between words is dropped, as RFC 2047 section 6.2 says).
std::string decode_words(const std::string& value) {
    std::string out;
    size_t at = 0;
    while (at < value.size()) {
        size_t open = value.find("=?UTF-8?Q?", at);
        if (open == std::string::npos) return out + value.substr(at);
        std::string between = value.substr(at, open - at);
        if (between.find_first_not_of(" \r\n") != std::string::npos) out += between;
        size_t close = value.find("?=", open + 10);
        std::string word = value.substr(open + 10, close - open - 10);
        for (size_t i = 0; i < word.size(); ++i) {
            if (word[i] == '_') out += ' ';
            else if (word[i] == '=') out += static_cast<char>(std::stoi(word.substr(i + 1, 2), nullptr, 16)), i += 2;
            else out += word[i];
        }
        at = close + 2;
    }
    return out;
}

TEST(order_mail_eml, has_the_rfc5322_headers_and_crlf_lines) {
    auto message = write_eml(sample_mail(), 1628758800000, eml_options{});
    ASSERT_TRUE(message);
    for (size_t i = 0; i < message->size(); ++i) {
        if ((*message)[i] == '\n') {
            ASSERT_TRUE(i > 0 && (*message)[i - 1] == '\r') << "bare LF at " << i;
        }
    }
    auto h = headers_of(*message);
    EXPECT_EQ(h["From"], "\"Samsa Pedidos\" <pedidos@example.com>");
    EXPECT_EQ(decode_words(h["To"]), "João Conceição <joao.conceicao7@example.com>");
    EXPECT_EQ(decode_words(h["Subject"]), "Pedido o42 confirmado: 2 × Álcool em gel 70%");
    EXPECT_EQ(h["Date"], "Thu, 12 Aug 2021 09:00:00 +0000");
    EXPECT_EQ(h["Message-ID"], "<order-o42@order-mail.samsa.invalid>");
    EXPECT_EQ(h["MIME-Version"], "1.0");
    EXPECT_EQ(h["Content-Type"], "text/plain; charset=utf-8");
    EXPECT_EQ(h["Content-Transfer-Encoding"], "8bit");
    auto body = message->substr(message->find("\r\n\r\n") + 4);
    EXPECT_NE(body.find("Olá, João Conceição!\r\n"), std::string::npos) << body;
    for (const auto& line : lines_of(*message)) EXPECT_LE(line.size(), 78u) << line;
}

TEST(order_mail_eml, header_lines_are_ascii_and_folded) {
    std::string long_subject;
    for (int i = 0; i < 12; ++i) long_subject += "Promoção válida até amanhã ";
    std::string h = header("Subject", long_subject);
    auto lines = lines_of(h);
    EXPECT_GT(lines.size(), 3u);
    for (size_t i = 0; i < lines.size(); ++i) {
        EXPECT_LE(lines[i].size(), 78u);
        for (unsigned char c : lines[i]) EXPECT_LT(c, 0x80) << lines[i];
        if (i > 0) {
            EXPECT_EQ(lines[i][0], ' ');
        }
    }
    EXPECT_EQ(decode_words(h.substr(9, h.size() - 11)), long_subject);

    std::string ascii = header("Subject", std::string(40, 'a') + " " + std::string(40, 'b') + " c");
    EXPECT_EQ(ascii, "Subject: " + std::string(40, 'a') + "\r\n " + std::string(40, 'b') + " c\r\n");
}

TEST(order_mail_eml, a_long_display_name_is_folded_before_the_address) {
    order_mail m = sample_mail();
    m.customer_name = "Maria Antônia Conceição de Albuquerque Gonçalves Brandão";
    auto message = write_eml(m, 0, eml_options{});
    ASSERT_TRUE(message);
    for (const auto& line : lines_of(*message)) EXPECT_LE(line.size(), 78u) << line;
    EXPECT_EQ(decode_words(headers_of(*message)["To"]), m.customer_name + " <joao.conceicao7@example.com>");
}

TEST(order_mail_eml, a_newline_in_a_subject_cannot_inject_a_header) {
    order_mail m = sample_mail();
    m.subject = "hi\r\nBcc: victim@example.com";
    auto message = write_eml(m, 0, eml_options{});
    ASSERT_TRUE(message);
    EXPECT_EQ(message->find("\r\nBcc:"), std::string::npos) << *message;
    EXPECT_EQ(decode_words(headers_of(*message)["Subject"]), m.subject);
}

TEST(order_mail_eml, refuses_a_recipient_that_is_not_an_address) {
    order_mail m = sample_mail();
    std::string error;
    for (const char* bad : {"", "no-at-sign", "a@b@c", "a b@c", "x@y>\r\nBcc: z@w", "<a@b>"}) {
        m.to = bad;
        EXPECT_FALSE(write_eml(m, 0, eml_options{}, &error)) << bad;
        EXPECT_NE(error.find("o42"), std::string::npos);
    }
}

TEST(order_mail_eml, long_body_lines_become_quoted_printable) {
    order_mail m = sample_mail();
    m.body = std::string(1500, 'x') + "é\n";
    auto message = write_eml(m, 0, eml_options{});
    ASSERT_TRUE(message);
    EXPECT_EQ(headers_of(*message)["Content-Transfer-Encoding"], "quoted-printable");
    for (const auto& line : lines_of(*message)) EXPECT_LE(line.size(), 78u);
    EXPECT_NE(message->find("=C3=A9"), std::string::npos);
}

TEST(order_mail_eml, file_names_are_safe) {
    EXPECT_EQ(eml_file_name("o42"), "o42.eml");
    EXPECT_EQ(eml_file_name("../../etc/passwd"), "_._.._etc_passwd.eml");
    EXPECT_EQ(eml_file_name(""), "_.eml");
    EXPECT_EQ(eml_file_name("pedido 7/ß"), "pedido_7___.eml");
}

TEST(order_mail_smtp, dot_stuffing_and_server_parsing) {
    EXPECT_EQ(smtp_data_payload("a\r\n.b\r\n"), "a\r\n..b\r\n.\r\n");
    EXPECT_EQ(smtp_data_payload(".x"), "..x\r\n.\r\n");
    auto s = parse_smtp_server("mail.example.com:2525");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->host, "mail.example.com");
    EXPECT_EQ(s->port, 2525);
    EXPECT_EQ(parse_smtp_server("relay")->port, 25);
    EXPECT_FALSE(parse_smtp_server("relay:x"));
    EXPECT_FALSE(parse_smtp_server("relay:70000"));
    EXPECT_FALSE(parse_smtp_server(":25"));
}

// A scripted SMTP server on a loopback port: accepts one connection, answers
// each command, and records what it received.
class scripted_smtp_server {
public:
    explicit scripted_smtp_server(bool refuse_recipient) : refuse_(refuse_recipient) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        ::listen(fd_, 1);
        thread_ = std::thread([this] { serve(); });
    }
    ~scripted_smtp_server() {
        ::shutdown(fd_, SHUT_RDWR);
        if (thread_.joinable()) thread_.join();
        ::close(fd_);
    }
    uint16_t port() const { return port_; }
    // Waits for the conversation to end (QUIT, or the client hanging up).
    const std::string& received() {
        if (thread_.joinable()) thread_.join();
        return received_;
    }

private:
    void serve() {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        timeval tv{5, 0};
        ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        auto say = [&](const std::string& s) { (void)::write(c, s.data(), s.size()); };
        say("220 test ESMTP\r\n");
        std::string pending;
        bool in_data = false;
        char buf[4096];
        while (true) {
            ssize_t n = ::read(c, buf, sizeof buf);
            if (n <= 0) break;
            pending.append(buf, static_cast<size_t>(n));
            received_.append(buf, static_cast<size_t>(n));
            size_t eol;
            while ((eol = pending.find("\r\n")) != std::string::npos) {
                std::string line = pending.substr(0, eol);
                pending.erase(0, eol + 2);
                if (in_data) {
                    if (line == ".") in_data = false, say("250 queued\r\n");
                } else if (line.starts_with("EHLO")) {
                    say("250-test\r\n250 8BITMIME\r\n");
                } else if (line.starts_with("RCPT") && refuse_) {
                    say("550 5.1.1 no such user\r\n");
                } else if (line == "DATA") {
                    in_data = true;
                    say("354 go ahead\r\n");
                } else if (line == "QUIT") {
                    say("221 bye\r\n");
                    ::close(c);
                    return;
                } else {
                    say("250 ok\r\n");
                }
            }
        }
        ::close(c);
    }

    bool refuse_;
    int fd_ = -1;
    uint16_t port_ = 0;
    std::thread thread_;
    std::string received_;
};

TEST(order_mail_smtp, delivers_one_message) {
    auto message = write_eml(sample_mail(), 0, eml_options{});
    ASSERT_TRUE(message);
    scripted_smtp_server server(false);
    auto sent = smtp_send(smtp_server{"127.0.0.1", server.port()}, "pedidos@example.com",
                          "joao.conceicao7@example.com", *message);
    ASSERT_TRUE(sent) << sent.error().message;
    const std::string& got = server.received();
    EXPECT_NE(got.find("MAIL FROM:<pedidos@example.com>\r\n"), std::string::npos) << got;
    EXPECT_NE(got.find("RCPT TO:<joao.conceicao7@example.com>\r\n"), std::string::npos) << got;
    EXPECT_NE(got.find("DATA\r\n" + *message + ".\r\nQUIT\r\n"), std::string::npos) << got;
}

TEST(order_mail_smtp, a_refused_recipient_is_an_error_naming_the_reply) {
    scripted_smtp_server server(true);
    auto sent = smtp_send(smtp_server{"127.0.0.1", server.port()}, "a@b", "c@d", "Subject: x\r\n\r\nhi\r\n");
    ASSERT_FALSE(sent);
    EXPECT_NE(sent.error().message.find("RCPT TO refused: 550 5.1.1 no such user"), std::string::npos)
        << sent.error().message;
}

TEST(order_mail_smtp, an_unreachable_server_is_an_error) {
    uint16_t port;
    {
        scripted_smtp_server closed(false);
        port = closed.port();
        int c = ::socket(AF_INET, SOCK_STREAM, 0);  // lets the server thread finish
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        ::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::close(c);
    }
    auto sent = smtp_send(smtp_server{"127.0.0.1", port, std::chrono::milliseconds(2000)}, "a@b", "c@d", "x\r\n");
    ASSERT_FALSE(sent);
    EXPECT_NE(sent.error().message.find("cannot connect"), std::string::npos) << sent.error().message;
}

}  // namespace
}  // namespace samsa::apps::order_mail
