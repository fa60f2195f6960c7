// samsa-bench-tls: what TLS and SASL cost a client, against a real
// samsa-broker (started by the tool, tests/support) with three listeners on
// loopback: PLAINTEXT (the ceiling), SSL, and SASL_SSL with PLAIN.
//
//   produce/consume  100-byte and 1 KiB records, acks=1, through librdkafka
//                    (bench/broker/load.h): records/s and MB/s on each
//                    listener, as a ratio of PLAINTEXT's in the same run
//   handshakes       full TLS handshakes/s against the SSL listener (TCP
//                    connect, handshake, close; one client thread, no
//                    session resumption), next to the same handshakes done
//                    in this process over memory BIOs, client and server
//                    both here: the crypto ceiling, with no broker and no
//                    socket
//
// Certificates are made by openssl into a temp dir (tests/e2e/security/
// test_pki), RSA 2048 as in the tests; TLS 1.3 is negotiated.
//
//   build/bin/samsa-bench-tls                  # about 40 s
//
// Thread: main; librdkafka runs its own threads.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bench/broker/load.h"
#include "tests/e2e/security/test_pki.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::bench {
namespace {

namespace ts = samsa::test_support;
using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct options {
    std::string broker_bin;
    std::string data_parent;
    double seconds = 3;
    double handshake_seconds = 2;
    int partitions = 4;
    std::vector<size_t> sizes{100, 1024};
};

struct listener {
    const char* name;
    uint16_t port = 0;
    client_settings settings;
};

using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;

ssl_ctx_ptr client_context(const e2e::test_pki& pki) {
    ssl_ctx_ptr ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
    SSL_CTX_load_verify_locations(ctx.get(), pki.path("ca.pem").c_str(), nullptr);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    return ctx;
}

ssl_ctx_ptr server_context(const e2e::test_pki& pki) {
    ssl_ctx_ptr ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
    SSL_CTX_use_certificate_chain_file(ctx.get(), pki.path("server.pem").c_str());
    SSL_CTX_use_PrivateKey_file(ctx.get(), pki.path("server.key").c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    return ctx;
}

// One full handshake between a client and a server in this process, over a
// BIO pair. False if it did not complete in a bounded number of steps.
bool in_process_handshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx) {
    SSL* client = SSL_new(client_ctx);
    SSL* server = SSL_new(server_ctx);
    BIO* client_end = nullptr;
    BIO* server_end = nullptr;
    BIO_new_bio_pair(&client_end, 0, &server_end, 0);
    SSL_set_bio(client, client_end, client_end);
    SSL_set_bio(server, server_end, server_end);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    bool client_done = false, server_done = false;
    for (int step = 0; step < 100 && !(client_done && server_done); ++step) {
        if (!client_done) client_done = SSL_do_handshake(client) == 1;
        if (!server_done) server_done = SSL_do_handshake(server) == 1;
    }
    SSL_free(client);
    SSL_free(server);
    return client_done && server_done;
}

// One TCP connection to the broker's TLS port and a full handshake.
bool broker_handshake(SSL_CTX* client_ctx, uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        SSL* ssl = SSL_new(client_ctx);
        SSL_set_fd(ssl, fd);
        ok = SSL_connect(ssl) == 1;
        SSL_free(ssl);
    }
    ::close(fd);
    return ok;
}

// Handshakes/s of `one` over `seconds`; -1 when one failed.
template<class F>
double handshake_rate(double seconds, F&& one) {
    const auto start = clock::now();
    const auto end = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
    uint64_t n = 0;
    while (clock::now() < end) {
        if (!one()) return -1;
        ++n;
    }
    return static_cast<double>(n) / std::chrono::duration<double>(clock::now() - start).count();
}

ts::broker_options broker_options_for(const options& o, const e2e::test_pki& pki, const std::vector<listener>& ls) {
    ts::broker_options b;
    b.binary = o.broker_bin.empty() ? ts::broker_beside_this_program() : std::filesystem::path(o.broker_bin);
    if (!o.data_parent.empty()) b.temp_parent = o.data_parent;
    b.listener_name = "PLAINTEXT";
    std::ofstream(pki.path("server-bundle.pem")) << pki.text("server.key") << pki.text("server.pem");
    for (const auto& l : ls) {
        if (std::string(l.name) == "PLAINTEXT") continue;
        b.extra_listeners.push_back(l.name);  // on a port the broker picks (broker.listener_port)
        const std::string prefix = "listener.name." + std::string(l.name == std::string("SSL") ? "ssl" : "sasl_ssl") + ".";
        b.overrides.push_back({prefix + "ssl.keystore.type", "PEM"});
        b.overrides.push_back({prefix + "ssl.keystore.location", pki.path("server-bundle.pem")});
    }
    b.overrides.push_back({"listener.name.sasl_ssl.sasl.enabled.mechanisms", "PLAIN"});
    b.overrides.push_back({"listener.name.sasl_ssl.plain.sasl.jaas.config",
                           "org.apache.kafka.common.security.plain.PlainLoginModule required "
                           "user_bench=\"bench-secret\";"});
    return b;
}

int run(const options& o) {
    const e2e::test_pki pki;
    if (!pki.ok()) {
        std::fprintf(stderr, "samsa-bench-tls: certificates: %s\n", pki.error().c_str());
        return 1;
    }
    std::vector<listener> listeners{
        {"PLAINTEXT", 0, {}},
        {"SSL", 0, {{"security.protocol", "SSL"}, {"ssl.ca.location", pki.path("ca.pem")}}},
        {"SASL_SSL",
         0,
         {{"security.protocol", "SASL_SSL"},
          {"ssl.ca.location", pki.path("ca.pem")},
          {"sasl.mechanisms", "PLAIN"},
          {"sasl.username", "bench"},
          {"sasl.password", "bench-secret"}}},
    };
    ts::broker_process broker(broker_options_for(o, pki, listeners));
    if (!broker.start()) {
        std::fprintf(stderr, "samsa-bench-tls: cannot start the broker: %s\n", broker.failure().c_str());
        return 1;
    }
    for (auto& l : listeners) l.port = broker.listener_port(l.name);
    const std::string plaintext = broker.bootstrap();
    std::printf("samsa-bench-tls: broker %s, %d partitions, %.1f s per run, acks=1, librdkafka\n", plaintext.c_str(),
                o.partitions, o.seconds);
    std::printf("%-10s %-9s %12s %9s %9s\n", "", "listener", "records/s", "MB/s", "/PLAIN");
    int failures = 0;
    for (size_t size : o.sizes) {
        double plain_produce = 0, plain_consume = 0;
        for (const auto& l : listeners) {
            const std::string topic = "tls-" + std::to_string(size) + "-" + l.name;
            if (auto created = ts::create_topic(plaintext, topic, o.partitions); !created) {
                std::printf("  %s: CreateTopics failed: %s\n", topic.c_str(), created.error().message.c_str());
                ++failures;
                continue;
            }
            const std::string bootstrap = "127.0.0.1:" + std::to_string(l.port);
            produce_spec spec{topic, size, "1", std::chrono::milliseconds(static_cast<long>(o.seconds * 1000))};
            auto p = produce_load(bootstrap, spec, [] {}, l.settings);
            auto c = consume_load(bootstrap, topic, o.partitions, p.records, 60s, [] {}, l.settings);
            if (std::string(l.name) == "PLAINTEXT") {
                plain_produce = p.bytes_per_second();
                plain_consume = c.bytes_per_second();
            }
            auto row = [&](const char* kind, const load_result& r, double ceiling) {
                std::printf("%-10s %-9s %12.0f %9.1f %8.1f%%  %s\n", kind, l.name, r.records_per_second(),
                            r.bytes_per_second() / 1e6, ceiling > 0 ? 100 * r.bytes_per_second() / ceiling : 0,
                            r.first_error.c_str());
            };
            char kind[32];
            std::snprintf(kind, sizeof kind, "%zu B prod", size);
            row(kind, p, plain_produce);
            std::snprintf(kind, sizeof kind, "%zu B cons", size);
            row(kind, c, plain_consume);
            std::fflush(stdout);
            if (p.errors || !p.first_error.empty() || c.records < p.records) ++failures;
        }
    }

    auto client_ctx = client_context(pki);
    auto server_ctx = server_context(pki);
    const double ceiling = handshake_rate(o.handshake_seconds, [&] { return in_process_handshake(client_ctx.get(), server_ctx.get()); });
    const double served = handshake_rate(o.handshake_seconds, [&] { return broker_handshake(client_ctx.get(), listeners[1].port); });
    std::printf("\nTLS handshakes/s: broker %.0f, in-process ceiling %.0f = %.1f%%%s\n", served, ceiling,
                ceiling > 0 ? 100 * served / ceiling : 0, served < 0 || ceiling < 0 ? "  (a handshake FAILED)" : "");
    if (served < 0 || ceiling < 0) ++failures;
    return failures ? 1 : 0;
}

}  // namespace
}  // namespace samsa::bench

int main(int argc, char** argv) {
    samsa::bench::options o;
    CLI::App app{"samsa-bench-tls: TLS and SASL listeners next to PLAINTEXT"};
    app.add_option("--broker", o.broker_bin, "samsa-broker binary (default: beside this program)");
    app.add_option("--data-parent", o.data_parent, "where the broker's temporary data dir goes");
    app.add_option("--seconds", o.seconds, "length of each produce run")->capture_default_str();
    app.add_option("--handshake-seconds", o.handshake_seconds, "length of each handshake run")->capture_default_str();
    app.add_option("--partitions", o.partitions, "partitions of each topic")->capture_default_str();
    app.add_option("--record-size", o.sizes, "record sizes (repeatable)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    return samsa::bench::run(o);
}
