// `samsa users` against the real samsa-broker: SCRAM credentials created,
// described, used by librdkafka to log in over SASL_PLAINTEXT, replaced and
// deleted through the CLI (the admin calls go to a PLAINTEXT listener).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"
#include "tests/support/run_command.h"

namespace samsa::e2e::security {
namespace {

using namespace std::chrono_literals;
using test_support::config_map;

class users_cli : public ::testing::Test {
protected:
    void SetUp() override {
        test_support::broker_options o;
        o.listener_name = "SASL_PLAINTEXT";
        o.extra_listeners = {"PLAINTEXT"};  // the admin calls' listener
        o.overrides = {{"listener.name.sasl_plaintext.sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512"},
                       {"connection.failed.authentication.delay.ms", "0"}};
        broker_ = std::make_unique<test_support::broker_process>(o);
        ASSERT_TRUE(broker_->start()) << broker_->failure();
        admin_port_ = broker_->listener_port("PLAINTEXT");
    }
    void TearDown() override { test_support::set_client_security({}); }

    test_support::command_result samsa(std::vector<std::string> args) {
        args.insert(args.begin(), (test_support::default_broker_binary().parent_path() / "samsa").string());
        args.push_back("--bootstrap-server");
        args.push_back("127.0.0.1:" + std::to_string(admin_port_));
        test_support::command_options o;
        o.timeout = 30s;
        return test_support::run_command(args, o);
    }

    // A metadata request over the SASL listener as `user`.
    bool logs_in(const std::string& mechanism, const std::string& user, const std::string& password) {
        test_support::set_client_security({{"security.protocol", "SASL_PLAINTEXT"},
                                           {"sasl.mechanisms", mechanism},
                                           {"sasl.username", user},
                                           {"sasl.password", password}});
        auto topics = test_support::list_topics(broker_->bootstrap());
        test_support::set_client_security({});
        return topics.has_value();
    }

    uint16_t admin_port_ = 0;
    std::unique_ptr<test_support::broker_process> broker_;
};

TEST_F(users_cli, alter_describe_login_and_delete) {
    auto alter = samsa({"users", "alter", "--user", "alice", "--mechanism", "SCRAM-SHA-512", "--password", "alice-secret",
                        "--iterations", "8192"});
    ASSERT_EQ(alter.exit_code, 0) << alter.describe();
    EXPECT_NE(alter.out.find("Completed updating SCRAM-SHA-512 credentials for user-principal 'alice'"),
              std::string::npos) << alter.out;
    auto bob = samsa({"users", "alter", "--user", "bob", "--mechanism", "SCRAM-SHA-256", "--password", "bob-secret"});
    ASSERT_EQ(bob.exit_code, 0) << bob.describe();

    auto all = samsa({"users", "describe", "--format", "json"});
    ASSERT_EQ(all.exit_code, 0) << all.describe();
    auto j = nlohmann::json::parse(all.out);
    ASSERT_EQ(j.size(), 2u) << all.out;
    EXPECT_EQ(j[0]["user"], "alice");
    EXPECT_EQ(j[0]["credentials"][0]["mechanism"], "SCRAM-SHA-512");
    EXPECT_EQ(j[0]["credentials"][0]["iterations"], 8192);
    EXPECT_EQ(j[1]["credentials"][0]["iterations"], 4096);
    auto text = samsa({"users", "describe", "--user", "bob"});
    ASSERT_EQ(text.exit_code, 0) << text.describe();
    EXPECT_EQ(text.out, "SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-256=iterations=4096\n");

    // The broker verifies a SCRAM login against what the CLI salted.
    EXPECT_TRUE(logs_in("SCRAM-SHA-512", "alice", "alice-secret"));
    EXPECT_TRUE(logs_in("SCRAM-SHA-256", "bob", "bob-secret"));

    // Replaced: the new password works.
    auto again = samsa({"users", "alter", "--user", "alice", "--mechanism", "SCRAM-SHA-512", "--password", "changed"});
    ASSERT_EQ(again.exit_code, 0) << again.describe();
    EXPECT_TRUE(logs_in("SCRAM-SHA-512", "alice", "changed"));

    auto del = samsa({"users", "delete", "--user", "bob", "--mechanism", "SCRAM-SHA-256"});
    ASSERT_EQ(del.exit_code, 0) << del.describe();
    auto gone = samsa({"users", "describe", "--user", "bob"});
    EXPECT_EQ(gone.exit_code, 1) << gone.describe();
    EXPECT_NE(gone.err.find("RESOURCE_NOT_FOUND"), std::string::npos) << gone.err;
    auto twice = samsa({"users", "delete", "--user", "bob", "--mechanism", "SCRAM-SHA-256"});
    EXPECT_EQ(twice.exit_code, 1) << twice.describe();
}

TEST_F(users_cli, kafkas_refusals_and_usage_errors) {
    auto few = samsa({"users", "alter", "--user", "alice", "--mechanism", "SCRAM-SHA-256", "--password", "p",
                      "--iterations", "100"});
    EXPECT_EQ(few.exit_code, 1) << few.describe();
    EXPECT_NE(few.err.find("UNACCEPTABLE_CREDENTIAL"), std::string::npos) << few.err;
    auto bad = samsa({"users", "alter", "--user", "alice", "--mechanism", "PLAIN", "--password", "p"});
    EXPECT_EQ(bad.exit_code, 2) << bad.describe();
    auto no_password = samsa({"users", "alter", "--user", "alice", "--mechanism", "SCRAM-SHA-256"});
    EXPECT_EQ(no_password.exit_code, 2) << no_password.describe();
    auto none = samsa({"users", "describe", "--format", "json"});
    ASSERT_EQ(none.exit_code, 0) << none.describe();
    EXPECT_EQ(nlohmann::json::parse(none.out).size(), 0u) << none.out;
}

}  // namespace
}  // namespace samsa::e2e::security
