// order-mail-datagen: produces the generator's customers, addresses, items
// and orders to the demo's topics (apps/order_mail/README.md).
//
//   order-mail-datagen --bootstrap-server localhost:9092 --seed 42 --customers 100 --items 20 --orders 50
//                      [--rate 10] [--order-id-prefix o] [--only reference|orders]
//
// Reference data (CUSTOMER, CUSTOMER-ADDRESS, ITEM) goes first and is
// flushed before the first order, so the tables can know every customer and
// item an order names. Keys are partitioned with murmur2 (librdkafka's
// murmur2_random), as the Java client does, so records land where a Java
// producer would put them. --rate bounds orders per second (0: as fast as
// the broker takes them). Exit status 1 when a record was not delivered.

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "order_mail/generator.h"
#include "order_mail/topology.h"
#include "samsa/kafka/producer.h"

namespace {

using namespace samsa::apps::order_mail;

std::atomic<bool> stop{false};
void on_signal(int) { stop = true; }

struct delivery_counts {
    int64_t delivered = 0, failed = 0;
    std::string first_error;
};

struct producer {
    std::unique_ptr<samsa::kafka::producer> client;
    delivery_counts counts;
    int64_t sent = 0;

    void send(const std::string& topic, const std::string& key, const nlohmann::json& value) {
        std::string text = value.dump();
        samsa::kafka::producer_record r;
        r.topic = topic;
        r.key = key;
        r.value = text;
        // Blocks while the local queue is full: it drains as the broker acknowledges.
        if (auto sent_ok = client->send(r); !sent_ok) throw std::runtime_error(sent_ok.error().message);
        ++sent;
        client->poll(std::chrono::milliseconds(0));
    }

    // Waits (bounded) until everything sent so far is acknowledged.
    bool flush(std::chrono::milliseconds timeout) { return static_cast<bool>(client->flush(timeout)); }
};

std::unique_ptr<producer> make_producer(const std::string& bootstrap, const std::vector<std::string>& configs) {
    auto p = std::make_unique<producer>();
    samsa::kafka::property_list config = {
        {"bootstrap.servers", bootstrap},
        {"client.id", "order-mail-datagen"},
        {"partitioner", "murmur2_random"},  // Java's DefaultPartitioner for keyed records
        {"linger.ms", "5"},
        {"message.timeout.ms", "30000"},
    };
    for (const auto& kv : configs) {
        auto eq = kv.find('=');
        if (eq == std::string::npos) throw std::invalid_argument("--config expects key=value, got '" + kv + "'");
        config.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    samsa::kafka::producer_options options;
    options.on_delivery = [counts = &p->counts](const samsa::kafka::delivery_report& d) {
        if (d.result) {
            ++counts->delivered;
        } else if (counts->failed++ == 0) {
            counts->first_error = d.result.error().message;
        }
    };
    auto client = samsa::kafka::producer::create(config, std::move(options));
    if (!client) throw std::invalid_argument(client.error().message);
    p->client = std::move(*client);
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    generator_options g;
    std::string bootstrap = "localhost:9092", only;
    int64_t orders = 50;
    double rate = 0;
    std::vector<std::string> configs;
    CLI::App cli{"order-mail-datagen: deterministic sample data for the order-mail demo"};
    cli.add_option("--bootstrap-server", bootstrap, "Kafka bootstrap servers")->capture_default_str();
    cli.add_option("--seed", g.seed, "generator seed (same seed, same records)")->capture_default_str();
    cli.add_option("--customers", g.customers, "customers (and addresses)")->capture_default_str()->check(CLI::PositiveNumber);
    cli.add_option("--items", g.items, "items")->capture_default_str()->check(CLI::PositiveNumber);
    cli.add_option("--orders", orders, "orders")->capture_default_str()->check(CLI::NonNegativeNumber);
    cli.add_option("--rate", rate, "orders per second, 0 = unbounded")->capture_default_str()->check(CLI::NonNegativeNumber);
    cli.add_option("--order-id-prefix", g.order_id_prefix, "order ids are <prefix><n>")->capture_default_str();
    cli.add_option("--only", only, "produce only the reference data or only the orders")
        ->check(CLI::IsMember({"reference", "orders"}));
    cli.add_option("--config", configs, "extra librdkafka producer property key=value (repeatable)");
    CLI11_PARSE(cli, argc, argv);

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        data_generator gen(g);
        auto p = make_producer(bootstrap, configs);
        auto finish = [&](const char* phase) {
            if (!p->flush(std::chrono::seconds(30))) {
                std::cerr << "order-mail-datagen: " << phase << ": records still unacknowledged after 30 s; is the "
                          << "broker at " << bootstrap << " up? (" << p->sent - p->counts.delivered << " pending)\n";
                return false;
            }
            if (p->counts.failed) {
                std::cerr << "order-mail-datagen: " << p->counts.failed << " records were not delivered, first: "
                          << p->counts.first_error << " (do the topics exist? ./init.sh creates them)\n";
                return false;
            }
            return true;
        };
        if (only != "orders") {
            for (int64_t i = 0; i < g.customers && !stop; ++i) {
                customer c = gen.customer_at(i);
                p->send(customer_topic, c.id, c);
                customer_address a = gen.address_at(i);
                p->send(customer_address_topic, a.customer_id, a);
            }
            for (int64_t i = 0; i < g.items && !stop; ++i) {
                item it = gen.item_at(i);
                p->send(item_topic, it.id, it);
            }
            if (!finish("reference data")) return 1;
            std::cout << "order-mail-datagen: " << g.customers << " customers with addresses and " << g.items
                      << " items produced" << std::endl;
        }
        if (only != "reference") {
            auto start = std::chrono::steady_clock::now();
            for (int64_t i = 0; i < orders && !stop; ++i) {
                if (rate > 0) {
                    auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                           std::chrono::duration<double>(static_cast<double>(i) / rate));
                    while (std::chrono::steady_clock::now() < due && !stop) p->client->poll(std::chrono::milliseconds(10));
                }
                order o = gen.order_at(i);
                p->send(order_topic, o.id, o);
            }
            if (!finish("orders")) return 1;
            std::cout << "order-mail-datagen: " << orders << " orders produced (ids " << g.order_id_prefix << "1.."
                      << g.order_id_prefix << orders << ")" << std::endl;
        }
        return stop ? 130 : 0;
    } catch (const std::exception& e) {
        std::cerr << "order-mail-datagen: error: " << e.what() << "\n";
        return 1;
    }
}
