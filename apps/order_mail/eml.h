#pragma once
// An ORDER-MAIL record as an Internet message (RFC 5322), ready to be saved
// as a .eml file or handed to an SMTP server:
//
//   From, To, Subject, Date, Message-ID, MIME-Version, Content-Type
//   (text/plain; charset=utf-8), Content-Transfer-Encoding; CRLF line ends.
//
// Header text that is not plain printable ASCII (the Portuguese names and
// subjects) is written as RFC 2047 encoded-words (=?UTF-8?Q?...?=), and long
// headers are folded (CRLF + space) so no line passes 78 characters. The
// body stays UTF-8 ("8bit") unless a line is longer than RFC 5322's 998
// octets, then it is quoted-printable. CR or LF inside a header value can
// never start a new header: such values are always encoded.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "records.h"

namespace samsa::apps::order_mail {

struct mailbox {
    std::string display_name;  // UTF-8, may be empty
    std::string address;       // addr-spec: local@domain
};

struct eml_options {
    mailbox from{"Samsa Pedidos", "pedidos@example.com"};
    std::string message_id_domain = "order-mail.samsa.invalid";
};

// The message for one mail, or nullopt when the record cannot be sent:
// `to` is not an addr-spec (error says why).
std::optional<std::string> write_eml(const order_mail& mail, int64_t timestamp_ms, const eml_options& options,
                                     std::string* error = nullptr);

// "Thu, 12 Aug 2021 09:00:00 +0000" (RFC 5322 section 3.3, in UTC).
std::string rfc5322_date(int64_t epoch_ms);
// RFC 2047 Q encoded-words for a phrase/unstructured text, folded: each word
// at most 75 characters, words joined by CRLF SP, the first one short enough
// to follow `first_line_used` characters within 78. Never splits a UTF-8 char.
std::string encode_words(std::string_view utf8, size_t first_line_used = 0);
// A header line "Name: value" + CRLF, value folded or encoded as needed.
std::string header(std::string_view name, std::string_view value);
// `"Name" <address>` or encoded-words + <address>, for a header whose line
// already holds `first_line_used` characters ("To: " is 4).
std::string format_mailbox(const mailbox& m, size_t first_line_used = 0);
// A conservative addr-spec check: one @, no spaces, controls, <>, quotes.
bool is_addr_spec(std::string_view address);
// A file name for a mail: the order id with anything but [A-Za-z0-9._-] as '_'.
std::string eml_file_name(std::string_view order_id);

}  // namespace samsa::apps::order_mail
