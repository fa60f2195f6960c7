// Every built-in serde writes exactly the bytes Kafka's Java serdes write, reads
// them back, and refuses input of the wrong size with serde_error.

#include "samsa/streams/serde.h"

#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include <gtest/gtest.h>

namespace samsa::streams {
namespace {

template<class T>
samsa::bytes ser(const serde<T>& s, const T& v) { return s.serialize("topic", v); }
template<class T>
T de(const serde<T>& s, const samsa::bytes& b) { return s.deserialize("topic", b); }

template<class T>
void expect_round_trip(const serde<T>& s, const T& v, const samsa::bytes& java_bytes) {
    EXPECT_EQ(ser(s, v), java_bytes);
    EXPECT_EQ(de(s, java_bytes), v);
}

TEST(serde_test, string_is_utf8_as_is) {
    expect_round_trip(serdes::string(), std::string("\xc3\xa9"), samsa::bytes{0xc3, 0xa9});
    expect_round_trip(serdes::string(), std::string("ab"), samsa::bytes{'a', 'b'});
    expect_round_trip(serdes::string(), std::string(), samsa::bytes{});
}

TEST(serde_test, bytes_are_untouched) {
    expect_round_trip(serdes::bytes(), samsa::bytes{0, 0xff, 7}, samsa::bytes{0, 0xff, 7});
}

TEST(serde_test, int16_is_big_endian) {
    expect_round_trip(serdes::int16(), int16_t{1}, samsa::bytes{0x00, 0x01});
    expect_round_trip(serdes::int16(), int16_t{-2}, samsa::bytes{0xff, 0xfe});
    expect_round_trip(serdes::int16(), std::numeric_limits<int16_t>::min(), samsa::bytes{0x80, 0x00});
}

TEST(serde_test, int32_is_big_endian) {
    expect_round_trip(serdes::int32(), int32_t{1}, samsa::bytes{0, 0, 0, 1});
    expect_round_trip(serdes::int32(), int32_t{-1}, samsa::bytes{0xff, 0xff, 0xff, 0xff});
    expect_round_trip(serdes::int32(), int32_t{0x01020304}, samsa::bytes{1, 2, 3, 4});
    expect_round_trip(serdes::int32(), std::numeric_limits<int32_t>::min(), samsa::bytes{0x80, 0, 0, 0});
}

TEST(serde_test, int64_is_big_endian) {
    expect_round_trip(serdes::int64(), int64_t{-1}, samsa::bytes(8, 0xff));
    expect_round_trip(serdes::int64(), int64_t{1}, samsa::bytes{0, 0, 0, 0, 0, 0, 0, 1});
    expect_round_trip(serdes::int64(), std::numeric_limits<int64_t>::max(),
                      samsa::bytes{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
}

TEST(serde_test, float64_is_ieee754_big_endian) {
    expect_round_trip(serdes::float64(), 1.0, samsa::bytes{0x3f, 0xf0, 0, 0, 0, 0, 0, 0});
    expect_round_trip(serdes::double_(), -2.5, samsa::bytes{0xc0, 0x04, 0, 0, 0, 0, 0, 0});
    // Java's doubleToLongBits canonicalises NaN.
    EXPECT_EQ(ser(serdes::float64(), -std::numeric_limits<double>::quiet_NaN()),
              (samsa::bytes{0x7f, 0xf8, 0, 0, 0, 0, 0, 0}));
    EXPECT_TRUE(std::isnan(de(serdes::float64(), samsa::bytes{0x7f, 0xf8, 0, 0, 0, 0, 0, 0})));
}

TEST(serde_test, float32_is_ieee754_big_endian) {
    expect_round_trip(serdes::float32(), 1.0f, samsa::bytes{0x3f, 0x80, 0, 0});
}

TEST(serde_test, boolean_is_one_byte) {
    expect_round_trip(serdes::boolean(), true, samsa::bytes{1});
    expect_round_trip(serdes::boolean(), false, samsa::bytes{0});
    EXPECT_THROW(de(serdes::boolean(), samsa::bytes{2}), serde_error);
    EXPECT_THROW(de(serdes::boolean(), samsa::bytes{}), serde_error);
}

TEST(serde_test, wrong_sizes_throw_serde_error) {
    EXPECT_THROW(de(serdes::int16(), samsa::bytes{1}), serde_error);
    EXPECT_THROW(de(serdes::int32(), samsa::bytes{0, 0, 1}), serde_error);
    EXPECT_THROW(de(serdes::int32(), samsa::bytes{0, 0, 0, 0, 1}), serde_error);
    EXPECT_THROW(de(serdes::int64(), samsa::bytes{0, 0, 0, 1}), serde_error);
    EXPECT_THROW(de(serdes::float64(), samsa::bytes{}), serde_error);
    EXPECT_THROW(de(serdes::float32(), samsa::bytes{1, 2}), serde_error);
    try {
        de(serdes::int32(), samsa::bytes{1});
        FAIL();
    } catch (const serde_error& e) {
        EXPECT_STREQ(e.what(), "Size of data received by IntegerDeserializer is not 4");
    }
}

}  // namespace

// A user type with nlohmann-json functions found by ADL, camelCase by choice.
struct order {
    std::string order_id;
    int64_t amount_cents = 0;
    std::vector<std::string> items;
    bool operator==(const order&) const = default;
};
void to_json(nlohmann::json& j, const order& o) {
    j = {{"orderId", o.order_id}, {"amountCents", o.amount_cents}, {"items", o.items}};
}
void from_json(const nlohmann::json& j, order& o) {
    j.at("orderId").get_to(o.order_id);
    j.at("amountCents").get_to(o.amount_cents);
    j.at("items").get_to(o.items);
}

struct no_serde {};

namespace {

TEST(serde_test, json_round_trips_a_user_type) {
    auto s = serdes::json<order>();
    order o{"o-1", 1250, {"book", "pen"}};
    auto b = ser(s, o);
    EXPECT_EQ(std::string(as_chars(b)), R"({"amountCents":1250,"items":["book","pen"],"orderId":"o-1"})");
    EXPECT_EQ(de(s, b), o);
    EXPECT_EQ(de(s, to_bytes(R"({"orderId":"x","amountCents":3,"items":[]})")), (order{"x", 3, {}}));
}

TEST(serde_test, json_errors_throw_serde_error) {
    auto s = serdes::json<order>();
    EXPECT_THROW(de(s, to_bytes("{not json")), serde_error);
    EXPECT_THROW(de(s, to_bytes(R"({"orderId":"x"})")), serde_error);                              // missing key
    EXPECT_THROW(de(s, to_bytes(R"({"orderId":1,"amountCents":3,"items":[]})")), serde_error);     // wrong type
    EXPECT_THROW(de(s, samsa::bytes{}), serde_error);
}

TEST(serde_test, default_serde_is_chosen_by_type) {
    static_assert(json_convertible<order>);
    static_assert(!json_convertible<no_serde>);
    static_assert(has_default_serde<order> && has_default_serde<int32_t> && has_default_serde<std::string>);
    static_assert(!has_default_serde<no_serde> && !has_default_serde<uint32_t> && !has_default_serde<int8_t> &&
                  !has_default_serde<char> && !has_default_serde<long double>);
    EXPECT_EQ(ser(default_serde<std::string>(), std::string("é")), (samsa::bytes{0xc3, 0xa9}));
    EXPECT_EQ(ser(default_serde<samsa::bytes>(), samsa::bytes{9}), samsa::bytes{9});
    EXPECT_EQ(ser(default_serde<int16_t>(), int16_t{1}), (samsa::bytes{0, 1}));
    EXPECT_EQ(ser(default_serde<int32_t>(), 1), (samsa::bytes{0, 0, 0, 1}));
    EXPECT_EQ(ser(default_serde<int64_t>(), int64_t{-1}), samsa::bytes(8, 0xff));
    EXPECT_EQ(ser(default_serde<long long>(), -1LL), samsa::bytes(8, 0xff));
    EXPECT_EQ(ser(default_serde<double>(), 1.0), (samsa::bytes{0x3f, 0xf0, 0, 0, 0, 0, 0, 0}));
    EXPECT_EQ(ser(default_serde<bool>(), true), samsa::bytes{1});
    order o{"a", 1, {}};
    EXPECT_EQ(ser(default_serde<order>(), o), ser(serdes::json<order>(), o));
    using map_t = std::map<std::string, int>;
    EXPECT_EQ(de(default_serde<map_t>(), to_bytes(R"({"a":1})")), (map_t{{"a", 1}}));
}

TEST(serde_test, serdes_are_copyable_values) {
    serde<int32_t> a = serdes::int32();
    serde<int32_t> b = a;
    EXPECT_EQ(ser(b, 7), (samsa::bytes{0, 0, 0, 7}));
}

}  // namespace
}  // namespace samsa::streams
