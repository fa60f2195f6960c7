#pragma once
// The order-mail demo's records, as JSON (camelCase) on the seed's topics.
// Every topic is keyed by the entity's id as a string:
//
//   CUSTOMER          key customer id  {"id","name","email"}
//   CUSTOMER-ADDRESS  key customer id  {"customerId","street","number","city","state","zipCode"}
//   ITEM              key item id      {"id","name","price"}
//   ORDER             key order id     {"id","customerId","itemId","quantity","createdAt"}
//   ORDER-MAIL        key customer id  {"orderId","customerId","to","subject","body","itemId",
//                                       "itemName","quantity","total", ...}
//
// Records written by other applications in these shapes are read: unknown
// fields are ignored, ids and the house number may be JSON strings or
// integers (Java peers often use Long ids), createdAt a string or epoch ms.
// The topology reads and writes them with serdes::fast_json (the json_fields
// below); to_json/from_json (nlohmann) serve the generator, the sender and
// the tools, and read and write the same documents (order_mail_lib_test).
// A missing required field or a wrong type is a serde_error either way; the
// application runs with
// default.deserialization.exception.handler=logAndContinue, so such a record
// is logged and skipped, never fatal.

#include <string>
#include <tuple>

#include <nlohmann/json_fwd.hpp>

#include "samsa/streams/serdes/json_fields.h"

namespace samsa::apps::order_mail {

struct customer {
    std::string id, name, email;
    bool operator==(const customer&) const = default;
};

struct customer_address {
    std::string customer_id, street, number, city, state, zip_code;
    bool operator==(const customer_address&) const = default;
};

struct item {
    std::string id, name;
    double price = 0;
    bool operator==(const item&) const = default;
};

struct order {
    std::string id, customer_id, item_id;
    int quantity = 0;
    std::string created_at;  // ISO-8601 UTC, as the generator writes it (epoch ms from others is kept as text)
    bool operator==(const order&) const = default;
};

// What the topology writes to ORDER-MAIL: everything the mail sender needs to
// write an e-mail without looking anything up.
struct order_mail {
    std::string order_id, customer_id;
    std::string to;             // the customer's e-mail address
    std::string customer_name;  // for the To: display name
    std::string subject, body;  // UTF-8 text
    std::string item_id, item_name;
    int quantity = 0;
    double unit_price = 0, total = 0;
    std::string created_at;
    bool operator==(const order_mail&) const = default;
};

// The value of CUSTOMER join CUSTOMER-ADDRESS: the two rows the join looked
// up, by reference, as a Java joiner's `new CustomerWithAddress(c, a)` refers
// to its arguments. Nothing is copied per lookup: the topology looks the
// joined table up once per order, and copying both rows into it was nine
// strings an order, moved again into order_with_customer (s21-hP). It is
// valid while the rows are: for the lookup that made it (the stream-table
// join's joiner copies what it keeps, with_customer below) and while the
// table join forwards the update that made it. So the joined table must not
// be materialized or kept past that (the topology does neither; it has no
// serde): a topology that needs the joined rows later joins into a type that
// owns them.
struct customer_with_address {
    const customer* who;
    const customer_address* where;
};

// The intermediate value of ORDER join (customer with address): the order
// and what its mail needs of the customer's rows, copied out of them once:
// the customer (its three fields go into the mail) and the delivery address
// as the mail writes it (delivery_address).
struct order_with_customer {
    order what;
    customer who;
    std::string delivery_address;
};

// Fields for serdes::fast_json, in the order they are written. Ids (and the
// house number, the state, the zip code, createdAt) may be JSON integers.
inline auto json_fields(const customer*) {
    namespace json = streams::json;
    return std::tuple{json::field("id", &customer::id, json::text_or_integer{}), json::field("name", &customer::name),
                      json::field("email", &customer::email)};
}
inline auto json_fields(const customer_address*) {
    namespace json = streams::json;
    using a = customer_address;
    return std::tuple{json::field("customerId", &a::customer_id, json::text_or_integer{}),
                      json::field("street", &a::street),
                      json::optional_field("number", &a::number, json::text_or_integer{}),
                      json::field("city", &a::city),
                      json::optional_field("state", &a::state, json::text_or_integer{}),
                      json::optional_field("zipCode", &a::zip_code, json::text_or_integer{})};
}
inline auto json_fields(const item*) {
    namespace json = streams::json;
    return std::tuple{json::field("id", &item::id, json::text_or_integer{}), json::field("name", &item::name),
                      json::field("price", &item::price)};
}
inline auto json_fields(const order*) {
    namespace json = streams::json;
    return std::tuple{json::field("id", &order::id, json::text_or_integer{}),
                      json::field("customerId", &order::customer_id, json::text_or_integer{}),
                      json::field("itemId", &order::item_id, json::text_or_integer{}),
                      json::field("quantity", &order::quantity),
                      json::optional_field("createdAt", &order::created_at, json::text_or_integer{})};
}
inline auto json_fields(const order_mail*) {
    namespace json = streams::json;
    using m = order_mail;
    return std::tuple{json::field("orderId", &m::order_id, json::text_or_integer{}),
                      json::field("customerId", &m::customer_id, json::text_or_integer{}),
                      json::field("to", &m::to),
                      json::optional_field("customerName", &m::customer_name),
                      json::field("subject", &m::subject),
                      json::field("body", &m::body),
                      json::field("itemId", &m::item_id, json::text_or_integer{}),
                      json::field("itemName", &m::item_name),
                      json::field("quantity", &m::quantity),
                      json::optional_field("unitPrice", &m::unit_price),
                      json::field("total", &m::total),
                      json::optional_field("createdAt", &m::created_at, json::text_or_integer{})};
}

void to_json(nlohmann::json& j, const customer& v);
void from_json(const nlohmann::json& j, customer& v);
void to_json(nlohmann::json& j, const customer_address& v);
void from_json(const nlohmann::json& j, customer_address& v);
void to_json(nlohmann::json& j, const item& v);
void from_json(const nlohmann::json& j, item& v);
void to_json(nlohmann::json& j, const order& v);
void from_json(const nlohmann::json& j, order& v);
void to_json(nlohmann::json& j, const order_mail& v);
void from_json(const nlohmann::json& j, order_mail& v);

// The mail's delivery address line: "Rua A, 12 - Canoas/RS - CEP 92000-000",
// leaving out the number, the state and the zip code when they are empty.
std::string delivery_address(const customer_address& a);

// The topology's ORDER join (customer with address) joiner: the order moves
// in, and what the mail needs is copied out of the rows the join lent.
order_with_customer with_customer(order&& o, const customer_with_address& c);

// The e-mail for one order (Portuguese, as the seed's audience): the value
// joiner's last step, a pure function so tests can call it directly.
order_mail compose_order_mail(const order& o, const customer& who, const customer_address& where, const item& i);
// The same mail from a joined order the caller hands over: the order's and
// the customer's strings move into the mail instead of being copied (the
// topology's joiner owns the joined value; s19-hE).
order_mail compose_order_mail(order_with_customer&& oc, const item& i);

}  // namespace samsa::apps::order_mail
