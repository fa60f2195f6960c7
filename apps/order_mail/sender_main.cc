// order-mail-sender: consumes ORDER-MAIL in a consumer group and writes each
// record as an RFC 5322 .eml file into an outbox folder; with --smtp
// host:port it also delivers the message to that SMTP server.
// (apps/order_mail/README.md)
//
//   order-mail-sender --bootstrap-server localhost:9092 --outbox ./outbox [--group order-mail-sender]
//                     [--from "Samsa Pedidos <pedidos@example.com>"] [--smtp localhost:2525]
//
// At-least-once: a record's offset is stored for the next commit only after
// its file is written (and the SMTP server accepted it), so a crash writes
// the same file again (same name, same content) rather than losing a mail.
// A record that is not an order mail is logged and skipped. Files appear
// whole: written as .tmp, then renamed.

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "order_mail/eml.h"
#include "order_mail/smtp_client.h"
#include "order_mail/topology.h"
#include "samsa/base/log.h"
#include "samsa/kafka/consumer.h"

namespace {

using namespace samsa::apps::order_mail;
namespace fs = std::filesystem;

std::atomic<bool> stop{false};
void on_signal(int) { stop = true; }

struct arguments {
    std::string bootstrap = "localhost:9092";
    std::string topic = order_mail_topic;
    std::string group = "order-mail-sender";
    std::string outbox = "outbox";
    std::string from = "Samsa Pedidos <pedidos@example.com>";
    std::string smtp;
    std::vector<std::string> configs;
    int64_t max_messages = -1;
};

struct sender {
    fs::path outbox;
    eml_options eml;
    std::optional<smtp_server> smtp;
    int64_t written = 0, skipped = 0;

    // False when the record must be tried again (the SMTP server failed).
    bool handle(const samsa::kafka::message& m) {
        order_mail mail;
        try {
            mail = nlohmann::json::parse(m.value().value_or("")).get<order_mail>();
        } catch (const nlohmann::json::exception& e) {
            ++skipped;
            spdlog::warn("[sender] skips {}[{}]@{}: not an order mail: {}", m.topic(), m.partition()(), m.offset()(),
                         e.what());
            return true;
        }
        int64_t ts = m.timestamp()();
        std::string error;
        auto message = write_eml(mail, ts >= 0 ? ts : 0, eml, &error);
        if (!message) {
            ++skipped;
            spdlog::warn("[sender] skips {}[{}]@{}: {}", m.topic(), m.partition()(), m.offset()(), error);
            return true;
        }
        if (smtp) {
            auto sent = smtp_send(*smtp, eml.from.address, mail.to, *message);
            if (!sent) {
                spdlog::error("[sender] order {}: {}", mail.order_id, sent.error().message);
                return false;
            }
        }
        fs::path file = outbox / eml_file_name(mail.order_id);
        fs::path tmp = file;
        tmp += ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << *message;
            if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
        }
        fs::rename(tmp, file);
        ++written;
        std::cout << "order-mail-sender: " << file.string() << "  to " << mail.to << (smtp ? " (sent by SMTP)" : "")
                  << std::endl;
        return true;
    }
};

mailbox parse_mailbox(const std::string& text) {
    auto lt = text.rfind('<');
    if (lt == std::string::npos || text.back() != '>') return {"", text};
    std::string name = text.substr(0, lt);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    return {name, text.substr(lt + 1, text.size() - lt - 2)};
}

std::unique_ptr<samsa::kafka::consumer> make_consumer(const arguments& args) {
    samsa::kafka::property_list config = {
        {"bootstrap.servers", args.bootstrap},
        {"group.id", args.group},
        {"client.id", "order-mail-sender"},
        {"auto.offset.reset", "earliest"},
        {"enable.auto.offset.store", "false"},  // stored by hand once the mail is out
        {"enable.auto.commit", "true"},
        {"auto.commit.interval.ms", "1000"},
    };
    for (const auto& kv : args.configs) {
        auto eq = kv.find('=');
        if (eq == std::string::npos) throw std::invalid_argument("--config expects key=value, got '" + kv + "'");
        config.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    auto consumer = samsa::kafka::consumer::create(config);
    if (!consumer) throw std::invalid_argument(consumer.error().message);
    return std::move(*consumer);
}

int run(const arguments& args) {
    sender s;
    s.outbox = args.outbox;
    s.eml.from = parse_mailbox(args.from);
    if (!is_addr_spec(s.eml.from.address)) {
        std::cerr << "order-mail-sender: --from is not an e-mail address: '" << args.from << "'\n";
        return 2;
    }
    if (!args.smtp.empty()) {
        auto server = parse_smtp_server(args.smtp);
        if (!server) {
            std::cerr << "order-mail-sender: " << server.error().message << "\n";
            return 2;
        }
        s.smtp = *server;
    }
    std::error_code ec;
    fs::create_directories(s.outbox, ec);
    if (ec) {
        std::cerr << "order-mail-sender: cannot create the outbox " << s.outbox << ": " << ec.message() << "\n";
        return 1;
    }
    auto consumer = make_consumer(args);
    if (auto subscribed = consumer->subscribe({args.topic}); !subscribed) {
        std::cerr << "order-mail-sender: cannot subscribe to " << args.topic << ": " << subscribed.error().message
                  << "\n";
        return 1;
    }
    spdlog::info("[sender] reading {} from {} as group {}, writing to {}", args.topic, args.bootstrap, args.group,
                 s.outbox.string());
    int status = 0;
    while (!stop && (args.max_messages < 0 || s.written + s.skipped < args.max_messages)) {
        auto polled = consumer->poll(std::chrono::milliseconds(200));
        if (!polled) {
            const auto& e = polled.error();
            // A topic that does not exist will not come by waiting; transport
            // trouble does go away (librdkafka reconnects).
            bool fatal = e.fatal || e.code == samsa::errc::not_found;
            spdlog::log(fatal ? spdlog::level::err : spdlog::level::warn, "[sender] {}", e.message);
            if (fatal) {
                std::cerr << "order-mail-sender: " << e.message << " (does the topic exist? ./init.sh creates it)\n";
                status = 1;
                break;
            }
            continue;
        }
        if (!*polled || (*polled)->end_of_partition()) continue;
        const samsa::kafka::message& m = **polled;
        samsa::kafka::topic_partition tp{std::string(m.topic()), m.partition()()};
        if (!s.handle(m)) {
            // Deliver again from this offset after a pause, rather than skip a mail.
            if (auto sought = consumer->seek({tp, m.offset()}, std::chrono::seconds(5)); !sought) {
                spdlog::warn("[sender] {}", sought.error().message);
            }
            for (int i = 0; i < 10 && !stop; ++i) usleep(200'000);
            continue;
        }
        // The consumer commits up to here at its next auto-commit (or at close).
        if (auto stored = consumer->store_offset({tp, samsa::offset(m.offset()() + 1)}); !stored) {
            spdlog::warn("[sender] {}", stored.error().message);
        }
    }
    spdlog::info("[sender] stopping: {} mails written, {} records skipped", s.written, s.skipped);
    // Commits the stored offsets, leaves the group.
    if (auto closed = consumer->close(std::chrono::seconds(30)); !closed) {
        spdlog::warn("[sender] {}", closed.error().message);
    }
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    arguments args;
    CLI::App cli{"order-mail-sender: ORDER-MAIL records to .eml files (and optionally SMTP)"};
    cli.add_option("--bootstrap-server", args.bootstrap, "Kafka bootstrap servers")->capture_default_str();
    cli.add_option("--topic", args.topic, "the topic to read")->capture_default_str();
    cli.add_option("--group", args.group, "consumer group id")->capture_default_str();
    cli.add_option("--outbox", args.outbox, "folder for the .eml files (created if missing)")->capture_default_str();
    cli.add_option("--from", args.from, "the From: mailbox")->capture_default_str();
    cli.add_option("--smtp", args.smtp, "also deliver to this SMTP server (host:port; plain TCP, no auth)");
    cli.add_option("--config", args.configs, "extra librdkafka consumer property key=value (repeatable)");
    cli.add_option("--max-messages", args.max_messages, "stop after this many records (default: run until Ctrl-C)");
    CLI11_PARSE(cli, argc, argv);

    samsa::log::init("info");
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        return run(args);
    } catch (const std::exception& e) {
        std::cerr << "order-mail-sender: error: " << e.what() << "\n";
        return 1;
    }
}
