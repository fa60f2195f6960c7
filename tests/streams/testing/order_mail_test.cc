// The seed's order-mail topology through the test driver with JSON records:
// CUSTOMER ktable join CUSTOMER-ADDRESS ktable; ORDER re-keyed by customer
// id, joined with that table, then with the ITEM global table; to ORDER-MAIL.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "samsa/streams/streams_builder.h"
#include "samsa/streams/testing/topology_test_driver.h"

namespace samsa::streams {
namespace {

using str = std::string;

struct customer {
    str id, name, email;
    bool operator==(const customer&) const = default;
};
struct address {
    str customer_id, street, city;
    bool operator==(const address&) const = default;
};
struct order {
    str id, customer_id, item_id;
    int quantity = 0;
};
struct item {
    str id, name;
    double price = 0;
};
struct order_mail {
    str order_id, customer_name, email, street, city, item_name;
    int quantity = 0;
    double total = 0;
    bool operator==(const order_mail&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(customer, id, name, email)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(address, customer_id, street, city)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(order, id, customer_id, item_id, quantity)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(item, id, name, price)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(order_mail, order_id, customer_name, email, street, city, item_name, quantity, total)

struct customer_with_address {
    customer c;
    address a;
};
struct order_with_customer {
    order o;
    customer_with_address ca;
};

topology order_mail_topology(store_type stores = store_type::rocksdb) {
    streams_builder b;
    auto customers = b.table("CUSTOMER", consumed<str, customer>::with(serdes::string(), serdes::json<customer>()),
                             materialized<str, customer>::as(stores));
    auto addresses = b.table("CUSTOMER-ADDRESS", consumed<str, address>::with(serdes::string(), serdes::json<address>()),
                             materialized<str, address>::as(stores));
    auto with_address = customers.join(
        addresses, [](const customer& c, const address& a) { return customer_with_address{c, a}; });
    auto items = b.global_table("ITEM", consumed<str, item>::with(serdes::string(), serdes::json<item>()),
                                materialized<str, item>::as(stores));
    b.stream("ORDER", consumed<str, order>::with(serdes::string(), serdes::json<order>()))
        .select_key([](const str&, const order& o) { return o.customer_id; })
        .join(with_address, [](const order& o, const customer_with_address& ca) { return order_with_customer{o, ca}; })
        .join(items, [](const str&, const order_with_customer& oc) { return oc.o.item_id; },
              [](const order_with_customer& oc, const item& i) {
                  return order_mail{oc.o.id, oc.ca.c.name, oc.ca.c.email, oc.ca.a.street, oc.ca.a.city, i.name,
                                    oc.o.quantity, oc.o.quantity * i.price};
              })
        .to("ORDER-MAIL", produced<str, order_mail>::with(serdes::string(), serdes::json<order_mail>()));
    return b.build();
}

std::string golden(const std::string& name) {
    const char* root = std::getenv("SAMSA_SOURCE_DIR");
    std::string dir = root ? std::string(root) + "/tests/streams/golden/" : std::string(SAMSA_GOLDEN_DIR);
    std::ifstream in(dir + name + ".txt", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class order_mail_test : public ::testing::TestWithParam<store_type> {
protected:
    order_mail_test()
        : driver_(order_mail_topology(GetParam()), {{"application.id", "order-mail"}}),
          customers_(driver_.create_input_topic("CUSTOMER", serdes::string(), serdes::json<customer>())),
          addresses_(driver_.create_input_topic("CUSTOMER-ADDRESS", serdes::string(), serdes::json<address>())),
          items_(driver_.create_input_topic("ITEM", serdes::string(), serdes::json<item>())),
          orders_(driver_.create_input_topic("ORDER", serdes::string(), serdes::json<order>())),
          mails_(driver_.create_output_topic("ORDER-MAIL", serdes::string(), serdes::json<order_mail>())) {}

    testing::topology_test_driver driver_;
    testing::test_input_topic<str, customer> customers_;
    testing::test_input_topic<str, address> addresses_;
    testing::test_input_topic<str, item> items_;
    testing::test_input_topic<str, order> orders_;
    testing::test_output_topic<str, order_mail> mails_;
};

TEST(order_mail, describe_matches_kafka_streams) {
    EXPECT_EQ(order_mail_topology().describe().to_string(), golden("01-order-mail"));
}

TEST_P(order_mail_test, order_joined_with_customer_address_and_item) {
    customers_.pipe_input("c1", customer{"c1", "Ana", "ana@example.com"}, 1);
    addresses_.pipe_input("c1", address{"c1", "Rua A 1", "Lisboa"}, 2);
    items_.pipe_input("i1", item{"i1", "Livro", 12.5}, 3);
    orders_.pipe_input("o1", order{"o1", "c1", "i1", 2}, 10);

    auto r = mails_.read_record();
    EXPECT_EQ(r.key, "c1");  // re-keyed by customer id
    EXPECT_EQ(r.value, (order_mail{"o1", "Ana", "ana@example.com", "Rua A 1", "Lisboa", "Livro", 2, 25.0}));
    EXPECT_EQ(r.timestamp, 10);  // the order's timestamp
    EXPECT_TRUE(mails_.is_empty());
}

TEST_P(order_mail_test, table_updates_do_not_trigger_but_are_seen_by_later_orders) {
    customers_.pipe_input("c1", customer{"c1", "Ana", "ana@example.com"}, 1);
    addresses_.pipe_input("c1", address{"c1", "Rua A 1", "Lisboa"}, 2);
    items_.pipe_input("i1", item{"i1", "Livro", 10}, 3);
    orders_.pipe_input("o1", order{"o1", "c1", "i1", 1}, 10);
    ASSERT_EQ(mails_.get_queue_size(), 1u);
    mails_.read_record();

    addresses_.pipe_input("c1", address{"c1", "Rua B 2", "Porto"}, 20);
    items_.pipe_input("i1", item{"i1", "Livro", 11}, 21);
    EXPECT_TRUE(mails_.is_empty());

    orders_.pipe_input("o2", order{"o2", "c1", "i1", 3}, 30);
    auto mail = mails_.read_value();
    EXPECT_EQ(mail->city, "Porto");
    EXPECT_DOUBLE_EQ(mail->total, 33.0);
}

TEST_P(order_mail_test, missing_customer_address_or_item_drops_the_order) {
    customers_.pipe_input("c1", customer{"c1", "Ana", "ana@example.com"}, 1);
    items_.pipe_input("i1", item{"i1", "Livro", 10}, 2);
    orders_.pipe_input("o1", order{"o1", "c1", "i1", 1}, 10);  // no address yet: inner join drops
    EXPECT_TRUE(mails_.is_empty());

    addresses_.pipe_input("c1", address{"c1", "Rua A 1", "Lisboa"}, 11);
    orders_.pipe_input("o2", order{"o2", "c1", "i9", 1}, 12);  // unknown item
    EXPECT_TRUE(mails_.is_empty());

    customers_.pipe_input("c1", std::nullopt, 13);  // customer deleted
    orders_.pipe_input("o3", order{"o3", "c1", "i1", 1}, 14);
    EXPECT_TRUE(mails_.is_empty());
}

TEST_P(order_mail_test, repartition_and_changelog_topics_are_written) {
    customers_.pipe_input("c1", customer{"c1", "Ana", "ana@example.com"}, 1);
    addresses_.pipe_input("c1", address{"c1", "Rua A 1", "Lisboa"}, 2);
    items_.pipe_input("i1", item{"i1", "Livro", 10}, 3);
    orders_.pipe_input("o1", order{"o1", "c1", "i1", 1}, 10);
    auto topics = driver_.produced_topic_names();
    auto has = [&](const std::string& t) { return std::find(topics.begin(), topics.end(), t) != topics.end(); };
    EXPECT_TRUE(has("order-mail-KSTREAM-KEY-SELECT-0000000013-repartition"));
    EXPECT_TRUE(has("order-mail-CUSTOMER-STATE-STORE-0000000000-changelog"));
    EXPECT_TRUE(has("order-mail-CUSTOMER-ADDRESS-STATE-STORE-0000000003-changelog"));
    EXPECT_FALSE(has("order-mail-ITEM-STATE-STORE-0000000009-changelog"));  // global stores are not logged

    auto store = driver_.get_key_value_store<str, customer>("CUSTOMER-STATE-STORE-0000000000", serdes::string(),
                                                            serdes::json<customer>());
    EXPECT_EQ(store.get("c1"), (customer{"c1", "Ana", "ana@example.com"}));
    auto items = driver_.get_timestamped_key_value_store<str, item>("ITEM-STATE-STORE-0000000009", serdes::string(),
                                                                    serdes::json<item>());
    EXPECT_EQ(items.get("i1")->timestamp, 3);
}

INSTANTIATE_TEST_SUITE_P(stores, order_mail_test, ::testing::Values(store_type::in_memory, store_type::rocksdb));

TEST(order_mail, copartitioning_is_checked) {
    topology t = order_mail_topology();
    auto ok = t.validate_copartitioning({{"CUSTOMER", 3}, {"CUSTOMER-ADDRESS", 3}, {"ORDER", 6}});
    ASSERT_TRUE(ok) << ok.error().message;
    // The repartition topic takes the count of the tables it joins.
    EXPECT_EQ(ok->at("KSTREAM-KEY-SELECT-0000000013-repartition"), 3);

    auto bad = t.validate_copartitioning({{"CUSTOMER", 3}, {"CUSTOMER-ADDRESS", 2}, {"ORDER", 6}});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("CUSTOMER (3 partitions)"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("CUSTOMER-ADDRESS (2 partitions)"), std::string::npos) << bad.error().message;
    EXPECT_EQ(bad.error().message.find("ITEM"), std::string::npos);  // global tables are exempt
}

}  // namespace
}  // namespace samsa::streams
