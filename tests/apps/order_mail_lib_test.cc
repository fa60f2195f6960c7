// The order-mail library: record JSON shapes (and the records that must be
// refused), the topology's describe() against Kafka Streams' text, the
// topology through the test driver, and the generator's determinism.
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "order_mail/generator.h"
#include "order_mail/records.h"
#include "order_mail/topology.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/testing/topology_test_driver.h"

namespace samsa::apps::order_mail {
namespace {

using nlohmann::json;
namespace serdes = streams::serdes;

std::string golden(const std::string& name) {
    const char* root = std::getenv("SAMSA_SOURCE_DIR");
    std::string dir = root ? std::string(root) + "/tests/streams/golden/" : std::string(SAMSA_GOLDEN_DIR);
    std::ifstream in(dir + name + ".txt", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Reads text with the topology's serde (fast_json) and expects nlohmann's
// from_json to read the same.
template<class T>
T read(const std::string& text) {
    auto bytes = samsa::bytes(text.begin(), text.end());
    T fast = serdes::fast_json<T>().deserialize("T", bytes);
    EXPECT_TRUE(fast == serdes::json<T>().deserialize("T", bytes)) << text;
    return fast;
}

template<class T>
void expect_refused(const std::string& text) {
    auto bytes = samsa::bytes(text.begin(), text.end());
    EXPECT_THROW(serdes::fast_json<T>().deserialize("T", bytes), streams::serde_error) << text;
    EXPECT_THROW(serdes::json<T>().deserialize("T", bytes), streams::serde_error) << text;
}

// What fast_json writes is the document nlohmann's to_json makes.
template<class T>
void expect_same_document(const T& v) {
    samsa::bytes fast = serdes::fast_json<T>().serialize("T", v);
    EXPECT_EQ(json::parse(fast.begin(), fast.end()), json(v)) << std::string(fast.begin(), fast.end());
}

TEST(order_mail_topology, describe_matches_kafka_streams) {
    std::string expected = golden("01-order-mail");
    ASSERT_FALSE(expected.empty()) << "golden file not found";
    EXPECT_EQ(build_order_mail_topology().describe().to_string(), expected);
    EXPECT_EQ(build_order_mail_topology({.stores = streams::store_type::in_memory}).describe().to_string(), expected);
}

TEST(order_mail_records, read_the_issue_shapes_with_extra_fields_and_long_ids) {
    EXPECT_EQ(read<customer>(R"({"id":"c1","name":"Ana","email":"ana@example.com","vip":true})"),
              (customer{"c1", "Ana", "ana@example.com"}));
    EXPECT_EQ(read<customer>(R"({"id":17,"name":"Ana","email":"a@x"})").id, "17");  // a Java Long id
    EXPECT_EQ(read<customer_address>(R"({"customerId":"c1","street":"Rua A","number":12,"city":"Canoas",)"
                                     R"("state":"RS","zipCode":"92000-000"})"),
              (customer_address{"c1", "Rua A", "12", "Canoas", "RS", "92000-000"}));
    EXPECT_EQ(read<item>(R"({"id":"i1","name":"Café","price":12.5})"), (item{"i1", "Café", 12.5}));
    EXPECT_EQ(read<order>(R"({"id":"o1","customerId":"c1","itemId":"i1","quantity":2,"createdAt":"2021-08-12T09:00:00Z"})"),
              (order{"o1", "c1", "i1", 2, "2021-08-12T09:00:00Z"}));
    EXPECT_EQ(read<order>(R"({"id":"o1","customerId":"c1","itemId":"i1","quantity":2,"createdAt":1628758800000})")
                  .created_at,
              "1628758800000");
}

TEST(order_mail_records, write_camel_case) {
    json j = order{"o1", "c1", "i1", 2, "t"};
    EXPECT_EQ(j, json::parse(R"({"id":"o1","customerId":"c1","itemId":"i1","quantity":2,"createdAt":"t"})"));
    json a = customer_address{"c1", "Rua A", "12", "Canoas", "RS", "92000-000"};
    EXPECT_EQ(a, json::parse(R"({"customerId":"c1","street":"Rua A","number":"12","city":"Canoas","state":"RS",)"
                             R"("zipCode":"92000-000"})"));
    json m = compose_order_mail(order{"o1", "c1", "i1", 2, "t"},
                                customer{"c1", "Ana", "ana@example.com"}, customer_address{"c1", "Rua A", "1", "X", "RS", ""},
                                item{"i1", "Café", 12.5});
    for (const char* field : {"orderId", "customerId", "to", "subject", "body", "itemId", "itemName", "quantity", "total"}) {
        EXPECT_TRUE(m.contains(field)) << field;
    }
    EXPECT_EQ(m["to"], "ana@example.com");
    EXPECT_DOUBLE_EQ(m["total"].get<double>(), 25.0);
    EXPECT_EQ(read<order_mail>(m.dump()), m.get<order_mail>());
}

TEST(order_mail_records, fast_json_writes_the_documents_to_json_writes) {
    expect_same_document(customer{"c1", "Ana \"A\"", "ana@example.com"});
    expect_same_document(customer_address{"c1", "Rua A", "12", "Canoas", "RS", "92000-000"});
    expect_same_document(customer_address{"c1", "Rua A", "", "Canoas", "", ""});
    expect_same_document(item{"i1", "Café", 12.5});
    expect_same_document(item{"i2", "x", 3});
    expect_same_document(order{"o1", "c1", "i1", 2, "2021-08-12T09:00:00Z"});
    expect_same_document(compose_order_mail(
        order{"o1", "c1", "i1", 2, "t"},
        customer{"c1", "Ana", "ana@example.com"}, customer_address{"c1", "Rua A", "1", "X", "RS", ""},
        item{"i1", "Café\n", 12.5}));
}

TEST(order_mail_records, records_that_do_not_parse_are_serde_errors) {
    // serde_error is what default.deserialization.exception.handler=logAndContinue skips.
    expect_refused<customer>("not json");
    expect_refused<customer>(R"(["c1"])");
    expect_refused<customer>(R"({"id":"c1","name":"Ana"})");          // no email
    expect_refused<customer>(R"({"id":1.5,"name":"Ana","email":"a"})");  // id neither string nor integer
    expect_refused<order>(R"({"id":"o1","customerId":"c1","itemId":"i1","quantity":"two"})");
    expect_refused<item>(R"({"id":"i1","name":"x","price":"free"})");
    expect_refused<customer_address>(R"({"customerId":"c1","city":"X"})");  // no street
    expect_refused<order>("{\"id\":\"o\xff\"}");                             // not UTF-8
    EXPECT_EQ(order_mail_properties("h:1")["default.deserialization.exception.handler"], "logAndContinue");
    EXPECT_EQ(order_mail_properties("h:1")["application.id"], "order-mail");
    EXPECT_EQ(order_mail_properties("h:1")["producer.linger.ms"], "1");
    EXPECT_EQ(order_mail_properties("h:1")["consumer.fetch.wait.max.ms"], "100");
}

TEST(order_mail_records, the_mail_speaks_portuguese_and_sums_the_total) {
    auto m = compose_order_mail(order{"o7", "c1", "i1", 3, "t"},
                                customer{"c1", "João", "joao@example.com"},
                                customer_address{"c1", "Rua da Praia", "1000", "Porto Alegre", "RS", "90010-000"},
                                item{"i1", "Álcool em gel 70%", 1234.5});
    EXPECT_EQ(m.subject, "Pedido o7 confirmado: 3 × Álcool em gel 70%");
    EXPECT_NE(m.body.find("Olá, João!"), std::string::npos) << m.body;
    EXPECT_NE(m.body.find("Total: R$ 3.703,50"), std::string::npos) << m.body;
    EXPECT_NE(m.body.find("Rua da Praia, 1000 - Porto Alegre/RS - CEP 90010-000"), std::string::npos) << m.body;
    EXPECT_DOUBLE_EQ(m.total, 3703.5);
}

// The whole text, byte for byte, for the shapes the body's pieces take:
// with and without number, state and zip code, prices below a thousand,
// in the thousands and millions (grouping), and a negative one.
TEST(order_mail_records, the_mail_text_is_exactly_the_same_for_every_shape_of_address_and_price) {
    auto mail = [](int quantity, double price, customer_address where) {
        return compose_order_mail(order{"o1", "c1", "i1", quantity, "t"},
                                  customer{"c1", "Ana", "ana@example.com"}, where,
                                  item{"i1", "Café", price});
    };
    auto full = mail(2, 12.5, {"c1", "Rua A", "12", "Canoas", "RS", "92000-000"});
    EXPECT_EQ(full.subject, "Pedido o1 confirmado: 2 × Café");
    EXPECT_EQ(full.body,
              "Olá, Ana!\n\nRecebemos o seu pedido o1:\n\n  2 × Café (R$ 12,50 cada)\n  Total: R$ 25,00\n\n"
              "Ele será entregue em:\n  Rua A, 12 - Canoas/RS - CEP 92000-000\n\nObrigado pela preferência!\n");
    EXPECT_EQ(mail(3, 456789.125, {"c1", "Rua B", "", "X", "", ""}).body,
              "Olá, Ana!\n\nRecebemos o seu pedido o1:\n\n  3 × Café (R$ 456.789,13 cada)\n  Total: R$ 1.370.367,38\n\n"
              "Ele será entregue em:\n  Rua B - X\n\nObrigado pela preferência!\n");
    EXPECT_EQ(mail(1, 0.07, {"c1", "", "", "", "", "1"}).body,
              "Olá, Ana!\n\nRecebemos o seu pedido o1:\n\n  1 × Café (R$ 0,07 cada)\n  Total: R$ 0,07\n\n"
              "Ele será entregue em:\n   -  - CEP 1\n\nObrigado pela preferência!\n");
    // A refund-like negative price: the text the first version wrote.
    EXPECT_NE(mail(1, -1234.5, {"c1", "R", "", "C", "", ""}).body.find("(R$ -1.234,-50 cada)"), std::string::npos);
    EXPECT_NE(mail(1, -0.05, {"c1", "R", "", "C", "", ""}).body.find("(R$ 0,-5 cada)"), std::string::npos);
    EXPECT_EQ(mail(12, 1.5, {"c1", "R", "", "C", "", ""}).subject, "Pedido o1 confirmado: 12 × Café");
}

// The topology's joiners: the first copies what the mail needs out of the
// rows the table join lends (with_customer; customer_with_address only
// refers to them), the second hands the joined order over (compose_order_mail's
// && overload moves its strings into the mail). The mail must be the one the
// const& overload writes from the rows, with strings long enough to live on
// the heap (a move that read a field after moving it would show here), for
// every shape of address.
TEST(order_mail_records, a_handed_over_order_makes_the_same_mail) {
    const order o{"order-with-a-long-identifier-0001", "customer-with-a-long-identifier-0002",
                  "item-with-a-long-identifier-0003", 4, "2021-08-12T09:00:00.000Z"};
    const customer who{"customer-with-a-long-identifier-0002", "Maria da Conceição Albuquerque",
                       "maria.conceicao@example.com"};
    const item i{"item-with-a-long-identifier-0003", "Álcool em gel 70% (frasco de 500 ml)", 19.9};
    for (const customer_address& where :
         {customer_address{"customer-with-a-long-identifier-0002", "Avenida Borges de Medeiros", "1501", "Porto Alegre",
                           "RS", "90119-900"},
          customer_address{"c", "Rua B", "", "X", "", ""}, customer_address{"c", "", "", "", "", "1"}}) {
        const order_mail copied = compose_order_mail(o, who, where, i);
        order_with_customer joined = with_customer(order(o), customer_with_address{&who, &where});
        EXPECT_EQ(joined.what, o);
        EXPECT_EQ(joined.who, who);
        EXPECT_EQ(joined.delivery_address, delivery_address(where));
        EXPECT_EQ(compose_order_mail(std::move(joined), i), copied);
        EXPECT_EQ(copied.order_id, o.id);
        EXPECT_EQ(copied.to, who.email);
        EXPECT_NE(copied.body.find(o.id), std::string::npos);
        EXPECT_NE(copied.body.find(who.name), std::string::npos);
        EXPECT_NE(copied.body.find(delivery_address(where)), std::string::npos);
    }
    EXPECT_EQ(delivery_address({"c", "Rua A", "12", "Canoas", "RS", "92000-000"}), "Rua A, 12 - Canoas/RS - CEP 92000-000");
    EXPECT_EQ(delivery_address({"c", "Rua B", "", "X", "", ""}), "Rua B - X");
}

TEST(order_mail_generator, same_seed_same_records_other_seed_other_records) {
    data_generator a({.seed = 7, .customers = 50, .items = 30});
    data_generator b({.seed = 7, .customers = 50, .items = 30});
    data_generator c({.seed = 8, .customers = 50, .items = 30});
    int differ = 0;
    for (int64_t i = 0; i < 50; ++i) {
        EXPECT_EQ(a.customer_at(i), b.customer_at(i));
        EXPECT_EQ(a.address_at(i), b.address_at(i));
        EXPECT_EQ(a.order_at(i), b.order_at(i));
        differ += a.customer_at(i) != c.customer_at(i) || a.order_at(i) != c.order_at(i);
    }
    EXPECT_GT(differ, 40);
    EXPECT_EQ(a.order_at(1234), b.order_at(1234));  // random access, no state
    EXPECT_EQ(a.customer_at(0).id, "c1");
    EXPECT_EQ(a.address_at(0).customer_id, "c1");
    EXPECT_EQ(a.item_at(29).id, "i30");
    EXPECT_EQ(data_generator({.order_id_prefix = "run2-"}).order_at(0).id, "run2-1");
}

TEST(order_mail_generator, orders_reference_generated_customers_and_items) {
    data_generator g({.seed = 1, .customers = 10, .items = 4});
    std::set<std::string> customers, items, emails;
    for (int64_t i = 0; i < 10; ++i) customers.insert(g.customer_at(i).id), emails.insert(g.customer_at(i).email);
    for (int64_t i = 0; i < 4; ++i) items.insert(g.item_at(i).id);
    EXPECT_EQ(emails.size(), 10u);  // unique addresses
    for (int64_t i = 0; i < 1000; ++i) {
        order o = g.order_at(i);
        EXPECT_TRUE(customers.count(o.customer_id)) << o.customer_id;
        EXPECT_TRUE(items.count(o.item_id)) << o.item_id;
        EXPECT_GE(o.quantity, 1);
        EXPECT_LE(o.quantity, 5);
    }
    EXPECT_EQ(g.order_at(0).created_at.substr(0, 16), "2021-08-12T09:00");
    EXPECT_EQ(iso8601_utc(1628758800123), "2021-08-12T09:00:00.123Z");
    for (int64_t i = 0; i < 10; ++i) {
        for (char ch : g.customer_at(i).email) EXPECT_LT(static_cast<unsigned char>(ch), 0x80) << g.customer_at(i).email;
    }
}

TEST(order_mail_topology, generated_data_through_the_driver_yields_one_mail_per_order) {
    streams::testing::topology_test_driver driver(build_order_mail_topology({.stores = streams::store_type::in_memory}),
                                                  order_mail_properties("unused:9092"));
    auto customers = driver.create_input_topic(customer_topic, serdes::string(), serdes::json<customer>());
    auto addresses = driver.create_input_topic(customer_address_topic, serdes::string(), serdes::json<customer_address>());
    auto items = driver.create_input_topic(item_topic, serdes::string(), serdes::json<item>());
    auto orders = driver.create_input_topic(order_topic, serdes::string(), serdes::json<order>());
    auto mails = driver.create_output_topic(order_mail_topic, serdes::string(), serdes::json<order_mail>());

    data_generator g({.seed = 3, .customers = 20, .items = 5});
    for (int64_t i = 0; i < 20; ++i) {
        customers.pipe_input(g.customer_at(i).id, g.customer_at(i), i);
        addresses.pipe_input(g.address_at(i).customer_id, g.address_at(i), i);
    }
    for (int64_t i = 0; i < 5; ++i) items.pipe_input(g.item_at(i).id, g.item_at(i), i);
    for (int64_t i = 0; i < 100; ++i) orders.pipe_input(g.order_at(i).id, g.order_at(i), 100 + i);

    auto out = mails.read_key_values_to_list();
    ASSERT_EQ(out.size(), 100u);
    for (int64_t i = 0; i < 100; ++i) {
        order o = g.order_at(i);
        EXPECT_EQ(out[static_cast<size_t>(i)].key, o.customer_id);  // re-keyed by customer id
        const order_mail& m = *out[static_cast<size_t>(i)].value;
        EXPECT_EQ(m.order_id, o.id);
        EXPECT_EQ(m.to, g.customer_at(std::stoll(o.customer_id.substr(1)) - 1).email);
        EXPECT_EQ(m.item_name, g.item_at(std::stoll(o.item_id.substr(1)) - 1).name);
    }
}

}  // namespace
}  // namespace samsa::apps::order_mail
