#include "samsa/base/result.h"
#include "samsa/base/types.h"

#include <gtest/gtest.h>

namespace samsa {
namespace {

result<int> parse_positive(int v) {
    if (v <= 0) return make_error(errc::invalid_argument, "not positive");
    return v;
}

TEST(result, carries_value_or_error) {
    auto good = parse_positive(3);
    ASSERT_TRUE(good);
    EXPECT_EQ(*good, 3);
    auto bad = parse_positive(-1);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::invalid_argument);
    EXPECT_EQ(bad.error().message, "not positive");
}

TEST(result, void_status) {
    status s = ok();
    EXPECT_TRUE(s);
    status f = make_error(errc::io_error, "disk");
    EXPECT_FALSE(f);
    EXPECT_STREQ(to_string(f.error().code), "i/o error");
}

TEST(named_type, compares_and_steps) {
    offset a{5};
    offset b = a + 2;
    EXPECT_LT(a, b);
    EXPECT_EQ(b - a, 2);
    ++a;
    EXPECT_EQ(a(), 6);
}

}  // namespace
}  // namespace samsa
