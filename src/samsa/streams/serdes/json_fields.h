#pragma once
// Fast JSON for user types: declare a type's fields once, get a reader
// (simdjson's on-demand parser, behind json_reader.cc) and a direct writer
// (appends to a byte buffer, no DOM), both about ten times nlohmann's speed
// on small records. serdes::fast_json<T>() is the serde made of it (link
// samsa_streams_json); serdes::json<T>() stays nlohmann's to_json/from_json.
//
//   struct order { std::string id, customer_id; int quantity = 0; std::optional<std::string> note; };
//   inline auto json_fields(const order*) {          // found by ADL, next to the type
//       namespace json = samsa::streams::json;
//       return std::tuple{json::field("id", &order::id),
//                         json::field("customerId", &order::customer_id),
//                         json::field("quantity", &order::quantity),
//                         json::optional_field("note", &order::note)};
//   }
//   // writes {"id":"o1","customerId":"c1","quantity":2}  (fields in declaration order;
//   // an absent optional is left out)
//
// Reading: fields come in any order; unknown fields are skipped; a field()
// that is missing, a value of the wrong type or text that is not JSON throws
// serde_error naming the topic and the field. optional_field() may be
// missing or null. A field can take its own codec (a struct with static
// read(json::value, M&) and write(json::writer&, const M&)), e.g.
// json::text_or_integer for ids that Java peers write as numbers:
//
//   json::field("id", &order::id, json::text_or_integer{})
//
// Built-in codecs: std::string, bool, integers, double/float,
// std::optional<T>, std::vector<T>, and any type with json_fields.
// Numbers are written as Java's Jackson and nlohmann write them (shortest
// round-trip text; a double always with a fraction or exponent: 2.0, 1e+20);
// non-finite doubles as null. Strings are escaped as JSON requires ("\\\"",
// control characters), other UTF-8 is written as is.
//
// Threads: codecs hold no state; the reader keeps one parser per thread.

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "samsa/bytes/bytes.h"
#include "samsa/streams/export.h"
#include "samsa/streams/serdes/core.h"

namespace samsa::streams::json {

// ---- writing ----

namespace detail {

// The eight bytes at p as one word (any alignment).
inline uint64_t load_word(const char* p) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

// Whether one of w's bytes is below 0x20, '"' or '\\': a byte a JSON string
// cannot hold as it is (the classic "has a byte less than n" and "has a
// zero byte" bit tricks, exact as a yes/no answer; bytes of 0x80 and above
// never match).
inline bool word_has_escape(uint64_t w) {
    constexpr uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    auto has_zero_byte = [](uint64_t x) { return (x - ones) & ~x & highs; };
    return (((w - ones * 0x20) & ~w & highs) | has_zero_byte(w ^ (ones * '"')) | has_zero_byte(w ^ (ones * '\\'))) !=
           0;
}

// The text writer::number() writes for d (std::to_chars' shortest
// round-trip form, with ".0" after an integer) when that text is in fixed
// notation with at most four decimals, as prices and totals are: written
// into out (at least 32 bytes), its length returned; 0 for any other d
// (non-finite, zero, d * 10^decimals from 2^44 on, below 1e-3, more decimals, or where
// to_chars would choose the exponent form), which to_chars writes. The
// general shortest search (Ryu in libstdc++) cost ~600 instructions a
// number, a twentieth of the order-mail app's driver time per order; this
// ~100 (s21-hP).
SAMSA_STREAMS_API size_t fixed_number_text(double d, char* out);

#if defined(__SSE2__)
// The 16 bytes at p (any alignment) as a bit mask, bit i set when byte i
// must be escaped: below 0x20, '"' or '\\'.
inline unsigned escape_mask(const char* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i below_space = _mm_set1_epi8(0x1f);
    const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, below_space), below_space);
    const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))));
}
#endif

}  // namespace detail

// Appends JSON text to a byte buffer, value by value, with the commas placed for you (no DOM).
//
// It writes through a cursor into out's storage, grown in chunks: out may
// hold unwritten bytes past the text while the writer lives, and is cut to
// the text when the writer is destroyed (a put per character through
// std::vector's capacity check was a tenth of a record's serialization).
class SAMSA_STREAMS_API writer {
public:
    // Appends to out, which must outlive the writer; out holds the text once the writer is destroyed.
    explicit writer(bytes& out) : out_(&out), used_(out.size()) {}
    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;
    ~writer() { out_->resize(used_); }

    // Writes {.
    void begin_object() {
        separate();
        put('{');
        need_comma_ = false;
    }
    // Writes }.
    void end_object() {
        put('}');
        need_comma_ = true;
    }
    // Writes [.
    void begin_array() {
        separate();
        put('[');
        need_comma_ = false;
    }
    // Writes ].
    void end_array() {
        put(']');
        need_comma_ = true;
    }
    // An object's member name; its value comes next.
    void key(std::string_view name) {
        if (plain(name)) {  // the usual name: comma, quotes and colon in one go
            const size_t comma = need_comma_ ? 1 : 0;
            bytes::value_type* p = room(comma + name.size() + 3);
            if (comma) *p++ = ',';
            *p++ = '"';
            if (!name.empty()) std::memcpy(p, name.data(), name.size());
            p += name.size();
            p[0] = '"';
            p[1] = ':';
        } else {
            separate();
            quoted_escaping(name, first_to_escape(name, 0));
            put(':');
        }
        need_comma_ = false;
    }
    // A member name given as the text key(name) writes after its comma,
    // `"name":` (from key_text_of()): for names written over and over,
    // copied without looking for bytes to escape (codec<T> makes each once).
    void key_text(std::string_view quoted_name_and_colon) {
        const size_t comma = need_comma_ ? 1 : 0;
        bytes::value_type* p = room(comma + quoted_name_and_colon.size());
        if (comma) *p = ',';
        std::memcpy(p + comma, quoted_name_and_colon.data(), quoted_name_and_colon.size());
        need_comma_ = false;
    }
    // The text for key_text(): name quoted and escaped, with its colon.
    static std::string key_text_of(std::string_view name);
    // A string, escaped as JSON requires.
    void string(std::string_view s) {
        separate();
        quoted(s);
        need_comma_ = true;
    }
    // true or false.
    void boolean(bool b) { raw(b ? "true" : "false"); }
    // null.
    void null() { raw("null"); }
    // An integer.
    template<std::integral I>
    void integer(I i) {
        char buf[24];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, i);
        raw(std::string_view(buf, static_cast<size_t>(end - buf)));
    }
    void number(double d) {
        if (!std::isfinite(d)) {
            null();
            return;
        }
        char buf[32];
        if (const size_t n = detail::fixed_number_text(d, buf)) {
            raw(std::string_view(buf, n));
            return;
        }
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
        std::string_view text(buf, static_cast<size_t>(end - buf));
        raw(text);
        // A double keeps a fraction or an exponent, as Jackson and nlohmann
        // write it, so readers see a floating-point number.
        if (text.find_first_of(".e") == std::string_view::npos) append(".0");
    }

private:
    void separate() {
        if (need_comma_) put(',');
    }
    void raw(std::string_view text) {
        separate();
        append(text);
        need_comma_ = true;
    }
    // n bytes to write at the cursor, which moves past them.
    bytes::value_type* room(size_t n) {
        if (out_->size() - used_ < n) grow(n);
        bytes::value_type* p = out_->data() + used_;
        used_ += n;
        return p;
    }
    void grow(size_t n);
    void put(char c) { *room(1) = static_cast<bytes::value_type>(c); }
    void append(std::string_view s) {
        if (!s.empty()) std::memcpy(room(s.size()), s.data(), s.size());
    }
    // The usual string, with nothing to escape, inline in one copy; the
    // rest out of line.
    void quoted(std::string_view s) {
        const size_t escape = first_to_escape(s, 0);
        if (escape != s.size()) return quoted_escaping(s, escape);
        bytes::value_type* p = room(s.size() + 2);
        p[0] = '"';
        if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
        p[s.size() + 1] = '"';
    }
    // s from its first byte to escape, at index escape.
    void quoted_escaping(std::string_view s, size_t escape);
    // Whether s goes into a JSON string as it is.
    static bool plain(std::string_view s) { return first_to_escape(s, 0) == s.size(); }
    // The index of s's first byte from `from` on that must be escaped, or
    // s.size(). Eight bytes a step, the last few as the word that ends s: a
    // mail body is a few hundred bytes, and a byte-by-byte table lookup over
    // it was a tenth of the order-mail stream thread.
    static size_t first_to_escape(std::string_view s, size_t from) {
        size_t i = from;
#if defined(__SSE2__)
        // Sixteen bytes a step where SSE2 is (x86-64 always), which also
        // names the byte: a mail body's scan took a third fewer
        // instructions than by words (s21-hP).
        if (s.size() - from >= 16) {
            for (; i + 16 <= s.size(); i += 16) {
                if (const unsigned mask = detail::escape_mask(s.data() + i)) return i + std::countr_zero(mask);
            }
            if (i == s.size()) return i;
            // The 16 bytes ending s: its bytes before i were found clean above.
            const size_t last = s.size() - 16;
            const unsigned mask = detail::escape_mask(s.data() + last);
            return mask ? last + std::countr_zero(mask) : s.size();
        }
#endif
        if (s.size() - from >= 8) {
            for (; i + 8 <= s.size(); i += 8) {
                if (detail::word_has_escape(detail::load_word(s.data() + i))) return first_in_bytes(s, i);
            }
            // The word ending s: its bytes before i were found clean above.
            if (i == s.size() || !detail::word_has_escape(detail::load_word(s.data() + s.size() - 8))) {
                return s.size();
            }
        }
        return first_in_bytes(s, i);
    }
    static size_t first_in_bytes(std::string_view s, size_t from) {
        for (size_t i = from; i < s.size(); ++i) {
            if (must_escape[static_cast<unsigned char>(s[i])]) return i;
        }
        return s.size();
    }

    // The bytes a JSON string cannot hold as they are: '"', '\\' and the control characters.
    static constexpr std::array<bool, 256> must_escape = [] {
        std::array<bool, 256> t{};
        for (size_t c = 0; c < 0x20; ++c) t[c] = true;
        t['"'] = t['\\'] = true;
        return t;
    }();

    bytes* out_;
    size_t used_;  // out_'s bytes written; the rest is room not yet written
    bool need_comma_ = false;
};

// ---- reading ----

enum class value_kind { object, array, string, integer, floating, boolean, null };

// One JSON value of the document being read: valid only inside the read
// callback that received it, and to be read at most once (simdjson's
// on-demand parser walks the text forward). Throws serde_error.
// A JSON value being read (simdjson on-demand), valid only inside the parse() call that hands it out. Its getters throw
// serde_error naming the topic and field when the value has another type.
class SAMSA_STREAMS_API value {
public:
    // The value's JSON type.
    value_kind kind() const;
    // Whether it is null.
    bool is_null() const;
    std::string_view get_string() const;  // valid until the read returns
    // get_string() when the value is a string (true), else false and the
    // value is left to be read as its type is: one look where kind() and
    // then get_string() take two.
    bool get_string_if_string(std::string_view& out) const;
    // As a signed integer.
    int64_t get_int64() const;
    // As an unsigned integer.
    uint64_t get_uint64() const;
    double get_double() const;  // integers too
    // As a boolean.
    bool get_bool() const;
    // The value's JSON text as written (for numbers kept as text).
    std::string_view raw_text() const;

    // A callable taking (std::string_view key, value) / (value), called once
    // per field / element in document order.
    template<class F>
    void for_each_field(F&& f) const {
        fields(&f, [](void* ctx, std::string_view key, value v) { (*static_cast<std::remove_reference_t<F>*>(ctx))(key, v); });
    }
    // Calls f(value) for each element of an array.
    template<class F>
    void for_each_element(F&& f) const {
        elements(&f, [](void* ctx, value v) { (*static_cast<std::remove_reference_t<F>*>(ctx))(v); });
    }

    // Throws serde_error saying where the value is ("topic 'ORDER', field
    // 'quantity': ...").
    [[noreturn]] void fail(std::string_view what) const;
    // The same value, named for error messages.
    value named(std::string_view field) const { return value(impl_, topic_, field); }

    // For the implementation (parse() makes values).
    value(void* impl, std::string_view topic, std::string_view field = {})
        : impl_(impl), topic_(topic), field_(field) {}

private:
    void fields(void* ctx, void (*fn)(void*, std::string_view, value)) const;
    void elements(void* ctx, void (*fn)(void*, value)) const;

    void* impl_;  // simdjson::ondemand::value
    std::string_view topic_;
    std::string_view field_;
};

// Parses data as one JSON document and hands its root to read. Throws
// serde_error for text that is not JSON, and whatever read throws.
SAMSA_STREAMS_API void parse(bytes_view data, std::string_view topic, void* ctx, void (*read)(void*, value));

// parse() with any callable read(value).
template<class F>
void parse(bytes_view data, std::string_view topic, F&& read) {
    parse(data, topic, &read, [](void* ctx, value v) { (*static_cast<std::remove_reference_t<F>*>(ctx))(v); });
}

// ---- fields ----

template<class C, class M, class Codec>
struct field_spec {
    // The JSON member's name.
    std::string_view name;
    // The C++ member it maps to.
    M C::*member;
    // field() (true) or optional_field() (false).
    bool required;
    // Reads and writes the member.
    Codec codec;
};

template<class T>
struct codec;

// A field read and written by codec<M> (or the codec given).
template<class C, class M, class Codec = codec<M>>
constexpr field_spec<C, M, Codec> field(std::string_view name, M C::*member, Codec c = {}) {
    return {name, member, true, c};
}
// May be missing or null when read (the member keeps its default); a
// std::optional member left empty is not written.
template<class C, class M, class Codec = codec<M>>
constexpr field_spec<C, M, Codec> optional_field(std::string_view name, M C::*member, Codec c = {}) {
    return {name, member, false, c};
}

template<class T>
concept has_fields = requires(const T* p) { json_fields(p); };

template<class T>
struct codec;

template<>
struct codec<std::string> {
    static void read(value v, std::string& out) { out.assign(v.get_string()); }
    static void write(writer& w, const std::string& s) { w.string(s); }
};

// JSON true / false.
template<>
struct codec<bool> {
    // Reads a boolean.
    static void read(value v, bool& out) { out = v.get_bool(); }
    // Writes a boolean.
    static void write(writer& w, bool b) { w.boolean(b); }
};

// Integers; a value out of the type's range throws serde_error.
template<class I>
    requires(std::integral<I> && !std::same_as<I, bool>)
struct codec<I> {
    // Reads an integer.
    static void read(value v, I& out) {
        if constexpr (std::is_signed_v<I>) {
            int64_t x = v.get_int64();
            if (x < std::numeric_limits<I>::min() || x > std::numeric_limits<I>::max()) v.fail("number out of range");
            out = static_cast<I>(x);
        } else {
            uint64_t x = v.get_uint64();
            if (x > std::numeric_limits<I>::max()) v.fail("number out of range");
            out = static_cast<I>(x);
        }
    }
    // Writes an integer.
    static void write(writer& w, I i) { w.integer(i); }
};

// Floating point, written as Jackson writes it (2.0, 1e+20; non-finite as null).
template<std::floating_point F>
struct codec<F> {
    // Reads a number (integers too).
    static void read(value v, F& out) { out = static_cast<F>(v.get_double()); }
    // Writes a number.
    static void write(writer& w, F d) { w.number(static_cast<double>(d)); }
};

template<class T>
struct codec<std::optional<T>> {
    static void read(value v, std::optional<T>& out) {
        if (v.is_null()) {
            out.reset();
            return;
        }
        codec<T>::read(v, out.emplace());
    }
    static void write(writer& w, const std::optional<T>& o) {
        if (o) codec<T>::write(w, *o);
        else w.null();
    }
};

template<class T>
struct codec<std::vector<T>> {
    static void read(value v, std::vector<T>& out) {
        out.clear();
        v.for_each_element([&](value e) { codec<T>::read(e, out.emplace_back()); });
    }
    static void write(writer& w, const std::vector<T>& xs) {
        w.begin_array();
        for (const auto& x : xs) codec<T>::write(w, x);
        w.end_array();
    }
};

// A type with json_fields(): a JSON object of its fields.
template<has_fields T>
struct codec<T> {
    // Reads the object's fields into out (see the top of this file).
    static void read(value v, T& out) {
        auto fields = json_fields(static_cast<const T*>(nullptr));
        constexpr size_t n = std::tuple_size_v<decltype(fields)>;
        static_assert(n <= 64, "at most 64 JSON fields per type");
        uint64_t seen = 0;
        v.for_each_field([&](std::string_view key, value fv) {
            size_t i = 0;
            // The first field of that name takes it (fields usually come in declaration order).
            std::apply([&](const auto&... f) { (read_if(f, i++, key, fv, out, seen) || ...); }, fields);
        });
        size_t i = 0;
        std::apply([&](const auto&... f) { ((check_present(f, i++, seen, v)), ...); }, fields);
    }
    // Writes in as an object, fields in declaration order.
    static void write(writer& w, const T& in) {
        static const auto key_texts = make_key_texts();
        w.begin_object();
        size_t i = 0;
        std::apply([&](const auto&... f) { (write_field(w, f, key_texts[i++], in), ...); },
                   json_fields(static_cast<const T*>(nullptr)));
        w.end_object();
    }

private:
    // Whether field f (the i-th) took the member named key.
    template<class F>
    static bool read_if(const F& f, size_t i, std::string_view key, value fv, T& out, uint64_t& seen) {
        if (key != f.name || (seen >> i) & 1) return false;
        seen |= uint64_t{1} << i;
        if (!f.required && fv.is_null()) return true;
        f.codec.read(fv.named(f.name), out.*f.member);
        return true;
    }
    template<class F>
    static void check_present(const F& f, size_t i, uint64_t seen, value v) {
        if (f.required && !((seen >> i) & 1)) v.fail("missing field '" + std::string(f.name) + "'");
    }
    // Each field's `"name":`, written once per type rather than escaped per record.
    static auto make_key_texts() {
        auto fields = json_fields(static_cast<const T*>(nullptr));
        std::array<std::string, std::tuple_size_v<decltype(fields)>> texts;
        size_t i = 0;
        std::apply([&](const auto&... f) { ((texts[i++] = writer::key_text_of(f.name)), ...); }, fields);
        return texts;
    }
    template<class F>
    static void write_field(writer& w, const F& f, std::string_view key_text, const T& in) {
        const auto& m = in.*f.member;
        if constexpr (requires { m.has_value(); }) {
            if (!f.required && !m.has_value()) return;
        }
        w.key_text(key_text);
        f.codec.write(w, m);
    }
};

// An id-like text field that peers may write as a JSON string or as an
// integer (Java's Long ids): an integer is read as its decimal text; it is
// written as a string.
struct text_or_integer {
    // Takes a string, or an integer as its decimal text.
    static void read(value v, std::string& out) {
        std::string_view text;
        if (v.get_string_if_string(text)) out.assign(text);
        else if (v.kind() == value_kind::integer) out.assign(v.raw_text());
        else v.fail("expected a string");
    }
    // Writes a string.
    static void write(writer& w, const std::string& s) { w.string(s); }
};

// ---- whole records ----

template<has_fields T>
void write(bytes& out, const T& v) {
    writer w(out);
    codec<T>::write(w, v);
}

// Reads data as a T (a type with json_fields). Throws serde_error naming topic and field.
template<has_fields T>
T read(bytes_view data, std::string_view topic) {
    T out{};
    parse(data, topic, [&](value v) { codec<T>::read(v, out); });
    return out;
}

}  // namespace samsa::streams::json

namespace samsa::streams::serdes {

// The serde of json_fields.h for a type that declares its fields.
template<json::has_fields T>
serde<T> fast_json() {
    return serde<T>{
        [](std::string_view, const T& v) {
            // Written straight into the record's buffer, made as large as
            // the thread's recent largest record of this type (records of
            // one type are alike in size): one allocation, no copy. A larger
            // record grows it; after a run of smaller ones the guess comes
            // down again, by a 64th of the gap per record. Capped at 4 KiB,
            // so a record kept for long (a test driver's output) holds at
            // most that much unused; larger records grow as they are written.
            thread_local size_t guess = 64;
            samsa::bytes out;
            out.reserve(guess);
            json::write(out, v);
            if (out.size() >= guess) guess = std::min<size_t>(out.size(), 4096);
            else guess -= (guess - out.size()) / 64;
            return out;
        },
        [](std::string_view topic, bytes_view data) { return json::read<T>(data, topic); },
    };
}

}  // namespace samsa::streams::serdes
