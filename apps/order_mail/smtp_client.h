#pragma once
// A minimal SMTP client (RFC 5321) over Asio, for the mail sender's optional
// delivery: one connection per message, plain TCP, no authentication, no TLS
// (STARTTLS is not offered). Enough for a local relay or a test server such
// as `python3 -m aiosmtpd -n` or MailHog; a production relay needs more.
//
//   EHLO (HELO if refused), MAIL FROM, RCPT TO, DATA (dot-stuffed), QUIT
//
// Every read and write is bounded by `timeout`; any reply outside 2xx/3xx
// where one is expected gives an error naming the command and the reply.
//
// Thread: blocking, on the caller's thread.

#include <chrono>
#include <string>

#include "samsa/base/result.h"

namespace samsa::apps::order_mail {

struct smtp_server {
    std::string host;
    uint16_t port = 25;
    std::chrono::milliseconds timeout{10000};
    std::string helo_name = "order-mail-sender.localdomain";
};

// "host:port" (or "host", port 25).
result<smtp_server> parse_smtp_server(const std::string& text);

// Sends one RFC 5322 message (CRLF line ends) from `from` to `to`.
result<void> smtp_send(const smtp_server& server, const std::string& from, const std::string& to,
                       const std::string& message);

// Dot-stuffing for DATA (RFC 5321 section 4.5.2), ending in CRLF "." CRLF.
std::string smtp_data_payload(const std::string& message);

}  // namespace samsa::apps::order_mail
