// Client quotas: Kafka's rate over sampled windows, the throttle time
// formula, which quota applies to (user, client-id) and who shares its rate,
// and the quota file surviving a reopen.

#include <filesystem>

#include <gtest/gtest.h>

#include "samsa/broker/security/quota/quota_manager.h"
#include "samsa/broker/security/quota/quota_store.h"
#include "tests/support/temp_dir.h"

namespace samsa::broker::security::quota {
namespace {

entity_component user(std::optional<std::string> n) { return {"user", std::move(n)}; }
entity_component client(std::optional<std::string> n) { return {"client-id", std::move(n)}; }

session as(std::string name) {
    session s;
    s.principal.name = std::move(name);
    return s;
}

quota_store store_with(std::vector<std::pair<quota_entity, std::vector<quota_op>>> changes) {
    auto s = quota_store::open("");
    EXPECT_TRUE(s);
    for (auto& [e, ops] : changes) std::sort(e.begin(), e.end());
    EXPECT_TRUE(s->alter(changes));
    return std::move(*s);
}

TEST(rate_window, spans_at_least_samples_minus_one_windows) {
    rate_window r(11, 1000);
    r.record(1000, 0);
    EXPECT_EQ(r.window_span_ms(0), 10000);
    EXPECT_DOUBLE_EQ(r.rate(0), 100.0);
    // Old samples are forgotten after samples * window.
    r.record(500, 10500);
    EXPECT_DOUBLE_EQ(r.rate(10500), 1500.0 / 10.5);
    r.record(0, 11000);
    EXPECT_DOUBLE_EQ(r.rate(11000), 500.0 / 10.5);
}

TEST(quota_manager, throttle_time_is_kafkas_formula) {
    auto store = store_with({{{client("c")}, {{"producer_byte_rate", 1000}}}});
    quota_manager m(store, 2, std::chrono::seconds(1));
    // 1000 bytes at t=0: rate 1000/1 s, within the quota.
    EXPECT_EQ(m.record(quota_kind::produce, as("u"), "c", 1000, 0), 0);
    // 2000 more: rate 3000/s over a 1 s span: (3000-1000)/1000 * 1000 ms.
    EXPECT_EQ(m.record(quota_kind::produce, as("u"), "c", 2000, 0), 2000);
    // Another client id has no quota.
    EXPECT_EQ(m.record(quota_kind::produce, as("u"), "other", 1'000'000, 0), 0);
    // The fetch quota is another key.
    EXPECT_EQ(m.record(quota_kind::fetch, as("u"), "c", 1'000'000, 0), 0);
}

TEST(quota_manager, request_throttle_is_capped_at_one_window) {
    auto store = store_with({{{user(std::nullopt)}, {{"request_percentage", 1}}}});
    quota_manager m(store, 11, std::chrono::seconds(1));
    EXPECT_EQ(m.record(quota_kind::request, as("u"), "c", 1e6, 0), 1000);
}

TEST(quota_manager, precedence_of_entities_is_kafkas) {
    auto store = store_with({
        {{user("alice"), client("app")}, {{"producer_byte_rate", 1}}},
        {{user("alice"), client(std::nullopt)}, {{"producer_byte_rate", 2}}},
        {{user("alice")}, {{"producer_byte_rate", 3}}},
        {{user(std::nullopt), client("app")}, {{"producer_byte_rate", 4}}},
        {{user(std::nullopt), client(std::nullopt)}, {{"producer_byte_rate", 5}}},
        {{client("tool")}, {{"producer_byte_rate", 7}}},
        {{client(std::nullopt)}, {{"producer_byte_rate", 8}}},
    });
    quota_manager m(store, 11, std::chrono::seconds(1));
    EXPECT_EQ(m.quota_for(quota_kind::produce, as("alice"), "app"), 1);
    EXPECT_EQ(m.quota_for(quota_kind::produce, as("alice"), "x"), 2);
    EXPECT_EQ(m.quota_for(quota_kind::produce, as("bob"), "app"), 4);
    EXPECT_EQ(m.quota_for(quota_kind::produce, as("bob"), "x"), 5);
    auto only_clients = store_with({{{client("tool")}, {{"producer_byte_rate", 7}}},
                                    {{client(std::nullopt)}, {{"producer_byte_rate", 8}}},
                                    {{user("carol")}, {{"producer_byte_rate", 3}}}});
    quota_manager n(only_clients, 11, std::chrono::seconds(1));
    EXPECT_EQ(n.quota_for(quota_kind::produce, as("bob"), "tool"), 7);
    EXPECT_EQ(n.quota_for(quota_kind::produce, as("bob"), "x"), 8);
    EXPECT_EQ(n.quota_for(quota_kind::produce, as("carol"), "tool"), 3);
    EXPECT_FALSE(n.quota_for(quota_kind::fetch, as("bob"), "tool"));
}

TEST(quota_manager, a_user_quota_is_shared_by_the_users_clients) {
    auto store = store_with({{{user("alice")}, {{"producer_byte_rate", 1000}}}});
    quota_manager m(store, 2, std::chrono::seconds(1));
    EXPECT_EQ(m.record(quota_kind::produce, as("alice"), "a", 1000, 0), 0);
    EXPECT_GT(m.record(quota_kind::produce, as("alice"), "b", 1000, 0), 0);
    // A default-user quota is per user: bob has a rate of his own.
    auto per_user = store_with({{{user(std::nullopt)}, {{"producer_byte_rate", 1000}}}});
    quota_manager d(per_user, 2, std::chrono::seconds(1));
    EXPECT_EQ(d.record(quota_kind::produce, as("alice"), "a", 1000, 0), 0);
    EXPECT_EQ(d.record(quota_kind::produce, as("bob"), "a", 1000, 0), 0);
}

TEST(quota_store, validation_and_a_durable_file) {
    EXPECT_TRUE(why_invalid(quota_entity{}));
    EXPECT_TRUE(why_invalid(quota_entity{{"ip", "1.2.3.4"}}));
    EXPECT_TRUE(why_invalid(quota_entity{user("a"), user("b")}));
    EXPECT_FALSE(why_invalid(quota_entity{client(std::nullopt), user("a")}));
    EXPECT_TRUE(why_invalid(quota_op{"fly_rate", 1, false}));
    EXPECT_TRUE(why_invalid(quota_op{"producer_byte_rate", 1.5, false}));
    EXPECT_FALSE(why_invalid(quota_op{"request_percentage", 1.5, false}));
    EXPECT_FALSE(why_invalid(quota_op{"producer_byte_rate", 0, true}));

    test_support::temp_dir tmp("quota");
    const std::string dir = tmp.string();
    {
        auto s = quota_store::open(dir);
        ASSERT_TRUE(s);
        ASSERT_TRUE(s->alter({{{client(std::nullopt), user("alice")}, {{"producer_byte_rate", 1024}}},
                              {{user(std::nullopt)}, {{"consumer_byte_rate", 2048}, {"request_percentage", 50}}}}));
    }
    {
        auto s = quota_store::open(dir);
        ASSERT_TRUE(s);
        EXPECT_EQ(s->all().size(), 2u);
        EXPECT_EQ(s->value({client(std::nullopt), user("alice")}, "producer_byte_rate"), 1024);
        ASSERT_TRUE(s->alter({{{user(std::nullopt)}, {{"consumer_byte_rate", 0, true}, {"request_percentage", 0, true}}}}));
    }
    auto s = quota_store::open(dir);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->all().size(), 1u);  // an entity without values is gone
}

}  // namespace
}  // namespace samsa::broker::security::quota
