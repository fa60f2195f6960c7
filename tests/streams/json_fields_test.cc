// json_fields.h: the fast JSON codec writes what nlohmann (and Java's Jackson)
// write for the same object, reads their text back, and refuses bad input with
// a serde_error that names the topic and the field.

#include "samsa/streams/serdes/json_fields.h"

#include <sys/mman.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace samsa::streams {
namespace {

struct line_item {
    std::string sku;
    int32_t quantity = 0;
    double price = 0;
    bool operator==(const line_item&) const = default;
};

inline auto json_fields(const line_item*) {
    return std::tuple{json::field("sku", &line_item::sku), json::field("quantity", &line_item::quantity),
                      json::field("price", &line_item::price)};
}

struct order {
    std::string id;
    std::string customer_id;
    int64_t created = 0;
    bool paid = false;
    std::vector<line_item> items;
    std::optional<std::string> note;
    bool operator==(const order&) const = default;
};

inline auto json_fields(const order*) {
    return std::tuple{json::field("id", &order::id, json::text_or_integer{}),
                      json::field("customerId", &order::customer_id),
                      json::field("created", &order::created),
                      json::field("paid", &order::paid),
                      json::field("items", &order::items),
                      json::optional_field("note", &order::note)};
}

std::string write(const order& o) {
    samsa::bytes out;
    json::write(out, o);
    return std::string(out.begin(), out.end());
}

order read(std::string_view text) { return json::read<order>(as_bytes(text), "ORDER"); }

// The message of the serde_error reading text throws ("" if none).
std::string read_error(std::string_view text) {
    try {
        read(text);
    } catch (const serde_error& e) {
        return e.what();
    }
    return "";
}

order sample() {
    return order{"o-1", "c-7", 1700000000123, true, {{"a", 2, 9.5}, {"b", 1, 2.0}}, std::nullopt};
}

TEST(json_fields, writes_fields_in_declaration_order_and_leaves_out_an_absent_optional) {
    EXPECT_EQ(write(sample()), R"({"id":"o-1","customerId":"c-7","created":1700000000123,"paid":true,)"
                               R"("items":[{"sku":"a","quantity":2,"price":9.5},{"sku":"b","quantity":1,"price":2.0}]})");
    order with_note = sample();
    with_note.note = "ring twice";
    EXPECT_NE(write(with_note).find(R"(,"note":"ring twice"})"), std::string::npos) << write(with_note);
}

TEST(json_fields, writes_what_nlohmann_writes_for_the_same_values) {
    order o = sample();
    o.note = std::string("quote \" backslash \\ newline \n tab \t bell \x07 e\xc3\xa9");
    o.items[0].price = 1e20;
    o.items[1].price = 0.1;
    nlohmann::json j = {{"id", o.id},
                        {"customerId", o.customer_id},
                        {"created", o.created},
                        {"paid", o.paid},
                        {"items",
                         {{{"sku", "a"}, {"quantity", 2}, {"price", 1e20}},
                          {{"sku", "b"}, {"quantity", 1}, {"price", 0.1}}}},
                        {"note", *o.note}};
    // nlohmann sorts keys; compare as documents and the escaped note as text.
    EXPECT_EQ(nlohmann::json::parse(write(o)), j);
    EXPECT_NE(write(o).find(j["note"].dump()), std::string::npos) << write(o) << " vs " << j["note"].dump();
    EXPECT_NE(write(o).find("\"price\":1e+20"), std::string::npos) << write(o);
}

TEST(json_fields, round_trips_through_its_own_text) {
    order o = sample();
    o.note = "\xe2\x82\xac 5";
    o.items.clear();
    EXPECT_EQ(read(write(o)), o);
    EXPECT_EQ(read(write(sample())), sample());
}

TEST(json_fields, reads_fields_in_any_order_and_skips_unknown_ones) {
    order o = read(R"( { "items": [], "extra": {"deep": [1, {"x": null}], "s": "}"}, "paid": false,
                         "created": -5, "customerId": "c\u00e9", "id": 42, "more": [] } )");
    EXPECT_EQ(o.id, "42");  // a Java Long id, read as its text
    EXPECT_EQ(o.customer_id, "c\xc3\xa9");
    EXPECT_EQ(o.created, -5);
    EXPECT_FALSE(o.paid);
    EXPECT_TRUE(o.items.empty());
    EXPECT_FALSE(o.note.has_value());
}

TEST(json_fields, an_optional_field_may_be_missing_or_null) {
    const char* base = R"({"id":"o","customerId":"c","created":1,"paid":true,"items":[])";
    EXPECT_FALSE(read(std::string(base) + "}").note.has_value());
    EXPECT_FALSE(read(std::string(base) + R"(,"note":null})").note.has_value());
    EXPECT_EQ(read(std::string(base) + R"(,"note":"n"})").note, "n");
}

TEST(json_fields, a_missing_field_names_the_topic_and_the_field) {
    std::string e = read_error(R"({"id":"o","created":1,"paid":true,"items":[]})");
    EXPECT_NE(e.find("topic 'ORDER'"), std::string::npos) << e;
    EXPECT_NE(e.find("missing field 'customerId'"), std::string::npos) << e;
}

TEST(json_fields, a_value_of_the_wrong_type_names_the_field) {
    std::string e = read_error(R"({"id":"o","customerId":"c","created":"soon","paid":true,"items":[]})");
    EXPECT_NE(e.find("field 'created'"), std::string::npos) << e;
    EXPECT_NE(e.find("expected an integer"), std::string::npos) << e;
    e = read_error(R"({"id":"o","customerId":"c","created":1,"paid":true,"items":[{"sku":"a","quantity":1.5,"price":1}]})");
    EXPECT_NE(e.find("field 'quantity'"), std::string::npos) << e;
    e = read_error(R"({"id":"o","customerId":"c","created":1,"paid":true,"items":[{"sku":"a","quantity":3000000000,"price":1}]})");
    EXPECT_NE(e.find("field 'quantity'"), std::string::npos) << e;
    EXPECT_NE(e.find("out of range"), std::string::npos) << e;
    e = read_error(R"({"id":"o","customerId":null,"created":1,"paid":true,"items":[]})");
    EXPECT_NE(e.find("field 'customerId'"), std::string::npos) << e;
}

TEST(json_fields, text_that_is_not_one_json_object_is_a_serde_error) {
    const std::string good = write(sample());
    for (std::string bad : {std::string(""), std::string("not json"), std::string("[1,2]"), std::string("42"),
                            std::string("\"s\""), good.substr(0, good.size() / 2), good.substr(0, good.size() - 1),
                            good + " x", good + "}", std::string("{\"id\":\"o\"\x01}")}) {
        std::string e = read_error(bad);
        EXPECT_NE(e.find("cannot read JSON from topic 'ORDER'"), std::string::npos) << "input: " << bad << "\n" << e;
    }
    // A good record after bad ones: the thread's parser carries nothing over.
    EXPECT_EQ(read(good), sample());
}

TEST(json_fields, reads_records_of_any_size_one_after_another) {
    for (size_t n : {0, 1, 200, 3, 5000, 10}) {
        order o = sample();
        o.note = std::string(n, 'x');
        o.items.assign(n % 97, line_item{"s", 1, 1.5});
        EXPECT_EQ(read(write(o)), o) << n;
    }
}

TEST(json_fields, fast_json_is_a_serde_of_the_codec) {
    serde<order> s = serdes::fast_json<order>();
    samsa::bytes b = s.serialize("ORDER", sample());
    EXPECT_EQ(std::string(b.begin(), b.end()), write(sample()));
    EXPECT_EQ(s.deserialize("ORDER", b), sample());
    EXPECT_THROW(s.deserialize("ORDER", as_bytes("{")), serde_error);
}

// The writer writes through a cursor into room it adds to the buffer: what
// the buffer holds afterwards is exactly what was there plus the text, at any
// size (escapes and growth included), and the serde's buffers are right
// whatever sizes came before them.
TEST(json_fields, the_buffer_holds_exactly_the_text_after_what_it_held) {
    serde<order> s = serdes::fast_json<order>();
    for (size_t n : {0, 70, 1, 3000, 2, 129, 5000, 0, 64}) {
        order o = sample();
        o.note = std::string(n, 'x') + (n % 2 ? "\"\\\n\x01" : "");
        samsa::bytes out = {'a', 'b'};
        json::write(out, o);
        ASSERT_EQ(std::string(out.begin(), out.end()), "ab" + write(o)) << n;
        EXPECT_EQ(read(write(o)), o) << n;
        samsa::bytes b = s.serialize("ORDER", o);
        EXPECT_EQ(std::string(b.begin(), b.end()), write(o)) << n;
    }
}

// Names are matched in place when written plainly, and unescaped first when
// not: "customer\u0049d" is the name customerId.
TEST(json_fields, reads_a_field_name_written_with_escapes) {
    order o = read(R"({"id":"o","customer\u0049d":"c","created":1,"paid":true,"items":[],"n\u006fte":"x"})");
    EXPECT_EQ(o.customer_id, "c");
    EXPECT_EQ(o.note, "x");
}

TEST(json_fields, the_writer_escapes_member_names_and_places_commas) {
    samsa::bytes out;
    {
        json::writer w(out);
        w.begin_object();
        w.key("plain");
        w.integer(1);
        w.key("quo\"te");
        w.begin_array();
        w.string("a");
        w.null();
        w.end_array();
        w.key("");
        w.boolean(true);
        w.end_object();
    }
    EXPECT_EQ(std::string(out.begin(), out.end()), R"({"plain":1,"quo\"te":["a",null],"":true})");
}

// A record is parsed where it lies when the bytes simdjson reads past it
// are on its page, and copied first when they would not be: here records
// end at every distance from a page that cannot be read (a read there
// would crash), and one lies in a page's middle.
TEST(json_fields, reads_a_record_that_ends_where_the_memory_ends) {
    const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    void* map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(map, MAP_FAILED);
    auto* memory = static_cast<unsigned char*>(map);
    ASSERT_EQ(mprotect(memory + page, page, PROT_NONE), 0);
    const std::string text = write(sample());
    for (size_t slack = 0; slack <= 80; ++slack) {
        unsigned char* at = memory + page - slack - text.size();
        std::memcpy(at, text.data(), text.size());
        EXPECT_EQ(json::read<order>(samsa::bytes_view(at, text.size()), "ORDER"), sample()) << slack;
    }
    unsigned char* middle = memory + page / 2;
    std::memcpy(middle, text.data(), text.size());
    EXPECT_EQ(json::read<order>(samsa::bytes_view(middle, text.size()), "ORDER"), sample());
    munmap(map, 2 * page);
}

// text_or_integer looks at a value once as a string, then as what it is.
TEST(json_fields, an_id_is_a_string_or_an_integer_and_nothing_else) {
    const std::string rest = R"(,"customerId":"c","created":1,"paid":true,"items":[]})";
    EXPECT_EQ(read(R"({"id":"o-1")" + rest).id, "o-1");
    EXPECT_EQ(read(R"({"id":-42)" + rest).id, "-42");
    EXPECT_EQ(read(R"({"id":"")" + rest).id, "");
    for (const char* id : {"1.5", "true", "null", "{}", "[1]"}) {
        std::string e = read_error(std::string(R"({"id":)") + id + rest);
        EXPECT_NE(e.find("field 'id'"), std::string::npos) << id << ": " << e;
        EXPECT_NE(e.find("expected a string"), std::string::npos) << id << ": " << e;
    }
}

struct oddly_named {
    int plain = 0;
    std::string quote;
};
auto json_fields(const oddly_named*) {
    return std::tuple{json::field("plain", &oddly_named::plain), json::field("quo\"te\n", &oddly_named::quote)};
}

// A type's member names are escaped once, when it is first written.
TEST(json_fields, a_type_writes_member_names_that_need_escapes) {
    samsa::bytes out;
    json::write(out, oddly_named{1, "x"});
    EXPECT_EQ(std::string(out.begin(), out.end()), R"({"plain":1,"quo\"te\n":"x"})");
    EXPECT_EQ(json::read<oddly_named>(out, "t").quote, "x");
}

// Each kind of byte that needs an escape, at every offset of strings up to
// three words long, between plain bytes (ASCII, DEL and bytes of 0x80 and
// above): the writer tests eight bytes at a time.
TEST(json_fields, the_writer_escapes_a_byte_at_any_offset) {
    const std::vector<std::pair<char, std::string>> escapes = {
        {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\t', "\\t"},
        {'\x01', "\\u0001"}, {'\x1f', "\\u001f"}, {'\0', "\\u0000"}};
    const std::string plain = "a~ \x7f\xc3\xa9!\x80";
    auto written = [](const std::string& s) {
        samsa::bytes out;
        {
            json::writer w(out);
            w.string(s);
        }
        return std::string(out.begin(), out.end());
    };
    for (size_t length = 1; length <= 40; ++length) {
        std::string s;
        for (size_t k = 0; k < length; ++k) s += plain[k % plain.size()];
        ASSERT_EQ(written(s), '"' + s + '"');
        for (size_t at = 0; at < length; ++at) {
            for (const auto& [c, escaped] : escapes) {
                std::string with = s;
                with[at] = c;
                std::string expected = '"' + s.substr(0, at) + escaped + s.substr(at + 1) + '"';
                ASSERT_EQ(written(with), expected) << "length " << length << " at " << at << " byte " << int(c);
            }
        }
    }
}

// A number is written as std::to_chars' shortest round-trip text (with ".0"
// after an integer): fixed_number_text, the quick way for prices and totals
// (s21-hP), must write exactly that whenever it answers, and answer for
// amounts of up to four decimals.
TEST(json_fields, a_number_is_written_as_to_chars_writes_it) {
    auto reference = [](double d) {
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
        std::string text(buf, end);
        if (text.find_first_of(".e") == std::string::npos) text += ".0";
        return text;
    };
    auto written = [](double d) {
        samsa::bytes out;
        {
            json::writer w(out);
            w.number(d);
        }
        return std::string(out.begin(), out.end());
    };
    size_t answered = 0, checked = 0;
    auto check = [&](double d) {
        char buf[32];
        const size_t n = json::detail::fixed_number_text(d, buf);
        ++checked;
        if (n != 0) {
            ++answered;
            ASSERT_EQ(std::string(buf, n), reference(d)) << std::hexfloat << d;
        }
        ASSERT_EQ(written(d), reference(d)) << std::hexfloat << d;
    };
    // Amounts in cents and in ten-thousandths, as a price or a total is, both signs.
    uint64_t x = 88172645463325252u;
    auto next = [&] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    for (int i = 0; i < 200000; ++i) {
        const double cents = static_cast<double>(next() % 100000000000u) / 100;
        check(cents);
        check(-cents);
        check(static_cast<double>(next() % 1000000000u) / 10000);
        check(static_cast<double>(next() % 1000) * 19.9);  // a quantity times a price
    }
    const size_t amounts = answered;
    // Integers with and without trailing zeros, the notation's turning points,
    // small numbers, the limits, and doubles from random bits.
    for (double d : {1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0, 1e6, 123456789.0, 1234567890000.0, 1e13,
                     17592186044415.0, 17592186044416.0, 1e15, 0.001, 0.0015, 0.0001, 0.00015, 0.5, 0.05, 0.1, 0.2,
                     0.3, 1.5e-3, 9.999, 12.345, 99999.9999, 0.1 + 0.2, 1.0 / 3, 2.5e-4, 4503599627370496.5}) {
        check(d);
        check(-d);
    }
    for (int i = 0; i < 200000; ++i) {
        const uint64_t bits = next();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (std::isfinite(d)) check(d);
        check(static_cast<double>(next() % 100000000u) * static_cast<double>(i % 7 == 0 ? 1000 : 1));
    }
    EXPECT_GT(amounts, checked / 2) << "the quick way answers for most amounts";
    EXPECT_EQ(json::detail::fixed_number_text(0.0, nullptr), 0u);
}

}  // namespace
}  // namespace samsa::streams
