// hashed_bytes_map: point lookups through the hash index agree with the
// ordered map after every kind of change, and iteration keeps the stores' key
// order (bytes_less) — checked against a plain std::map on random operations.

#include <map>
#include <random>

#include <gtest/gtest.h>

#include "samsa/streams/state/hashed_bytes_map.h"

namespace samsa::streams {
namespace {

bytes b(std::string_view s) { return to_bytes(s); }

TEST(store_hashed_bytes_map, finds_inserts_and_erases_by_key) {
    hashed_bytes_map<int> m;
    EXPECT_EQ(m.find(b("a")), m.end());
    auto [it, inserted] = m.try_emplace(b("a"), 1);
    EXPECT_TRUE(inserted);
    EXPECT_EQ(it->second, 1);
    auto [again, inserted_again] = m.try_emplace(bytes_view(b("a")), 2);
    EXPECT_FALSE(inserted_again);
    EXPECT_EQ(again, it);
    EXPECT_EQ(again->second, 1);  // try_emplace leaves a present key alone
    ASSERT_NE(m.find(b("a")), m.end());
    EXPECT_EQ(m.find(b("a"))->second, 1);
    EXPECT_EQ(m.erase(bytes_view(b("a"))), 1u);
    EXPECT_EQ(m.erase(bytes_view(b("a"))), 0u);
    EXPECT_EQ(m.find(b("a")), m.end());
    EXPECT_TRUE(m.empty());
}

TEST(store_hashed_bytes_map, iterates_in_unsigned_byte_order_with_prefixes_first) {
    hashed_bytes_map<int> m;
    m.try_emplace(bytes{0xff}, 1);
    m.try_emplace(bytes{0x01, 0x00}, 2);
    m.try_emplace(bytes{0x01}, 3);
    m.try_emplace(bytes{}, 4);
    std::vector<int> order;
    for (const auto& [k, v] : m) order.push_back(v);
    EXPECT_EQ(order, (std::vector<int>{4, 3, 2, 1}));
    EXPECT_EQ(m.lower_bound(bytes{0x01, 0x00})->second, 2);
    EXPECT_EQ(m.upper_bound(bytes{0x01, 0x00})->second, 1);
}

TEST(store_hashed_bytes_map, empty_key_and_keys_equal_but_for_length_are_distinct) {
    hashed_bytes_map<int> m;
    m.try_emplace(bytes{}, 1);
    m.try_emplace(bytes{0x00}, 2);
    m.try_emplace(bytes{0x00, 0x00}, 3);
    EXPECT_EQ(m.find(bytes{})->second, 1);
    EXPECT_EQ(m.find(bytes{0x00})->second, 2);
    EXPECT_EQ(m.find(bytes{0x00, 0x00})->second, 3);
    m.erase(m.find(bytes{0x00}));
    EXPECT_EQ(m.find(bytes{0x00}), m.end());
    EXPECT_EQ(m.find(bytes{0x00, 0x00})->second, 3);
}

TEST(store_hashed_bytes_map, clear_forgets_every_key) {
    hashed_bytes_map<int> m;
    for (int i = 0; i < 100; ++i) m.try_emplace(b(std::to_string(i)), i);
    m.clear();
    EXPECT_EQ(m.size(), 0u);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(m.find(b(std::to_string(i))), m.end());
    m.try_emplace(b("7"), 7);
    EXPECT_EQ(m.find(b("7"))->second, 7);
}

TEST(store_hashed_bytes_map, agrees_with_std_map_on_random_operations) {
    std::mt19937 rng(12);
    hashed_bytes_map<int> m;
    std::map<bytes, int, bytes_less> expected;
    auto random_key = [&] {
        bytes k(rng() % 4);
        for (auto& c : k) c = static_cast<uint8_t>(rng() % 3 == 0 ? 0xff : rng() % 4);
        return k;
    };
    for (int step = 0; step < 20000; ++step) {
        bytes k = random_key();
        switch (rng() % 4) {
            case 0:
            case 1: {
                int v = static_cast<int>(rng() % 1000);
                auto [it, inserted] = m.try_emplace(k, v);
                auto [eit, einserted] = expected.try_emplace(k, v);
                ASSERT_EQ(inserted, einserted);
                it->second = v, eit->second = v;
                break;
            }
            case 2: {
                auto it = m.find(k);
                if (it != m.end()) m.erase(it);
                expected.erase(k);
                break;
            }
            case 3: {
                auto it = m.find(k);
                auto eit = expected.find(k);
                ASSERT_EQ(it == m.end(), eit == expected.end());
                if (it != m.end()) {
                    ASSERT_EQ(it->second, eit->second);
                }
                break;
            }
        }
        ASSERT_EQ(m.size(), expected.size());
    }
    EXPECT_TRUE(std::equal(m.begin(), m.end(), expected.begin(), expected.end()));
    for (const auto& [k, v] : expected) {
        auto it = m.find(k);
        ASSERT_NE(it, m.end());
        EXPECT_EQ(it->second, v);
    }
}

}  // namespace
}  // namespace samsa::streams
