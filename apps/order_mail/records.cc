#include "records.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace samsa::apps::order_mail {

namespace {

using nlohmann::json;

// An id-like field: a JSON string, or an integer written as its decimal text
// (Java producers often use Long ids). Anything else throws json type_error,
// which serdes::json reports as serde_error (a deserialization error).
std::string text_field(const json& j, const char* name) {
    const json& v = j.at(name);
    if (v.is_number_integer()) return v.dump();
    return v.get<std::string>();  // throws type_error naming the type found
}

// A field other producers may leave out.
std::string optional_text_field(const json& j, const char* name) {
    return j.contains(name) && !j.at(name).is_null() ? text_field(j, name) : std::string();
}

void append_integer(std::string& out, long long n) {
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
}

// Appends "R$ 1.234,50" to out: Brazilian grouping and decimal comma.
// Written in a local buffer and appended once.
void append_brl(std::string& out, double amount) {
    auto cents = static_cast<long long>(std::llround(amount * 100));
    char whole[24];
    const char* end = std::to_chars(whole, whole + sizeof whole, cents / 100).ptr;
    const auto digits = static_cast<size_t>(end - whole);
    char text[64] = {'R', '$', ' '};
    char* p = text + 3;
    // A '.' before every third character counted from the right, none first.
    for (size_t k = 0; k < digits; ++k) {
        if (k > 0 && (digits - k) % 3 == 0) *p++ = '.';
        *p++ = whole[k];
    }
    // Two digits, as printf's %02d writes them (a negative amount's sign
    // counts in the width: -5 stays "-5").
    const auto hundredths = static_cast<int>(cents % 100);
    *p++ = ',';
    if (hundredths >= 0 && hundredths < 10) *p++ = '0';
    p = std::to_chars(p, text + sizeof text, hundredths).ptr;
    out.append(text, p);
}

}  // namespace

// Fields are assigned one by one: nlohmann's initializer-list form copies
// each value through temporaries, which profiled as a tenth of the
// order-mail stream thread (the output is the same: keys sort either way).
void to_json(json& j, const customer& v) {
    j = json::object();
    j["id"] = v.id;
    j["name"] = v.name;
    j["email"] = v.email;
}
void from_json(const json& j, customer& v) {
    v.id = text_field(j, "id");
    j.at("name").get_to(v.name);
    j.at("email").get_to(v.email);
}

void to_json(json& j, const customer_address& v) {
    j = json::object();
    j["customerId"] = v.customer_id;
    j["street"] = v.street;
    j["number"] = v.number;
    j["city"] = v.city;
    j["state"] = v.state;
    j["zipCode"] = v.zip_code;
}
void from_json(const json& j, customer_address& v) {
    v.customer_id = text_field(j, "customerId");
    j.at("street").get_to(v.street);
    v.number = optional_text_field(j, "number");
    j.at("city").get_to(v.city);
    v.state = optional_text_field(j, "state");
    v.zip_code = optional_text_field(j, "zipCode");
}

void to_json(json& j, const item& v) {
    j = json::object();
    j["id"] = v.id;
    j["name"] = v.name;
    j["price"] = v.price;
}
void from_json(const json& j, item& v) {
    v.id = text_field(j, "id");
    j.at("name").get_to(v.name);
    j.at("price").get_to(v.price);
}

void to_json(json& j, const order& v) {
    j = json::object();
    j["id"] = v.id;
    j["customerId"] = v.customer_id;
    j["itemId"] = v.item_id;
    j["quantity"] = v.quantity;
    j["createdAt"] = v.created_at;
}
void from_json(const json& j, order& v) {
    v.id = text_field(j, "id");
    v.customer_id = text_field(j, "customerId");
    v.item_id = text_field(j, "itemId");
    j.at("quantity").get_to(v.quantity);
    v.created_at = optional_text_field(j, "createdAt");
}

void to_json(json& j, const order_mail& v) {
    j = json::object();
    j["orderId"] = v.order_id;
    j["customerId"] = v.customer_id;
    j["to"] = v.to;
    j["customerName"] = v.customer_name;
    j["subject"] = v.subject;
    j["body"] = v.body;
    j["itemId"] = v.item_id;
    j["itemName"] = v.item_name;
    j["quantity"] = v.quantity;
    j["unitPrice"] = v.unit_price;
    j["total"] = v.total;
    j["createdAt"] = v.created_at;
}
void from_json(const json& j, order_mail& v) {
    v.order_id = text_field(j, "orderId");
    v.customer_id = text_field(j, "customerId");
    j.at("to").get_to(v.to);
    v.customer_name = j.value("customerName", std::string());
    j.at("subject").get_to(v.subject);
    j.at("body").get_to(v.body);
    v.item_id = text_field(j, "itemId");
    j.at("itemName").get_to(v.item_name);
    j.at("quantity").get_to(v.quantity);
    v.unit_price = j.value("unitPrice", 0.0);
    j.at("total").get_to(v.total);
    v.created_at = optional_text_field(j, "createdAt");
}

namespace {

// The mail's subject and body, and the fields taken from the item and the
// quantity; the caller sets the order's and the customer's own fields.
void write_mail_text(order_mail& m, const order& o, const customer_with_address& c, const item& i) {
    m.item_id = i.id;
    m.item_name = i.name;
    m.quantity = o.quantity;
    m.unit_price = i.price;
    m.total = o.quantity * i.price;
    // Written piece by piece into the two strings: fmt::format and the
    // address's and prices' temporaries were a fifth of the app's
    // instructions per order.
    m.subject.reserve(32 + o.id.size() + i.name.size());
    m.subject.append("Pedido ").append(o.id).append(" confirmado: ");
    append_integer(m.subject, o.quantity);
    m.subject.append(" × ").append(i.name);
    const customer_address& a = c.where;
    std::string& b = m.body;
    b.reserve(256 + c.who.name.size() + i.name.size() + a.street.size() + a.city.size());
    b.append("Olá, ").append(c.who.name).append("!\n\nRecebemos o seu pedido ").append(o.id).append(":\n\n  ");
    append_integer(b, o.quantity);
    b.append(" × ").append(i.name).append(" (");
    append_brl(b, i.price);
    b += " cada)\n  Total: ";
    append_brl(b, m.total);
    b += "\n\nEle será entregue em:\n  ";
    b += a.street;
    if (!a.number.empty()) b.append(", ").append(a.number);
    b.append(" - ").append(a.city);
    if (!a.state.empty()) b.append("/").append(a.state);
    if (!a.zip_code.empty()) b.append(" - CEP ").append(a.zip_code);
    b += "\n\nObrigado pela preferência!\n";
}

}  // namespace

order_mail compose_order_mail(const order& o, const customer_with_address& c, const item& i) {
    order_mail m;
    write_mail_text(m, o, c, i);
    m.order_id = o.id;
    m.customer_id = c.who.id;
    m.to = c.who.email;
    m.customer_name = c.who.name;
    m.created_at = o.created_at;
    return m;
}

order_mail compose_order_mail(order_with_customer&& oc, const item& i) {
    order_mail m;
    // The text reads the fields before they move.
    write_mail_text(m, oc.what, oc.who, i);
    m.order_id = std::move(oc.what.id);
    m.customer_id = std::move(oc.who.who.id);
    m.to = std::move(oc.who.who.email);
    m.customer_name = std::move(oc.who.who.name);
    m.created_at = std::move(oc.what.created_at);
    return m;
}

}  // namespace samsa::apps::order_mail
