#include "eml.h"

#include <ctime>

#include <fmt/format.h>

namespace samsa::apps::order_mail {

namespace {

constexpr std::string_view crlf = "\r\n";
constexpr size_t max_encoded_word = 75;  // RFC 2047 section 2
constexpr size_t max_line = 78;          // RFC 5322 section 2.1.1 (SHOULD)
constexpr size_t max_body_line = 998;    // RFC 5322 section 2.1.1 (MUST)

bool is_printable_ascii(std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

// Characters a Q encoded-word may carry as themselves in a phrase (RFC 2047
// section 5 (3)); a space becomes '_'.
bool q_literal(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' || c == '*' ||
           c == '+' || c == '-' || c == '/';
}

size_t utf8_length(unsigned char lead) {
    if (lead >= 0xf0 && lead < 0xf8) return 4;
    if (lead >= 0xe0) return lead < 0xf0 ? 3 : 1;
    if (lead >= 0xc0) return 2;
    return 1;
}

std::string q_encode_char(std::string_view ch) {
    std::string out;
    for (unsigned char c : ch) {
        if (c == ' ') out += '_';
        else if (q_literal(c)) out += static_cast<char>(c);
        else out += fmt::format("={:02X}", c);
    }
    return out;
}

// Folds printable ASCII at spaces so lines stay within 78 characters where a
// space allows it (a longer word stays whole, as RFC 5322 permits).
std::string fold_ascii(std::string_view name, std::string_view value) {
    std::string out(name);
    out += ": ";
    size_t line = out.size();
    size_t i = 0;
    while (i < value.size()) {
        size_t space = value.find(' ', i + 1);
        std::string_view word = value.substr(i, space == std::string_view::npos ? std::string_view::npos : space - i);
        if (line + word.size() > max_line && line > name.size() + 2 && word.front() == ' ') {
            out += crlf;  // the word's leading space is the fold's whitespace
            line = 0;
        }
        out += word;
        line += word.size();
        i += word.size();
    }
    return out + std::string(crlf);
}

std::string quoted_printable(std::string_view text) {
    std::string out;
    size_t line = 0;
    auto put = [&](std::string_view piece) {
        if (line + piece.size() > 75) {
            out += "=\r\n";
            line = 0;
        }
        out += piece;
        line += piece.size();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        if (c == '\n') {
            out += crlf;
            line = 0;
        } else if ((c >= 33 && c <= 126 && c != '=') || (c == ' ' && i + 1 < text.size() && text[i + 1] != '\n')) {
            put(std::string(1, static_cast<char>(c)));
        } else {
            put(fmt::format("={:02X}", c));
        }
    }
    return out;
}

// LF or CRLF line ends -> CRLF; a lone CR is dropped (it is no line end in mail).
std::string crlf_lines(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') continue;
        if (text[i] == '\n') out += crlf;
        else out += text[i];
    }
    if (!out.empty() && !out.ends_with(crlf)) out += crlf;
    return out;
}

bool has_long_line(std::string_view text) {
    size_t line = 0;
    for (char c : text) {
        line = c == '\n' ? 0 : line + 1;
        if (line > max_body_line - 2) return true;
    }
    return false;
}

}  // namespace

std::string encode_words(std::string_view utf8, size_t first_line_used) {
    constexpr std::string_view open = "=?UTF-8?Q?", close = "?=";
    std::string out, word;
    // The first word shares its line with "Name: "; later ones start a line after one space.
    size_t budget = std::min(max_encoded_word, max_line > first_line_used ? max_line - first_line_used : 0);
    auto flush = [&] {
        if (word.empty()) return;
        if (!out.empty()) out += "\r\n ";
        out += std::string(open) + word + std::string(close);
        word.clear();
        budget = max_encoded_word;
    };
    for (size_t i = 0; i < utf8.size();) {
        size_t n = std::min(utf8_length(static_cast<unsigned char>(utf8[i])), utf8.size() - i);
        std::string piece = q_encode_char(utf8.substr(i, n));
        if (open.size() + word.size() + piece.size() + close.size() > budget) flush();
        word += piece;
        i += n;
    }
    flush();
    return out;
}

std::string header(std::string_view name, std::string_view value) {
    if (is_printable_ascii(value) && value.find("=?") == std::string_view::npos) return fold_ascii(name, value);
    return std::string(name) + ": " + encode_words(value, name.size() + 2) + std::string(crlf);
}

bool is_addr_spec(std::string_view a) {
    auto at = a.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == a.size() || a.find('@', at + 1) != std::string_view::npos)
        return false;
    if (a.size() > 254) return false;
    for (unsigned char c : a) {
        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '(' || c == ')' || c == ',' ||
            c == ';' || c == ':' || c == '\\' || c == '[' || c == ']')
            return false;
    }
    return true;
}

std::string format_mailbox(const mailbox& m, size_t first_line_used) {
    if (m.display_name.empty()) return "<" + m.address + ">";
    bool plain = is_printable_ascii(m.display_name);
    for (char c : m.display_name) plain = plain && c != '"' && c != '\\';
    std::string name = plain ? "\"" + m.display_name + "\"" : encode_words(m.display_name, first_line_used);
    // The address goes on the name's last line when it fits, else on its own.
    size_t last_break = name.rfind('\n');
    size_t last_line = last_break == std::string::npos ? first_line_used + name.size() : name.size() - last_break - 1;
    return name + (last_line + 3 + m.address.size() > max_line ? "\r\n <" : " <") + m.address + ">";
}

std::string rfc5322_date(int64_t epoch_ms) {
    static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} +0000", days[tm.tm_wday], tm.tm_mday,
                       months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string eml_file_name(std::string_view order_id) {
    std::string name;
    for (char c : order_id) {
        bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || (c == '.' && !name.empty());
        name += safe ? c : '_';
    }
    if (name.empty()) name = "_";
    return name + ".eml";
}

std::optional<std::string> write_eml(const order_mail& mail, int64_t timestamp_ms, const eml_options& options,
                                     std::string* error) {
    if (!is_addr_spec(mail.to)) {
        if (error) *error = fmt::format("order {}: 'to' is not an e-mail address: '{}'", mail.order_id, mail.to);
        return std::nullopt;
    }
    // The Message-ID's left part: the order id where it is a dot-atom, else
    // its file-safe form (ids are ours to pick; uniqueness comes from the order).
    std::string id = eml_file_name(mail.order_id);
    id.resize(id.size() - 4);
    std::string m;
    m += "From: " + format_mailbox(options.from, 6) + std::string(crlf);
    m += "To: " + format_mailbox({mail.customer_name, mail.to}, 4) + std::string(crlf);
    m += header("Subject", mail.subject);
    m += "Date: " + rfc5322_date(timestamp_ms) + std::string(crlf);
    m += "Message-ID: <order-" + id + "@" + options.message_id_domain + ">" + std::string(crlf);
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: text/plain; charset=utf-8\r\n";
    bool qp = has_long_line(mail.body);
    m += qp ? "Content-Transfer-Encoding: quoted-printable\r\n" : "Content-Transfer-Encoding: 8bit\r\n";
    m += header("X-Order-Id", mail.order_id);
    m += crlf;
    m += qp ? quoted_printable(mail.body) : crlf_lines(mail.body);
    return m;
}

}  // namespace samsa::apps::order_mail
