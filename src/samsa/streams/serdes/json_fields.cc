// The reading half of json_fields.h on simdjson's on-demand parser, and the
// writer's string escaping. simdjson is included here only, so user code that
// declares json_fields does not compile its 100k-line header.
#include "samsa/streams/serdes/json_fields.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace samsa::streams::json {

namespace od = simdjson::ondemand;

namespace {

od::value& impl(void* p) { return *static_cast<od::value*>(p); }

// One parser and one padded copy of the input per thread, for records
// whose padding cannot be read in place (below).
struct thread_parser {
    od::parser parser;
    std::string padded;
};

// Whether simdjson may read the SIMDJSON_PADDING bytes after data where
// they are. It reads them but their content does not change the parse (its
// maintainers, simdjson issue 1965), so they need only be readable memory:
// they are when they lie on the page of data's last byte (a page is mapped
// whole; 4 KiB is the smallest). Records sit in librdkafka's fetch buffers
// or in the driver's allocations, so nearly all qualify, and the copy of
// each record into the padded buffer (5-6% of the driver's time) is left
// for the few at a page's end. Sanitizer builds always copy: the bytes past
// a record are outside any object they know of.
bool padding_readable_in_place(bytes_view data) {
#if defined(__SANITIZE_ADDRESS__)
    return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
    return false;
#endif
#endif
    constexpr uintptr_t page = 4096;
    if (data.empty()) return false;
    const uintptr_t last = reinterpret_cast<uintptr_t>(data.data()) + data.size() - 1;
    return last / page == (last + simdjson::SIMDJSON_PADDING) / page;
}

thread_parser& local_parser() {
    thread_local thread_parser p;
    return p;
}

std::string where(std::string_view topic, std::string_view field) {
    std::string s = "cannot read JSON from topic '" + std::string(topic) + "'";
    if (!field.empty()) s += ", field '" + std::string(field) + "'";
    return s;
}

[[noreturn]] void fail_with(std::string_view topic, std::string_view field, std::string_view what) {
    throw serde_error(where(topic, field) + ": " + std::string(what));
}

// The field's name as written in the document when it needs no unescaping
// (the usual name: no backslash, no control character), read in place;
// unescaped_key() would copy it into the parser's string buffer. A null
// view otherwise. The name's closing quote ends the scan (byte by byte:
// names are short, and a word-at-a-time scan cost more than it saved).
std::string_view plain_key(od::field& field) {
    const char* start = field.key().raw();
    const char* end = start;
    while (*end != '"' && *end != '\\' && static_cast<unsigned char>(*end) >= 0x20) ++end;
    if (*end != '"') return {};
    return std::string_view(start, static_cast<size_t>(end - start));
}

}  // namespace

// ---- writer ----

std::string writer::key_text_of(std::string_view name) {
    bytes text;
    {
        writer w(text);
        w.key(name);
    }
    return std::string(text.begin(), text.end());
}

// Grows by at least half of what out holds, so a record written field by
// field reallocates a few times, not per field; the new room is zeroed once
// (std::vector cannot grow uninitialized) and cut off by the destructor.
namespace detail {

namespace {

size_t decimal_digits(uint64_t n) {
    size_t k = 1;
    while (n >= 10) {
        n /= 10;
        ++k;
    }
    return k;
}

// Whether to_chars writes m / 10^k (k decimals, m's last digit not 0 when
// k > 0) in fixed notation: the fixed text is not longer than the exponent
// form, m's digits without trailing zeros with a point after the first if
// there are more, 'e', the exponent's sign and at least two of its digits.
bool fixed_is_shorter(uint64_t m, size_t k, size_t whole_digits) {
    const size_t fixed_length = whole_digits + (k > 0 ? 1 + k : 0);
    size_t significant = decimal_digits(m);
    const int exponent = static_cast<int>(significant) - 1 - static_cast<int>(k);
    for (uint64_t x = m; x % 10 == 0; x /= 10) --significant;
    const size_t exponent_digits = std::max<size_t>(2, decimal_digits(static_cast<uint64_t>(std::abs(exponent))));
    const size_t scientific_length = significant + (significant > 1 ? 1 : 0) + 2 + exponent_digits;
    return fixed_length <= scientific_length;
}

}  // namespace

// d's shortest round-trip decimal is m / 10^k with the smallest k (0..4) for
// which the division gives d back: m and 10^k are exact doubles and the
// division is correctly rounded, so the test is exactly whether reading
// "m e-k" gives d. While d * 10^k < 2^44 the doubles near it, scaled by
// 10^k, lie at most 2^-7 apart and the product is off by at most 2^-9: only
// one k-decimal number can read back as d, and it is the nearest, m =
// llround(d * 10^k). For k > 0 its last digit is not 0 (else k - 1 would have
// taken it), so its significant digits are the fixed form's: what is left
// is to_chars' choice of notation, the shorter text, fixed on a tie.
size_t fixed_number_text(double d, char* out) {
    static constexpr double powers[] = {1, 10, 100, 1000, 10000};
    static constexpr uint64_t int_powers[] = {1, 10, 100, 1000, 10000};
    constexpr double limit = 17592186044416.0;  // 2^44
    const double a = std::fabs(d);
    if (!(a >= 1e-3)) return 0;
    size_t k = 0;
    uint64_t m = 0;
    for (;; ++k) {
        if (k == std::size(powers)) return 0;
        const double scaled = a * powers[k];
        if (!(scaled < limit)) return 0;
        m = static_cast<uint64_t>(scaled + 0.5);  // llround: exact below 2^52
        if (static_cast<double>(m) / powers[k] == a) break;
    }
    const uint64_t whole = m / int_powers[k], fraction = m % int_powers[k];
    // With an integer part and decimals the fixed form is the shorter (its
    // digits plus a point, against the same digits plus a point, 'e', a sign
    // and two): only integers and numbers below 1 need the count.
    if ((k == 0 || whole == 0) && !fixed_is_shorter(m, k, decimal_digits(whole))) return 0;
    char* p = out;
    if (d < 0) *p++ = '-';
    p = std::to_chars(p, p + 20, whole).ptr;
    *p++ = '.';
    if (k == 0) {
        *p++ = '0';  // number()'s ".0" after an integer
    } else {
        // fraction with k digits, leading zeros kept.
        for (size_t i = k; i-- > 0;) {
            p[i] = static_cast<char>('0' + fraction / int_powers[k - 1 - i] % 10);
        }
        p += k;
    }
    return static_cast<size_t>(p - out);
}

}  // namespace detail

void writer::grow(size_t n) {
    size_t want = std::max({used_ + n, out_->capacity(), out_->size() + out_->size() / 2, size_t{64}});
    out_->resize(want);
}

namespace {

// Writes the escape of c (a byte must_escape names) at p; returns its end.
unsigned char* write_escape(unsigned char* p, unsigned char c) {
    static constexpr char hex[] = "0123456789abcdef";
    char short_form = 0;
    switch (c) {
        case '"': short_form = '"'; break;
        case '\\': short_form = '\\'; break;
        case '\n': short_form = 'n'; break;
        case '\r': short_form = 'r'; break;
        case '\t': short_form = 't'; break;
        case '\b': short_form = 'b'; break;
        case '\f': short_form = 'f'; break;
        default: break;
    }
    *p++ = '\\';
    if (short_form != 0) {
        *p++ = static_cast<unsigned char>(short_form);
        return p;
    }
    const unsigned char u[5] = {'u', '0', '0', static_cast<unsigned char>(hex[c >> 4]),
                                static_cast<unsigned char>(hex[c & 0xf])};
    std::memcpy(p, u, sizeof u);
    return p + sizeof u;
}

constexpr size_t longest_escape = 6;  // \u00XX

}  // namespace

// A string with at least one byte to escape: each run copied as it is with
// the escape after it, into room taken once for both (the unused end given
// back), not through an append per piece.
void writer::quoted_escaping(std::string_view s, size_t escape) {
    put('"');
    size_t plain = 0;  // start of the run of characters copied as they are
    for (size_t i = escape; i < s.size(); i = first_to_escape(s, i + 1)) {
        const size_t run = i - plain;
        bytes::value_type* p = room(run + longest_escape);
        if (run != 0) std::memcpy(p, s.data() + plain, run);
        p = write_escape(p + run, static_cast<unsigned char>(s[i]));
        used_ = static_cast<size_t>(p - out_->data());
        plain = i + 1;
    }
    append(s.substr(plain));
    put('"');
}

// ---- value ----

value_kind value::kind() const {
    od::json_type t;
    if (impl(impl_).type().get(t)) fail("not JSON");
    switch (t) {
        case od::json_type::object: return value_kind::object;
        case od::json_type::array: return value_kind::array;
        case od::json_type::string: return value_kind::string;
        case od::json_type::boolean: return value_kind::boolean;
        case od::json_type::null: return value_kind::null;
        case od::json_type::number: {
            od::number_type n;
            if (impl(impl_).get_number_type().get(n)) fail("not a number");
            return n == od::number_type::floating_point_number ? value_kind::floating : value_kind::integer;
        }
    }
    fail("not JSON");
}

bool value::is_null() const {
    bool null = false;
    if (impl(impl_).is_null().get(null)) fail("not JSON");
    return null;
}

std::string_view value::get_string() const {
    std::string_view s;
    if (impl(impl_).get_string().get(s)) fail("expected a string");
    return s;
}

bool value::get_string_if_string(std::string_view& out) const {
    // simdjson answers INCORRECT_TYPE without moving past the value, which
    // can then be read as what it is.
    auto e = impl(impl_).get_string().get(out);
    if (e == simdjson::INCORRECT_TYPE) return false;
    if (e) fail("expected a string");
    return true;
}

int64_t value::get_int64() const {
    int64_t i = 0;
    if (auto e = impl(impl_).get_int64().get(i)) {
        fail(e == simdjson::NUMBER_OUT_OF_RANGE ? "number out of range" : "expected an integer");
    }
    return i;
}

uint64_t value::get_uint64() const {
    uint64_t i = 0;
    if (auto e = impl(impl_).get_uint64().get(i)) {
        fail(e == simdjson::NUMBER_OUT_OF_RANGE ? "number out of range" : "expected a non-negative integer");
    }
    return i;
}

double value::get_double() const {
    double d = 0;
    if (impl(impl_).get_double().get(d)) fail("expected a number");
    return d;
}

bool value::get_bool() const {
    bool b = false;
    if (impl(impl_).get_bool().get(b)) fail("expected true or false");
    return b;
}

std::string_view value::raw_text() const {
    std::string_view t = impl(impl_).raw_json_token();
    // The token runs up to the next structural character: drop the blanks.
    while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t')) {
        t.remove_suffix(1);
    }
    return t;
}

void value::fail(std::string_view what) const { fail_with(topic_, field_, what); }

void value::fields(void* ctx, void (*fn)(void*, std::string_view, value)) const {
    od::object obj;
    if (impl(impl_).get_object().get(obj)) fail("expected an object");
    for (auto f : obj) {
        od::field field;
        if (std::move(f).get(field)) fail("not JSON");
        std::string_view key = plain_key(field);
        if (!key.data() && field.unescaped_key().get(key)) fail("not JSON");
        od::value v = field.value();
        fn(ctx, key, value(&v, topic_, field_));
    }
}

void value::elements(void* ctx, void (*fn)(void*, value)) const {
    od::array arr;
    if (impl(impl_).get_array().get(arr)) fail("expected an array");
    for (auto e : arr) {
        od::value v;
        if (std::move(e).get(v)) fail("not JSON");
        fn(ctx, value(&v, topic_, field_));
    }
}

// ---- parse ----

void parse(bytes_view data, std::string_view topic, void* ctx, void (*read)(void*, value)) {
    thread_parser& p = local_parser();
    simdjson::padded_string_view text;
    if (padding_readable_in_place(data)) {
        text = simdjson::padded_string_view(data.data(), data.size(), data.size() + simdjson::SIMDJSON_PADDING);
    } else {
        p.padded.reserve(data.size() + simdjson::SIMDJSON_PADDING);
        p.padded.assign(reinterpret_cast<const char*>(data.data()), data.size());
        text = simdjson::padded_string_view(p.padded.data(), p.padded.size(), p.padded.capacity());
    }
    od::document doc;
    if (auto e = p.parser.iterate(text).get(doc)) fail_with(topic, {}, simdjson::error_message(e));
    od::value root;
    if (auto e = doc.get_value().get(root)) {
        fail_with(topic, {}, e == simdjson::SCALAR_DOCUMENT_AS_VALUE ? "expected an object or an array"
                                                                     : simdjson::error_message(e));
    }
    read(ctx, value(&root, topic));
    // Text after the root value ("{} x") is not one JSON document.
    const char* rest = nullptr;
    if (!doc.current_location().get(rest)) fail_with(topic, {}, "unexpected text after the JSON value");
}

}  // namespace samsa::streams::json
