// `samsa users`, `samsa quotas` and `samsa transactions` (the CLI's own wire client) against a
// samsa-broker whose only listener is SASL_SSL: TLS trusted through
// ssl.ca.location, logins with PLAIN (a Java-style --command-config file) and
// SCRAM-SHA-256/512 (-X), and the clear failures of a wrong password and of
// a CA that did not sign the broker's certificate.

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/security/test_pki.h"
#include "tests/support/broker_process.h"
#include "tests/support/run_command.h"

namespace samsa::e2e::security {
namespace {

using namespace std::chrono_literals;

const test_pki& pki() { return test_pki::shared(); }

class wire_cli_tls : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(pki().ok()) << pki().error();
        std::ofstream(pki().path("server-bundle.pem")) << pki().text("server.key") << pki().text("server.pem");
        test_support::broker_options o;
        o.listener_name = "SASL_SSL";
        o.overrides = {{"listener.name.sasl_ssl.ssl.keystore.type", "PEM"},
                       {"listener.name.sasl_ssl.ssl.keystore.location", pki().path("server-bundle.pem")},
                       {"listener.name.sasl_ssl.sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512"},
                       {"listener.name.sasl_ssl.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\";"},
                       {"connection.failed.authentication.delay.ms", "0"}};
        broker_ = std::make_unique<test_support::broker_process>(o);
        ASSERT_TRUE(broker_->start()) << broker_->failure();
    }

    // The CLI with `security` as -X key=value pairs.
    test_support::command_result samsa(std::vector<std::string> args,
                                       const std::vector<std::pair<std::string, std::string>>& security,
                                       const std::string& timeout_ms = "20000") {
        args.insert(args.begin(), (test_support::default_broker_binary().parent_path() / "samsa").string());
        args.insert(args.end(), {"--bootstrap-server", broker_->bootstrap(), "--timeout", timeout_ms});
        for (const auto& [k, v] : security) args.insert(args.end(), {"-X", k + "=" + v});
        test_support::command_options o;
        o.timeout = 60s;
        return test_support::run_command(args, o);
    }

    static std::vector<std::pair<std::string, std::string>> scram(const std::string& mechanism, const std::string& user,
                                                                  const std::string& password) {
        return {{"security.protocol", "SASL_SSL"}, {"ssl.ca.location", pki().path("ca.pem")},
                {"sasl.mechanisms", mechanism},    {"sasl.username", user},
                {"sasl.password", password}};
    }

    std::unique_ptr<test_support::broker_process> broker_;
};

TEST_F(wire_cli_tls, users_and_quotas_over_sasl_ssl_with_plain_and_scram) {
    // PLAIN from a Java client's admin.properties (translated as for librdkafka).
    const std::string properties = pki().path("wire-admin.properties");
    std::ofstream(properties) << "security.protocol=SASL_SSL\n"
                              << "ssl.truststore.type=PEM\n"
                              << "ssl.truststore.location=" << pki().path("ca.pem") << "\n"
                              << "sasl.mechanism=PLAIN\n"
                              << "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                                 "username=\"admin\" password=\"admin-secret\";\n";
    auto alice = samsa({"users", "alter", "--user", "alice", "--mechanism", "SCRAM-SHA-512", "--password",
                        "alice-secret", "--command-config", properties}, {});
    ASSERT_EQ(alice.exit_code, 0) << alice.describe();
    auto bob = samsa({"users", "alter", "--user", "bob", "--mechanism", "SCRAM-SHA-256", "--password", "bob-secret",
                      "--command-config", properties}, {});
    ASSERT_EQ(bob.exit_code, 0) << bob.describe();

    // SCRAM-SHA-512 as alice: the credentials the CLI just stored.
    auto described = samsa({"users", "describe", "--format", "json"}, scram("SCRAM-SHA-512", "alice", "alice-secret"));
    ASSERT_EQ(described.exit_code, 0) << described.describe();
    auto users = nlohmann::json::parse(described.out);
    ASSERT_EQ(users.size(), 2u) << described.out;
    EXPECT_EQ(users[0]["user"], "alice");
    EXPECT_EQ(users[1]["user"], "bob");

    // SCRAM-SHA-256 as bob: quotas altered and read back.
    const auto as_bob = scram("SCRAM-SHA-256", "bob", "bob-secret");
    auto alter = samsa({"quotas", "alter", "--user", "alice", "--add-config", "producer_byte_rate=1048576"}, as_bob);
    ASSERT_EQ(alter.exit_code, 0) << alter.describe();
    auto quotas = samsa({"quotas", "describe", "--user", "alice", "--format", "json"}, as_bob);
    ASSERT_EQ(quotas.exit_code, 0) << quotas.describe();
    auto q = nlohmann::json::parse(quotas.out);
    ASSERT_EQ(q.size(), 1u) << quotas.out;
    EXPECT_EQ(q[0]["values"]["producer_byte_rate"], 1048576.0);

    // `samsa transactions` speaks its APIs over the same kind of connection.
    auto transactions = samsa({"transactions", "list", "--format", "json"}, as_bob);
    ASSERT_EQ(transactions.exit_code, 0) << transactions.describe();
    EXPECT_EQ(nlohmann::json::parse(transactions.out).size(), 0u) << transactions.out;
}

TEST_F(wire_cli_tls, a_wrong_password_is_a_clear_authentication_error) {
    auto created = samsa({"users", "alter", "--user", "alice", "--mechanism", "SCRAM-SHA-256", "--password",
                          "alice-secret"}, scram("PLAIN", "admin", "admin-secret"));
    ASSERT_EQ(created.exit_code, 0) << created.describe();
    for (const auto& mechanism : {"SCRAM-SHA-256", "PLAIN"}) {
        auto wrong = samsa({"users", "describe"}, scram(mechanism, mechanism == std::string("PLAIN") ? "admin" : "alice",
                                                        "not-the-password"));
        EXPECT_EQ(wrong.exit_code, 1) << wrong.describe();
        EXPECT_FALSE(wrong.timed_out) << wrong.describe();
        EXPECT_NE(wrong.err.find("SASL authentication as"), std::string::npos) << wrong.err;
        EXPECT_NE(wrong.err.find("SASL_AUTHENTICATION_FAILED"), std::string::npos) << wrong.err;
    }
}

TEST_F(wire_cli_tls, a_ca_that_did_not_sign_the_broker_certificate_is_a_clear_tls_error) {
    auto security = scram("PLAIN", "admin", "admin-secret");
    security.push_back({"ssl.ca.location", pki().path("rogue-ca.pem")});  // later wins, as librdkafka's -X
    auto untrusted = samsa({"quotas", "describe"}, security);
    EXPECT_EQ(untrusted.exit_code, 1) << untrusted.describe();
    EXPECT_FALSE(untrusted.timed_out) << untrusted.describe();
    EXPECT_NE(untrusted.err.find("TLS handshake with"), std::string::npos) << untrusted.err;
    EXPECT_NE(untrusted.err.find("not trusted"), std::string::npos) << untrusted.err;

    // Plain TCP to the TLS port gets no Kafka answer: an error, not a hang.
    auto plaintext = samsa({"quotas", "describe"}, {}, "3000");
    EXPECT_NE(plaintext.exit_code, 0) << plaintext.describe();
    EXPECT_FALSE(plaintext.timed_out) << plaintext.describe();
}

}  // namespace
}  // namespace samsa::e2e::security
