// samsa-bench-order-mail: the seed's order-mail topology in the topology test
// driver on realistic JSON input, with in-memory and with RocksDB stores, next to a
// hand-written loop that parses the same JSON, looks up the same maps and
// builds and serialises the same output (the ceiling). Each mode runs in its
// own child process so its peak RSS (VmHWM) is its own.
//
//   samsa-bench-order-mail [--customers N] [--items N] [--orders N] [--rounds N]
//                          [--mode in_memory|rocksdb|loop|loop+repartition] [--serde fast_json|nlohmann]
//                          [--clock wall|cpu]
//
// --serde: the JSON serde of every topic, on both sides (the topology's
// serdes and the loop's reads and writes are the same serde objects):
// fast_json (json_fields.h, what apps/order_mail uses; the default) or
// nlohmann (serdes::json, the figures before 2026-12-03).
// --clock cpu: rates per CPU second of the mode's process instead of per
// wall-clock second, for a box shared with other work (time spent waiting
// for a core is not counted; cache and memory contention still is).
//
// The default (10k customers with addresses, 1k items, 100k orders) runs in
// well under two minutes on a loaded 2-core box; the scale is
//   samsa-bench-order-mail --customers 100000 --items 1000 --orders 1000000
//
// Prints one line per mode: records/s over all input records (tables and
// orders) and over orders alone, peak RSS; then the ratios to the loop and to
// the loop that also puts each order through JSON and back once, as the
// topology's repartition topic must (what no implementation can beat).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "samsa/streams/serdes/json_fields.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/testing/topology_test_driver.h"

namespace {

using namespace samsa::streams;
using str = std::string;

struct customer {
    str id, name, email;
};
struct address {
    str customer_id, street, city;
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
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(customer, id, name, email)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(address, customer_id, street, city)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(order, id, customer_id, item_id, quantity)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(item, id, name, price)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(order_mail, order_id, customer_name, email, street, city, item_name, quantity, total)

// The same fields for serdes::fast_json.
namespace json = samsa::streams::json;
auto json_fields(const customer*) {
    return std::tuple{json::field("id", &customer::id), json::field("name", &customer::name),
                      json::field("email", &customer::email)};
}
auto json_fields(const address*) {
    return std::tuple{json::field("customer_id", &address::customer_id), json::field("street", &address::street),
                      json::field("city", &address::city)};
}
auto json_fields(const order*) {
    return std::tuple{json::field("id", &order::id), json::field("customer_id", &order::customer_id),
                      json::field("item_id", &order::item_id), json::field("quantity", &order::quantity)};
}
auto json_fields(const item*) {
    return std::tuple{json::field("id", &item::id), json::field("name", &item::name), json::field("price", &item::price)};
}
auto json_fields(const order_mail*) {
    using m = order_mail;
    return std::tuple{json::field("order_id", &m::order_id), json::field("customer_name", &m::customer_name),
                      json::field("email", &m::email),         json::field("street", &m::street),
                      json::field("city", &m::city),           json::field("item_name", &m::item_name),
                      json::field("quantity", &m::quantity),   json::field("total", &m::total)};
}

bool use_nlohmann = false;  // --serde nlohmann

// The serde of every topic, the topology's and the loop's alike.
template<class T>
serde<T> json_serde() {
    return use_nlohmann ? serdes::json<T>() : serdes::fast_json<T>();
}

// The rows the table join looked up, by reference, as the app's
// customer_with_address (valid for the lookup that made it; s21-hP).
struct customer_with_address {
    const customer* c;
    const address* a;
};
// The order and what its mail needs of the rows, copied out of them once.
struct order_with_customer {
    order o;
    str name, email, street, city;
};

order_mail make_mail(const order& o, const customer& c, const address& a, const item& i) {
    return order_mail{o.id, c.name, c.email, a.street, a.city, i.name, o.quantity, o.quantity * i.price};
}
// The topology's joiner owns the joined order (the join hands it over): its
// strings move into the mail, as the app's compose_order_mail(&&) does.
order_mail make_mail(order_with_customer&& oc, const item& i) {
    return order_mail{std::move(oc.o.id), std::move(oc.name), std::move(oc.email), std::move(oc.street),
                      std::move(oc.city), i.name, oc.o.quantity, oc.o.quantity * i.price};
}

topology order_mail_topology(store_type stores) {
    streams_builder b;
    auto customers = b.table("CUSTOMER", consumed<str, customer>::with(serdes::string(), json_serde<customer>()),
                             materialized<str, customer>::as(stores));
    auto addresses = b.table("CUSTOMER-ADDRESS", consumed<str, address>::with(serdes::string(), json_serde<address>()),
                             materialized<str, address>::as(stores));
    auto with_address = customers.join(
        addresses, [](const customer& c, const address& a) { return customer_with_address{&c, &a}; });
    auto items = b.global_table("ITEM", consumed<str, item>::with(serdes::string(), json_serde<item>()),
                                materialized<str, item>::as(stores));
    b.stream("ORDER", consumed<str, order>::with(serdes::string(), json_serde<order>()))
        .select_key([](const str&, const order& o) { return o.customer_id; })
        .join(with_address,
              [](order&& o, const customer_with_address& ca) {
                  return order_with_customer{std::move(o), ca.c->name, ca.c->email, ca.a->street, ca.a->city};
              })
        .join(items, [](const str&, const order_with_customer& oc) -> const str& { return oc.o.item_id; },
              [](order_with_customer&& oc, const item& i) { return make_mail(std::move(oc), i); })
        .to("ORDER-MAIL", produced<str, order_mail>::with(serdes::string(), json_serde<order_mail>()));
    return b.build();
}

struct raw {
    str topic;
    samsa::bytes key, value;
};

template<class T>
samsa::bytes json_bytes(const T& v) {
    return json_serde<T>().serialize("", v);
}

std::vector<raw> make_input(int customers, int items, int orders) {
    std::vector<raw> in;
    in.reserve(static_cast<size_t>(2 * customers + items + orders));
    for (int i = 0; i < items; ++i) {
        str id = "item-" + std::to_string(i);
        in.push_back({"ITEM", samsa::to_bytes(id), json_bytes(item{id, "Item number " + std::to_string(i), 1.5 + i % 100})});
    }
    for (int c = 0; c < customers; ++c) {
        str id = "customer-" + std::to_string(c);
        in.push_back({"CUSTOMER", samsa::to_bytes(id),
                      json_bytes(customer{id, "Customer " + std::to_string(c), "c" + std::to_string(c) + "@example.com"})});
        in.push_back({"CUSTOMER-ADDRESS", samsa::to_bytes(id),
                      json_bytes(address{id, std::to_string(c % 997) + " Main Street", "City " + std::to_string(c % 50)})});
    }
    uint64_t x = 88172645463325252ull;  // xorshift: the same orders every run
    for (int o = 0; o < orders; ++o) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        str id = "order-" + std::to_string(o);
        order ord{id, "customer-" + std::to_string(x % customers), "item-" + std::to_string((x >> 20) % items),
                  static_cast<int>(1 + (x >> 40) % 5)};
        in.push_back({"ORDER", samsa::to_bytes(id), json_bytes(ord)});
    }
    return in;
}

// The ceiling: the same parsing, lookups and output building by hand.
// With repartition_round_trip, each order is also written as JSON and read
// back, as the topology must (select_key before a join puts it through a
// repartition topic, as in Kafka Streams): the best any implementation of
// these semantics can do with this serde.
size_t run_loop(const std::vector<raw>& in, bool repartition_round_trip) {
    std::unordered_map<str, customer> customers;
    std::unordered_map<str, address> addresses;
    std::unordered_map<str, item> items;
    auto customer_serde = json_serde<customer>();
    auto address_serde = json_serde<address>();
    auto item_serde = json_serde<item>();
    auto order_serde = json_serde<order>();
    auto mail_serde = json_serde<order_mail>();
    size_t out = 0, bytes = 0;
    for (const auto& r : in) {
        str key(r.key.begin(), r.key.end());
        if (r.topic == "ITEM") items[key] = item_serde.deserialize(r.topic, r.value);
        else if (r.topic == "CUSTOMER") customers[key] = customer_serde.deserialize(r.topic, r.value);
        else if (r.topic == "CUSTOMER-ADDRESS") addresses[key] = address_serde.deserialize(r.topic, r.value);
        else {
            auto o = order_serde.deserialize(r.topic, r.value);
            if (repartition_round_trip) o = order_serde.deserialize(r.topic, order_serde.serialize(r.topic, o));
            auto c = customers.find(o.customer_id);
            auto a = addresses.find(o.customer_id);
            auto i = items.find(o.item_id);
            if (c == customers.end() || a == addresses.end() || i == items.end()) continue;
            bytes += mail_serde.serialize("ORDER-MAIL", make_mail(o, c->second, a->second, i->second)).size();
            ++out;
        }
    }
    // bytes keeps the serialization from being optimized away.
    return bytes > 0 ? out : 0;
}

// The input's bytes are moved into the driver, as a test hands it bytes it
// made for the purpose (the loop reads them in place): copying them here
// cost the driver's side 2% (two allocations and copies per record).
size_t run_driver(std::vector<raw>& in, store_type stores) {
    testing::topology_test_driver driver(order_mail_topology(stores), {{"application.id", "order-mail-bench"}});
    size_t out = 0;
    int64_t ts = 0;
    for (auto& r : in) {
        samsa::streams::internal::raw_record rec;
        rec.key = std::move(r.key);
        rec.value = std::move(r.value);
        rec.timestamp = ++ts;
        driver.pipe_raw(r.topic, std::move(rec));
        if (ts % 4096 == 0) {
            // Drain captured outputs (mails, changelogs, repartition copies)
            // as a consumer would, so memory measures the stores.
            for (const auto& t : driver.produced_topic_names()) {
                auto& q = driver.output(t);
                if (t == "ORDER-MAIL") out += q.size();
                q.clear();
            }
        }
    }
    out += driver.output("ORDER-MAIL").size();
    return out;
}

long peak_rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

// This process's CPU time (user + system) so far, in seconds.
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return secs(u.ru_utime) + secs(u.ru_stime);
}

bool rate_by_cpu = false;  // --clock cpu

// Returns records/s (per wall-clock second, or per CPU second with --clock cpu).
double run_mode(const std::string& mode, int customers, int items, int orders) {
    auto in = make_input(customers, items, orders);
    long before = peak_rss_kb();
    double cpu_start = cpu_seconds();
    auto start = std::chrono::steady_clock::now();
    size_t mails = mode == "loop"             ? run_loop(in, false)
                   : mode == "loop+repartition" ? run_loop(in, true)
                   : mode == "rocksdb"          ? run_driver(in, store_type::rocksdb)
                                                : run_driver(in, store_type::in_memory);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = cpu_seconds() - cpu_start;
    std::printf("%-17s records=%zu mails=%zu seconds=%.2f cpu_seconds=%.2f records/s=%.0f records/cpu_s=%.0f "
                "orders/s=%.0f peak_rss_mb=%.0f (input %.0f)\n",
                mode.c_str(), in.size(), mails, secs, cpu, in.size() / secs, in.size() / cpu, orders / secs,
                peak_rss_kb() / 1024.0, before / 1024.0);
    std::fflush(stdout);
    return in.size() / (rate_by_cpu ? cpu : secs);
}

}  // namespace

int main(int argc, char** argv) {
    int customers = 10000, items = 1000, orders = 100000, rounds = 3;
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--customers") customers = std::stoi(argv[i + 1]);
        else if (a == "--items") items = std::stoi(argv[i + 1]);
        else if (a == "--orders") orders = std::stoi(argv[i + 1]);
        else if (a == "--mode") only = argv[i + 1];
        else if (a == "--rounds") rounds = std::max(1, std::stoi(argv[i + 1]));
        else if (a == "--clock" && (std::string(argv[i + 1]) == "cpu" || std::string(argv[i + 1]) == "wall"))
            rate_by_cpu = std::string(argv[i + 1]) == "cpu";
        else if (a == "--serde" && (std::string(argv[i + 1]) == "nlohmann" || std::string(argv[i + 1]) == "fast_json"))
            use_nlohmann = std::string(argv[i + 1]) == "nlohmann";
        else {
            std::fprintf(stderr,
                         "usage: %s [--customers N] [--items N] [--orders N] [--rounds N] "
                         "[--mode in_memory|rocksdb|loop|loop+repartition] [--serde fast_json|nlohmann] [--clock wall|cpu]\n",
                         argv[0]);
            return 2;
        }
    }
    std::printf("order-mail: %d customers (+ addresses), %d items, %d orders, serde %s, malloc %s\n", customers, items,
                orders, use_nlohmann ? "nlohmann" : "fast_json", SAMSA_MALLOC_NAME);
    // Each run in its own child, which reports its rate through a pipe. The
    // modes take turns, round after round, and each keeps its best round: this
    // machine's speed wanders (a shared VM), and a mode should not win or lose
    // by the minute it happened to run in.
    std::map<std::string, double> rates;
    for (int round = 0; round < rounds; ++round) {
        for (std::string mode : {"loop", "loop+repartition", "in_memory", "rocksdb"}) {
            if (!only.empty() && only != mode) continue;
            std::fflush(stdout);  // or the children print the header again
            int fds[2];
            if (pipe(fds) != 0) return 1;
            pid_t pid = fork();
            if (pid == 0) {
                close(fds[0]);
                double rate = run_mode(mode, customers, items, orders);
                ssize_t n = write(fds[1], &rate, sizeof rate);
                _exit(n == sizeof rate ? 0 : 1);
            }
            close(fds[1]);
            double rate = 0;
            if (read(fds[0], &rate, sizeof rate) == sizeof rate) rates[mode] = std::max(rates[mode], rate);
            close(fds[0]);
            int status = 0;
            waitpid(pid, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::fprintf(stderr, "%s failed\n", mode.c_str());
        }
    }
    std::printf("best of %d rounds (%s):", rounds, rate_by_cpu ? "per CPU second" : "per wall-clock second");
    for (const auto& [mode, rate] : rates) std::printf(" %s=%.0f", mode.c_str(), rate);
    std::printf(" records/s\n");
    for (const char* ceiling : {"loop", "loop+repartition"}) {
        if (!rates.count(ceiling)) continue;
        for (const char* mode : {"in_memory", "rocksdb"}) {
            if (!rates.count(mode)) continue;
            // Issue 12's goal: the topology at 80% of the loop that pays the
            // repartition round trip too (the best these semantics allow).
            const bool goal = std::string(ceiling) == "loop+repartition" && std::string(mode) == "in_memory";
            std::printf("%s%s/%s = %.0f%%%s\n", goal ? "" : "ratio ", mode, ceiling,
                        100.0 * rates[mode] / rates[ceiling], goal ? " (target ≥ 80%)" : "");
        }
    }
    return 0;
}
