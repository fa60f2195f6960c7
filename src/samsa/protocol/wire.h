#pragma once
// The two halves of every message codec: protocol_reader decodes fields from a
// request or response body, protocol_writer encodes them. Both know the
// message version and whether it is flexible, so one description of a message
// (a `serde(io, msg)` function template, see messages/*.h) drives both:
//
//   template<class IO> void serde(IO& io, produce_request& m) {
//       if (io.version() >= 3) io.field(m.transactional_id);
//       io.field(m.acks);
//       ...
//       io.tags();   // the tagged-field section, flexible versions only
//   }
//
// The C++ type of a field picks its wire type:
//   int8/16/32/64, bool, double   fixed width, big-endian
//   std::string                   STRING / COMPACT_STRING
//   std::optional<std::string>    NULLABLE_STRING / COMPACT_NULLABLE_STRING
//   bytes, std::optional<bytes>   BYTES / COMPACT_BYTES (nullable variants)
//   raw_records                   RECORDS: nullable bytes, borrowed (see below)
//   uuid                          16 raw bytes
//   std::vector<T>                ARRAY / COMPACT_ARRAY of T
//   std::optional<std::vector<T>> nullable array
//   std::optional<S>, S a struct  nullable struct: int8 -1 (null) or 1, then S
//   enums, named_type<T>          as their underlying integer
//   any other struct              its own serde(io, s), found by ADL
//
// Classic encodings: string length int16, bytes length int32, array count
// int32, -1 = null. Compact (flexible) encodings: unsigned varint of
// length + 1 (count + 1), 0 = null.
//
// The reader is defensive because the bytes come from the network: every
// failure is sticky (the reader stops and ok() turns false), a negative length
// other than the null marker fails, a length beyond the remaining bytes fails,
// and an array count is checked against the remaining bytes before a single
// element is built, so a 5-byte frame cannot ask for a billion elements.

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "samsa/base/named_type.h"
#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/bytes/bytes.h"
#include "samsa/base/uuid.h"

namespace samsa::protocol {

// A RECORDS field: the record batches of one partition, as raw bytes that are
// never re-encoded. After decoding, `data` points into the decoded buffer (a
// produce request's records are written to the log exactly as received), so
// the message must not outlive that buffer. For encoding, `data` points at
// bytes the caller keeps alive until encode() returns. nullopt = null.
//
// external() (encoding only): the records are not in memory but a range of a
// segment file that the connection sends with sendfile(2); the encoder writes
// their length and leaves a splice named by `id` for whoever assembles the
// frame's parts (encode_response_frame_parts), never reading them.
struct raw_records {
    std::optional<bytes_view> data;
    size_t external_size = 0;
    uint64_t external_id = 0;

    raw_records() = default;
    explicit raw_records(bytes_view d) : data(d) {}
    static raw_records external(size_t size, uint64_t id) {
        raw_records r(bytes_view{});
        r.external_size = size;
        r.external_id = id;
        return r;
    }
    bool is_null() const { return !data.has_value(); }
    bool is_external() const { return external_size > 0; }
    bytes_view view() const { return data.value_or(bytes_view{}); }
    size_t size() const { return external_size > 0 ? external_size : (data ? data->size() : 0); }

    bool operator==(const raw_records& o) const;
};

template<class T>
struct is_named_type : std::false_type {};
template<class T, class Tag>
struct is_named_type<named_type<T, Tag>> : std::true_type {};

class protocol_reader {
public:
    static constexpr bool is_reader = true;

    protocol_reader(bytes_view data, int16_t version, bool flexible)
        : in_(data), version_(version), flexible_(flexible) {}

    int16_t version() const { return version_; }
    bool flexible() const { return flexible_; }
    bool ok() const { return in_.ok(); }
    void fail() { in_.fail(); }
    size_t position() const { return in_.position(); }
    size_t remaining() const { return in_.remaining(); }

    void field(int8_t& v) { v = in_.read_i8(); }
    void field(int16_t& v) { v = in_.read_i16(); }
    void field(int32_t& v) { v = in_.read_i32(); }
    void field(int64_t& v) { v = in_.read_i64(); }
    void field(uint16_t& v) { v = in_.read_u16(); }
    void field(uint32_t& v) { v = in_.read_u32(); }
    void field(bool& v) { v = in_.read_u8() != 0; }
    void field(double& v) { v = in_.read_f64(); }
    void field(uuid& v);
    void field(std::string& v);
    void field(std::optional<std::string>& v);
    void field(bytes& v);
    void field(std::optional<bytes>& v);
    void field(raw_records& v);

    template<class E>
        requires std::is_enum_v<E>
    void field(E& v) {
        std::underlying_type_t<E> raw{};
        field(raw);
        v = static_cast<E>(raw);
    }
    template<class T, class Tag>
    void field(named_type<T, Tag>& v) {
        T raw{};
        field(raw);
        v = named_type<T, Tag>(raw);
    }
    template<class T>
    void field(std::vector<T>& v) {
        v.clear();
        int64_t n = read_count(/*nullable=*/false);
        read_elements(v, n);
    }
    template<class T>
    void field(std::optional<std::vector<T>>& v) {
        int64_t n = read_count(/*nullable=*/true);
        if (n < 0) {
            v.reset();
            return;
        }
        v.emplace();
        read_elements(*v, n);
    }
    // A nested struct (one that is not an array element), e.g. a tagged field
    // holding a struct.
    template<class S>
        requires(std::is_class_v<S> && !is_named_type<S>::value)
    void field(S& s) {
        serde(*this, s);
    }
    // A nullable struct (DescribeTopicPartitions' cursor): any negative
    // marker is null, as Kafka's generated readers take it.
    template<class S>
        requires std::is_class_v<S>
    void field(std::optional<S>& v) {
        int8_t present = 0;
        field(present);
        if (!ok() || present < 0) {
            v.reset();
            return;
        }
        v.emplace();
        field(*v);
    }

    // The tagged-field section that ends every struct in flexible versions;
    // nothing in classic versions. Unknown tags are skipped. `known` is called
    // as known(dispatch) once per tag present; the dispatch object takes
    // (tag, field, present) triples and decodes the field whose tag matches.
    void tags() {
        tags([](auto&) {});
    }
    template<class F>
    void tags(F&& known);

private:
    // A count for `nullable` arrays (-1 = null) checked against the bytes left:
    // every element takes at least one byte on the wire except in a few
    // degenerate structs, so a count above the remaining bytes is a lie.
    int64_t read_count(bool nullable);
    // A string or bytes length; -1 when null (and nullable), fails otherwise.
    int64_t read_length(bool is_string, bool nullable);

    template<class T>
    void read_elements(std::vector<T>& v, int64_t n) {
        for (int64_t i = 0; i < n && ok(); ++i) {
            v.emplace_back();
            field(v.back());
        }
        if (!ok()) v.clear();
    }

    byte_reader in_;
    int16_t version_;
    bool flexible_;
};

class protocol_writer {
public:
    static constexpr bool is_reader = false;

    protocol_writer(byte_writer& out, int16_t version, bool flexible)
        : out_(out), version_(version), flexible_(flexible) {}

    int16_t version() const { return version_; }
    bool flexible() const { return flexible_; }
    bool ok() const { return true; }

    void field(int8_t v) { out_.write_i8(v); }
    void field(int16_t v) { out_.write_i16(v); }
    void field(int32_t v) { out_.write_i32(v); }
    void field(int64_t v) { out_.write_i64(v); }
    void field(uint16_t v) { out_.write_u16(v); }
    void field(uint32_t v) { out_.write_u32(v); }
    void field(bool v) { out_.write_u8(v ? 1 : 0); }
    void field(double v) { out_.write_f64(v); }
    void field(const uuid& v) { out_.write_bytes(bytes_view(v.data)); }
    void field(const std::string& v);
    void field(const std::optional<std::string>& v);
    void field(const bytes& v);
    void field(const std::optional<bytes>& v);
    void field(const raw_records& v);

    template<class E>
        requires std::is_enum_v<E>
    void field(E v) {
        field(static_cast<std::underlying_type_t<E>>(v));
    }
    template<class T, class Tag>
    void field(named_type<T, Tag> v) {
        field(v.value());
    }
    template<class T>
    void field(const std::vector<T>& v) {
        write_count(static_cast<int64_t>(v.size()));
        for (const auto& e : v) field(e);
    }
    template<class T>
    void field(const std::optional<std::vector<T>>& v) {
        if (!v) {
            write_count(-1);
            return;
        }
        field(*v);
    }
    template<class S>
        requires(std::is_class_v<S> && !is_named_type<S>::value)
    void field(const S& s) {
        // serde takes a mutable reference so that one function serves both
        // directions; the writer only reads through it.
        serde(*this, const_cast<S&>(s));
    }
    template<class S>
        requires std::is_class_v<S>
    void field(const std::optional<S>& v) {
        field(static_cast<int8_t>(v ? 1 : -1));
        if (v) field(*v);
    }

    void tags() {
        if (flexible_) out_.write_uvarint(0);
    }
    template<class F>
    void tags(F&& known);

private:
    void write_count(int64_t n);  // -1 = null
    void write_length(int64_t n, bool is_string);

    byte_writer& out_;
    int16_t version_;
    bool flexible_;
};

// --- tagged fields ---------------------------------------------------------

namespace detail {

// Passed to a tags() callback while decoding: decodes the field whose tag is
// the one just read.
struct tag_reader {
    uint32_t tag;
    protocol_reader& sub;
    bool handled = false;

    template<class T>
    void operator()(uint32_t t, T& v, bool /*present*/ = true) {
        if (t != tag || handled) return;
        sub.field(v);
        handled = true;
    }
};

// Passed to a tags() callback while encoding: encodes each present field into
// its own buffer, since each is preceded by its size.
struct tag_writer {
    int16_t version;
    std::vector<std::pair<uint32_t, bytes>> fields;

    template<class T>
    void operator()(uint32_t t, T& v, bool present = true) {
        if (!present) return;
        byte_writer buf;
        protocol_writer sub(buf, version, /*flexible=*/true);
        sub.field(v);
        fields.emplace_back(t, buf.release());
    }
};

}  // namespace detail

template<class F>
void protocol_reader::tags(F&& known) {
    if (!flexible_) return;
    uint32_t n = in_.read_uvarint();
    if (n > remaining()) {  // every tag takes at least two bytes
        fail();
        return;
    }
    int64_t last_tag = -1;
    for (uint32_t i = 0; i < n && ok(); ++i) {
        uint32_t tag = in_.read_uvarint();
        uint32_t size = in_.read_uvarint();
        if (!ok() || static_cast<int64_t>(tag) <= last_tag || size > remaining()) {
            fail();  // Kafka requires strictly ascending tags
            return;
        }
        last_tag = tag;
        bytes_view body = in_.read_bytes(size);
        protocol_reader sub(body, version_, /*flexible=*/true);
        detail::tag_reader d{tag, sub};
        known(d);
        if (!sub.ok()) fail();
    }
}

template<class F>
void protocol_writer::tags(F&& known) {
    if (!flexible_) return;
    detail::tag_writer d{version_, {}};
    known(d);
    out_.write_uvarint(static_cast<uint32_t>(d.fields.size()));
    for (auto& [tag, body] : d.fields) {
        out_.write_uvarint(tag);
        out_.write_uvarint(static_cast<uint32_t>(body.size()));
        out_.write_bytes(body);
    }
}

}  // namespace samsa::protocol
