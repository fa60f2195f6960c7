#include "samsa/base/assert.h"
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

// The checks hold in release builds too (NDEBUG does not compile them out).
TEST(result_death_test, value_of_an_error_aborts_in_every_build) {
    auto bad = parse_positive(-1);
    EXPECT_DEATH((void)bad.value(), "assertion failed: has_value\\(\\).*result::value\\(\\) on an error");
    auto good = parse_positive(1);
    EXPECT_DEATH((void)good.error(), "result::error\\(\\) on a value");
    status fine = ok();
    EXPECT_DEATH((void)fine.error(), "status::error\\(\\) on success");
}

TEST(assert_death_test, samsa_assert_is_always_on) {
    int three = 3;
    EXPECT_DEATH(SAMSA_ASSERT(three == 4, "three is not four"), "three == 4 at .*result_test.cc:[0-9]+: three is not four");
    SAMSA_ASSERT(three == 3);  // passes silently
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
