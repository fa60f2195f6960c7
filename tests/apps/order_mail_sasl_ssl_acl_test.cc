// Issue 14: the order-mail binary against a samsa-broker whose only listener
// is SASL_SSL (TLS with the test CA, SASL PLAIN) and whose authorizer is on
// (allow.everyone.if.no.acl.found=false). The application's user gets
// exactly the ACLs Kafka Streams documents for an application: Read on its
// input topics, Write on its output topic, All on topics prefixed
// "<application.id>-" (repartition and changelog topics, created by the
// application), Read on its group. No cluster ACL: the idempotent producer's
// InitProducerId is allowed by Write on a topic (KIP-679).
//
// The client settings reach the application unprefixed (--config
// security.protocol=SASL_SSL ...), as a Kafka Streams user writes them.
// Second case: the same without Write on ORDER-MAIL; the application stops
// with the authorization failure in its output, exit 1, within a bounded run.
// The admin (a super user) creates topics and ACLs, produces the data and
// reads the mails, over the same listener. Every wait is bounded.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "order_mail/eml.h"
#include "order_mail/generator.h"
#include "order_mail/records.h"
#include "order_mail/topology.h"
#include "tests/e2e/security/test_pki.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/rdkafka_client.h"
#include "tests/support/run_command.h"

namespace samsa::apps::order_mail {
namespace {

namespace ts = samsa::test_support;
using ts::samsa_bin;
using ts::within;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int orders = 20;
const std::string app_user = "mailer";
const std::string app_password = "mailer-secret";
const std::string admin_user = "admin";
const std::string admin_password = "admin-secret";
const std::string running_line = "[order-mail] state REBALANCING -> RUNNING";

const e2e::test_pki& pki() { return e2e::test_pki::shared(); }

// A librdkafka client's settings for the SASL_SSL listener.
ts::config_map client_settings(const std::string& user, const std::string& password) {
    return {{"security.protocol", "SASL_SSL"},
            {"sasl.mechanisms", "PLAIN"},
            {"sasl.username", user},
            {"sasl.password", password},
            {"ssl.ca.location", pki().path("ca.pem")}};
}

std::vector<std::string> as_config_flags(const ts::config_map& settings) {
    std::vector<std::string> out;
    for (const auto& [k, v] : settings) {
        out.push_back("--config");
        out.push_back(k + "=" + v);
    }
    return out;
}

// Whether one line of `log` holds both texts.
bool some_line_has(const std::string& log, const std::string& a, const std::string& b) {
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
        if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
    }
    return false;
}

// Only a SASL_SSL listener; PLAIN users admin (super user) and mailer; ACLs on.
ts::broker_options secured_broker() {
    std::ofstream(pki().path("server-bundle.pem")) << pki().text("server.key") << pki().text("server.pem");
    ts::broker_options o;
    o.listener_name = "SASL_SSL";
    o.overrides = {
        {"ssl.keystore.type", "PEM"},
        {"ssl.keystore.location", pki().path("server-bundle.pem")},
        {"ssl.truststore.type", "PEM"},
        {"ssl.truststore.location", pki().path("ca.pem")},
        {"sasl.enabled.mechanisms", "PLAIN"},
        {"listener.name.sasl_ssl.plain.sasl.jaas.config",
         "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + admin_user +
             "\" password=\"" + admin_password + "\" user_" + admin_user + "=\"" + admin_password + "\" user_" +
             app_user + "=\"" + app_password + "\";"},
        {"authorizer.class.name", "kafka.security.authorizer.AclAuthorizer"},
        {"allow.everyone.if.no.acl.found", "false"},
        {"super.users", "User:" + admin_user},
    };
    return o;
}

class order_mail_sasl_ssl_acl : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(pki().ok()) << pki().error();
        broker_ = std::make_unique<ts::broker_process>(secured_broker());
        ASSERT_TRUE(broker_->start()) << broker_->failure();
        ts::set_client_security(client_settings(admin_user, admin_password));
        for (const char* t : {customer_topic, customer_address_topic, order_topic, order_mail_topic}) {
            auto s = ts::create_topic(broker_->bootstrap(), t, 3);
            ASSERT_TRUE(s) << t << ": " << s.error().message << "\n" << broker_->log_tail();
        }
        auto s = ts::create_topic(broker_->bootstrap(), item_topic, 1);
        ASSERT_TRUE(s) << s.error().message;
        admin_config_ = broker_->data_dir() / "admin.properties";
        std::ofstream out(admin_config_);
        for (const auto& [k, v] : client_settings(admin_user, admin_password)) out << k << "=" << v << "\n";
    }
    void TearDown() override { ts::set_client_security({}); }

    // `samsa acls add --allow-principal User:mailer ...` as the admin.
    void allow(std::vector<std::string> resource_and_operations) {
        std::vector<std::string> argv{(samsa_bin("samsa")).string(), "acls", "add", "--bootstrap-server",
                                      broker_->bootstrap(), "--command-config", admin_config_.string(),
                                      "--allow-principal", "User:" + app_user};
        argv.insert(argv.end(), resource_and_operations.begin(), resource_and_operations.end());
        auto r = ts::run_command(argv, within(30s));
        ASSERT_EQ(r.exit_code, 0) << r.describe();
    }

    // What Kafka Streams' documentation lists for an application (Kafka
    // 3.8, "Security" / "Required ACL setting for secure Kafka clusters").
    enum class missing_acl { none, write_on_output, read_on_group };
    void grant_streams_acls(missing_acl missing) {
        for (const char* t : {customer_topic, customer_address_topic, order_topic, item_topic}) {
            allow({"--topic", t, "--operation", "Read"});
        }
        if (missing != missing_acl::write_on_output) allow({"--topic", order_mail_topic, "--operation", "Write"});
        allow({"--topic", std::string(default_application_id) + "-", "--resource-pattern-type", "prefixed",
               "--operation", "All"});
        if (missing != missing_acl::read_on_group) allow({"--group", default_application_id, "--operation", "Read"});
    }

    ts::command_result datagen(const std::vector<std::string>& extra) {
        std::vector<std::string> argv{samsa_bin("order-mail-datagen").string(), "--bootstrap-server",
                                      broker_->bootstrap(), "--seed", "11", "--customers", "10", "--items", "5"};
        auto security = as_config_flags(client_settings(admin_user, admin_password));
        argv.insert(argv.end(), security.begin(), security.end());
        argv.insert(argv.end(), extra.begin(), extra.end());
        return ts::run_command(argv, within(60s));
    }

    // The order-mail binary as the application's user, settings unprefixed.
    void start_app() {
        std::vector<std::string> argv{samsa_bin("order-mail").string(),
                                      "--bootstrap-server",
                                      broker_->bootstrap(),
                                      "--state-dir",
                                      (broker_->data_dir() / "streams-state").string(),
                                      "--config",
                                      "commit.interval.ms=200",
                                      "--config",
                                      "replication.factor=1",
                                      "--config",
                                      "consumer.session.timeout.ms=6000",
                                      "--config",
                                      "consumer.heartbeat.interval.ms=500",
                                      "--config",
                                      "producer.linger.ms=5"};
        auto security = as_config_flags(client_settings(app_user, app_password));
        argv.insert(argv.end(), security.begin(), security.end());
        ASSERT_TRUE(app_.spawn(argv, app_log(), ts::child_process::log_mode::truncate));
    }

    // True once the log says RUNNING; false when the app exited or 60 s passed.
    bool wait_until_running() {
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            if (ts::file_text(app_log()).find(running_line) != std::string::npos) return true;
            if (!app_.running()) return false;
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }

    // The ACLs (less `missing`), the reference data, the app RUNNING, then the orders.
    void run_app_and_send_orders(missing_acl missing) {
        grant_streams_acls(missing);
        auto reference = datagen({"--only", "reference"});
        ASSERT_TRUE(reference.ok()) << reference.describe();
        start_app();
        ASSERT_TRUE(wait_until_running()) << ts::file_text(app_log()) << "\n" << broker_->log_tail();
        auto sent = datagen({"--only", "orders", "--orders", std::to_string(orders)});
        ASSERT_TRUE(sent.ok()) << sent.describe();
    }

    // Waits until the app exits by itself, at most `limit`.
    void wait_for_the_app_to_stop(std::chrono::seconds limit) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (app_.running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
    }

    fs::path app_log() const { return broker_->data_dir() / "order-mail.log"; }

    std::unique_ptr<ts::broker_process> broker_;
    fs::path admin_config_;
    ts::child_process app_;
};

TEST_F(order_mail_sasl_ssl_acl, every_mail_is_delivered_with_exactly_the_documented_acls) {
    ASSERT_NO_FATAL_FAILURE(run_app_and_send_orders(missing_acl::none));

    auto mails = ts::read_all(broker_->bootstrap(), order_mail_topic, 3, orders, 90s);
    ASSERT_TRUE(mails) << mails.error().message << "\n" << ts::file_text(app_log());
    ASSERT_EQ(mails->size(), static_cast<size_t>(orders)) << ts::file_text(app_log());
    EXPECT_TRUE(app_.running()) << ts::file_text(app_log());
    EXPECT_EQ(app_.terminate(60s).value_or(-1), 0) << ts::file_text(app_log());

    // The sender reads them over SASL_SSL too and writes one .eml per order.
    fs::path outbox = broker_->data_dir() / "outbox";
    std::vector<std::string> argv{samsa_bin("order-mail-sender").string(), "--bootstrap-server", broker_->bootstrap(),
                                  "--outbox", outbox.string(), "--max-messages", std::to_string(orders)};
    auto security = as_config_flags(client_settings(admin_user, admin_password));
    argv.insert(argv.end(), security.begin(), security.end());
    auto sender = ts::run_command(argv, within(90s));
    ASSERT_TRUE(sender.ok()) << sender.describe();
    data_generator g({.seed = 11, .customers = 10, .items = 5});
    for (int64_t i = 0; i < orders; ++i) {
        EXPECT_TRUE(fs::exists(outbox / eml_file_name(g.order_at(i).id))) << "no mail for " << g.order_at(i).id;
    }
}

TEST_F(order_mail_sasl_ssl_acl, without_write_on_the_output_topic_the_app_stops_naming_the_authorization_failure) {
    ASSERT_NO_FATAL_FAILURE(run_app_and_send_orders(missing_acl::write_on_output));

    // The first mail cannot be written: the app must stop by itself (state
    // ERROR, exit 1), not retry forever. Bounded: 120 s, then SIGKILL.
    wait_for_the_app_to_stop(120s);
    ASSERT_FALSE(app_.running()) << "order-mail still runs without Write on ORDER-MAIL:\n" << ts::file_text(app_log());
    std::string log = ts::file_text(app_log());
    // The stream thread's failure names the refused write (the start-up
    // warnings about ORDER-MAIL's metadata say "Topic authorization failed"
    // too, so the whole line is matched).
    EXPECT_NE(log.find("order-mail-StreamThread-1 failed: error sending a record to ORDER-MAIL: produce to ORDER-MAIL: "
                       "Broker: Topic authorization failed"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("order-mail: the application stopped after an error"), std::string::npos) << log;
    auto mails = ts::read_all(broker_->bootstrap(), order_mail_topic, 3, 0, 5s);
    ASSERT_TRUE(mails) << mails.error().message;
    EXPECT_TRUE(mails->empty());
}

TEST_F(order_mail_sasl_ssl_acl, without_read_on_its_group_the_app_stops_naming_the_authorization_failure) {
    grant_streams_acls(missing_acl::read_on_group);
    start_app();
    // JoinGroup is refused: the app must stop by itself, not rebalance
    // forever. Bounded: 120 s.
    wait_for_the_app_to_stop(120s);
    ASSERT_FALSE(app_.running()) << "order-mail still runs without Read on its group:\n" << ts::file_text(app_log());
    std::string log = ts::file_text(app_log());
    EXPECT_TRUE(some_line_has(log, "order-mail-StreamThread-1 failed: consumer failed: ",
                              "Broker: Group authorization failed"))
        << log;
    EXPECT_NE(log.find("order-mail: the application stopped after an error"), std::string::npos) << log;
}

}  // namespace
}  // namespace samsa::apps::order_mail
