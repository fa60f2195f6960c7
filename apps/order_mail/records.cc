#include "records.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

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

// An integer as decimal text, for append_all.
class decimal {
public:
    explicit decimal(long long n) : size_(static_cast<size_t>(std::to_chars(text_, text_ + sizeof text_, n).ptr - text_)) {}
    std::string_view view() const { return {text_, size_}; }

private:
    char text_[24];
    size_t size_;
};

// An amount as "R$ 1.234,50", for append_all: Brazilian grouping and decimal comma.
class brl {
public:
    explicit brl(double amount) {
        auto cents = static_cast<long long>(std::llround(amount * 100));
        char whole[24];
        const char* end = std::to_chars(whole, whole + sizeof whole, cents / 100).ptr;
        const auto digits = static_cast<size_t>(end - whole);
        char* p = text_;
        *p++ = 'R';
        *p++ = '$';
        *p++ = ' ';
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
        p = std::to_chars(p, text_ + sizeof text_, hundredths).ptr;
        size_ = static_cast<size_t>(p - text_);
    }
    std::string_view view() const { return {text_, size_}; }

private:
    char text_[64];
    size_t size_;
};

// A piece written only when value is not empty, after its prefix (", 12").
struct if_any {
    std::string_view prefix, value;
};

// The pieces append_all writes: literals (their size known when compiled),
// strings, the number texts above and if_any.
template<size_t N>
constexpr size_t piece_size(const char (&)[N]) { return N - 1; }
inline size_t piece_size(std::string_view s) { return s.size(); }
inline size_t piece_size(const decimal& d) { return d.view().size(); }
inline size_t piece_size(const brl& b) { return b.view().size(); }
inline size_t piece_size(const if_any& x) { return x.value.empty() ? 0 : x.prefix.size() + x.value.size(); }

template<size_t N>
char* put_piece(char* p, const char (&literal)[N]) {
    std::memcpy(p, literal, N - 1);
    return p + N - 1;
}
inline char* put_piece(char* p, std::string_view s) {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return p + s.size();
}
inline char* put_piece(char* p, const decimal& d) { return put_piece(p, d.view()); }
inline char* put_piece(char* p, const brl& b) { return put_piece(p, b.view()); }
inline char* put_piece(char* p, const if_any& x) {
    return x.value.empty() ? p : put_piece(put_piece(p, x.prefix), x.value);
}

// Appends the pieces to out, sized once: the mail's text is some 25 pieces,
// and appending them one by one (a call, a capacity check and, for
// literals, a strlen each, and a reallocation when the guess of its size
// fell short) was most of the mail's cost (s21-hP).
template<class... Pieces>
void append_all(std::string& out, const Pieces&... pieces) {
    const size_t at = out.size();
    out.resize(at + (piece_size(pieces) + ...));
    char* p = out.data() + at;
    ((p = put_piece(p, pieces)), ...);
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

// The mail's subject and body, from the fields of m already set (the order's,
// the customer's and the item's) and the delivery address.
void write_mail_text(order_mail& m, std::string_view delivery) {
    const decimal quantity(m.quantity);
    append_all(m.subject, "Pedido ", m.order_id, " confirmado: ", quantity, " × ", m.item_name);
    append_all(m.body, "Olá, ", m.customer_name, "!\n\nRecebemos o seu pedido ", m.order_id, ":\n\n  ", quantity,
               " × ", m.item_name, " (", brl(m.unit_price), " cada)\n  Total: ", brl(m.total),
               "\n\nEle será entregue em:\n  ", delivery, "\n\nObrigado pela preferência!\n");
}

}  // namespace

std::string delivery_address(const customer_address& a) {
    std::string line;
    append_all(line, a.street, if_any{", ", a.number}, " - ", a.city, if_any{"/", a.state},
               if_any{" - CEP ", a.zip_code});
    return line;
}

order_with_customer with_customer(order&& o, const customer_with_address& c) {
    return order_with_customer{std::move(o), *c.who, delivery_address(*c.where)};
}

order_mail compose_order_mail(const order& o, const customer& who, const customer_address& where, const item& i) {
    order_mail m{.order_id = o.id,
                 .customer_id = who.id,
                 .to = who.email,
                 .customer_name = who.name,
                 .item_id = i.id,
                 .item_name = i.name,
                 .quantity = o.quantity,
                 .unit_price = i.price,
                 .total = o.quantity * i.price,
                 .created_at = o.created_at};
    write_mail_text(m, delivery_address(where));
    return m;
}

order_mail compose_order_mail(order_with_customer&& oc, const item& i) {
    // The mail is made with the order's and the customer's strings moved in
    // (constructed, not assigned), then its text is written from its fields.
    order_mail m{.order_id = std::move(oc.what.id),
                 .customer_id = std::move(oc.who.id),
                 .to = std::move(oc.who.email),
                 .customer_name = std::move(oc.who.name),
                 .item_id = i.id,
                 .item_name = i.name,
                 .quantity = oc.what.quantity,
                 .unit_price = i.price,
                 .total = oc.what.quantity * i.price,
                 .created_at = std::move(oc.what.created_at)};
    write_mail_text(m, oc.delivery_address);
    return m;
}

}  // namespace samsa::apps::order_mail
