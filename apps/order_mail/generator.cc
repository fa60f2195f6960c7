#include "generator.h"

#include <ctime>

#include <fmt/format.h>

namespace samsa::apps::order_mail {

namespace {

// SplitMix64: small, fast and good enough to spread (seed, kind, index).
uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

enum kind : uint64_t { customer_kind = 1, address_kind = 2, item_kind = 3, order_kind = 4 };

// Accents on purpose: the mails exercise UTF-8 headers (RFC 2047).
const char* const first_names[] = {"Ana",    "João",   "Maria",   "José",    "Francisca", "Antônio", "Luíza",
                                   "Carlos", "Márcia", "Paulo",   "Letícia", "Sérgio",    "Beatriz", "Rafael",
                                   "Júlia",  "Mateus", "Fernanda", "Lucas",  "Camila",    "Thiago"};
const char* const last_names[] = {"Silva",  "Santos",  "Oliveira", "Souza",  "Rodrigues", "Ferreira", "Alves",
                                  "Pereira", "Lima",   "Gomes",    "Ribeiro", "Carvalho", "Araújo",   "Conceição",
                                  "Simões", "Brandão", "Gonçalves", "Müller", "Moraes",    "Fagundes"};
const char* const mail_domains[] = {"example.com", "example.org", "example.net"};
struct place {
    const char* city;
    const char* state;
    const char* zip_prefix;
};
const place places[] = {{"Porto Alegre", "RS", "90"}, {"Canoas", "RS", "92"},     {"Caxias do Sul", "RS", "95"},
                        {"Pelotas", "RS", "96"},      {"Florianópolis", "SC", "88"}, {"Curitiba", "PR", "80"},
                        {"São Paulo", "SP", "01"},    {"Rio de Janeiro", "RJ", "20"}, {"Belo Horizonte", "MG", "30"},
                        {"Gramado", "RS", "95"}};
const char* const streets[] = {"Rua dos Andradas", "Avenida Ipiranga", "Rua da Praia",      "Avenida Borges de Medeiros",
                               "Rua Padre Chagas", "Avenida Protásio Alves", "Rua Félix da Cunha", "Travessa São José",
                               "Rua Duque de Caxias", "Avenida Assis Brasil"};
struct product {
    const char* name;
    int cents;
};
const product products[] = {{"Protetor solar FPS 50", 5990}, {"Vitamina C 1g", 2450},    {"Escova de dentes macia", 1290},
                            {"Creme dental", 890},           {"Álcool em gel 70%", 1190}, {"Dipirona 500mg", 790},
                            {"Termômetro digital", 3490},    {"Hidratante facial", 4590}, {"Xampu anticaspa", 2790},
                            {"Fio dental 50m", 990},         {"Curativo adesivo", 1050},  {"Soro fisiológico", 650}};

// "joão" -> "joao": e-mail local parts stay ASCII.
std::string ascii_lower(std::string_view utf8) {
    static const std::pair<std::string_view, char> folds[] = {
        {"á", 'a'}, {"à", 'a'}, {"â", 'a'}, {"ã", 'a'}, {"é", 'e'}, {"ê", 'e'}, {"í", 'i'}, {"ó", 'o'},
        {"ô", 'o'}, {"õ", 'o'}, {"ú", 'u'}, {"ü", 'u'}, {"ç", 'c'}, {"Á", 'a'}, {"É", 'e'}, {"Ú", 'u'}};
    std::string out;
    for (size_t i = 0; i < utf8.size();) {
        bool folded = false;
        for (const auto& [from, to] : folds) {
            if (utf8.substr(i, from.size()) == from) {
                out += to;
                i += from.size();
                folded = true;
                break;
            }
        }
        if (folded) continue;
        char c = utf8[i++];
        if ((c >= 'A' && c <= 'Z')) c = static_cast<char>(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    }
    return out;
}

}  // namespace

data_generator::data_generator(generator_options options) : options_(std::move(options)) {
    if (options_.customers < 1) options_.customers = 1;
    if (options_.items < 1) options_.items = 1;
}

uint64_t data_generator::draw(uint64_t kind, int64_t index, uint64_t field) const {
    return mix(mix(mix(options_.seed ^ (kind << 56)) ^ static_cast<uint64_t>(index)) ^ field);
}

customer data_generator::customer_at(int64_t index) const {
    std::string first = pick(first_names, customer_kind, index, 1);
    std::string last = pick(last_names, customer_kind, index, 2);
    std::string id = "c" + std::to_string(index + 1);
    std::string email = ascii_lower(first) + "." + ascii_lower(last) + std::to_string(index + 1) + "@" +
                        pick(mail_domains, customer_kind, index, 3);
    return customer{id, first + " " + last, email};
}

customer_address data_generator::address_at(int64_t index) const {
    const place& p = pick(places, address_kind, index, 1);
    customer_address a;
    a.customer_id = "c" + std::to_string(index + 1);
    a.street = pick(streets, address_kind, index, 2);
    a.number = std::to_string(1 + draw(address_kind, index, 3) % 2000);
    a.city = p.city;
    a.state = p.state;
    a.zip_code = fmt::format("{}{:03d}-{:03d}", p.zip_prefix, draw(address_kind, index, 4) % 1000,
                             draw(address_kind, index, 5) % 1000);
    return a;
}

item data_generator::item_at(int64_t index) const {
    // The first items are the catalogue as is; later ones are its variants.
    constexpr auto catalogue = static_cast<int64_t>(std::size(products));
    const product& p = products[index % catalogue];
    item i;
    i.id = "i" + std::to_string(index + 1);
    i.name = index < catalogue ? p.name : fmt::format("{} (lote {})", p.name, index / catalogue + 1);
    int cents = index < catalogue ? p.cents : p.cents + static_cast<int>(draw(item_kind, index, 1) % 200);
    i.price = cents / 100.0;
    return i;
}

order data_generator::order_at(int64_t index) const {
    order o;
    o.id = options_.order_id_prefix + std::to_string(index + 1);
    o.customer_id = "c" + std::to_string(1 + draw(order_kind, index, 1) % static_cast<uint64_t>(options_.customers));
    o.item_id = "i" + std::to_string(1 + draw(order_kind, index, 2) % static_cast<uint64_t>(options_.items));
    o.quantity = 1 + static_cast<int>(draw(order_kind, index, 3) % 5);
    // Roughly 30 s apart on average, without drawing every earlier order.
    o.created_at = iso8601_utc(options_.first_order_time_ms + index * 30'000 +
                               static_cast<int64_t>(draw(order_kind, index, 4) % 30'000));
    return o;
}

std::string iso8601_utc(int64_t epoch_ms) {
    std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(epoch_ms % 1000));
}

}  // namespace samsa::apps::order_mail
