// SASL re-authentication (KIP-368) against the real samsa-broker with
// connections.max.reauth.ms set: SaslAuthenticate v1+ answers the session
// lifetime; a SaslHandshake on the authenticated connection re-authenticates
// it (same mechanism and principal only); a request after the session ended
// without re-authenticating closes the connection, as Kafka; kafkajs keeps
// producing across re-authentications.

#include <gtest/gtest.h>

#include <thread>

#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/sasl_authenticate.h"
#include "samsa/protocol/messages/sasl_handshake.h"
#include "tests/e2e/broker_test.h"
#include "tests/support/raw_client.h"
#include "tests/support/sasl_plain.h"

namespace samsa::e2e {
namespace {

using protocol::error_code;

constexpr int64_t lifetime_ms = 3000;

class reauth_test : public broker_test {
protected:
    broker_options make_broker_options() const override {
        broker_options o = sasl_plaintext_broker_options({{"alice", "alice-secret"}, {"bob", "bob-secret"}});
        o.overrides.push_back({"connections.max.reauth.ms", std::to_string(lifetime_ms)});
        return o;
    }

    // Handshake and PLAIN on `raw`; the SaslAuthenticate answer.
    protocol::sasl_authenticate_response login(raw_client& raw, const std::string& mechanism, const std::string& user,
                                               const std::string& password, int16_t version = 2) {
        auto auth = plain_login(raw, user, password, mechanism, version);
        EXPECT_TRUE(auth) << auth.error().message;
        return auth ? *auth : protocol::sasl_authenticate_response{};
    }

    bool metadata_served(raw_client& raw) {
        return raw.call<protocol::metadata_response>(protocol::metadata_request{}, 1).has_value();
    }

    // Past the session's end (sleeping is the point here: the session is a
    // deadline; the checks after it do not depend on how late we are).
    static void outlive_the_session() { std::this_thread::sleep_for(std::chrono::milliseconds(lifetime_ms + 500)); }
};

TEST_F(reauth_test, the_session_lifetime_is_answered_and_re_authentication_extends_it) {
    raw_client raw(broker().port());
    auto first = login(raw, "PLAIN", "alice", "alice-secret");
    EXPECT_EQ(first.error_code, error_code::none);
    EXPECT_EQ(first.session_lifetime_ms, lifetime_ms);
    ASSERT_TRUE(metadata_served(raw));
    outlive_the_session();
    // Expired, but a SaslHandshake still starts re-authentication.
    auto again = login(raw, "PLAIN", "alice", "alice-secret");
    EXPECT_EQ(again.error_code, error_code::none);
    EXPECT_EQ(again.session_lifetime_ms, lifetime_ms);
    EXPECT_TRUE(metadata_served(raw));
    EXPECT_NE(broker().log_text().find("re-authenticated as User:alice"), std::string::npos);
}

TEST_F(reauth_test, a_request_after_the_session_ended_closes_the_connection) {
    raw_client raw(broker().port());
    ASSERT_EQ(login(raw, "PLAIN", "alice", "alice-secret").error_code, error_code::none);
    outlive_the_session();
    EXPECT_FALSE(metadata_served(raw));
    EXPECT_TRUE(raw.closed_by_peer());
    EXPECT_NE(broker().log_text().find("SASL session expired"), std::string::npos);
    // SaslAuthenticate v0 clients cannot re-authenticate: their session ends too.
    raw_client v0(broker().port());
    auto old = login(v0, "PLAIN", "alice", "alice-secret", 0);
    EXPECT_EQ(old.error_code, error_code::none);
    outlive_the_session();
    EXPECT_FALSE(metadata_served(v0));
}

TEST_F(reauth_test, the_principal_and_mechanism_cannot_change) {
    raw_client raw(broker().port());
    ASSERT_EQ(login(raw, "PLAIN", "alice", "alice-secret").error_code, error_code::none);
    auto bob = login(raw, "PLAIN", "bob", "bob-secret");
    EXPECT_EQ(bob.error_code, error_code::sasl_authentication_failed);
    EXPECT_EQ(bob.error_message.value_or(""), "Cannot change principals during re-authentication from User.alice: User.bob");
    EXPECT_TRUE(raw.closed_by_peer());

    raw_client other(broker().port());
    ASSERT_EQ(login(other, "PLAIN", "alice", "alice-secret").error_code, error_code::none);
    auto hs = other.call<protocol::sasl_handshake_response>(protocol::sasl_handshake_request{"SCRAM-SHA-256"}, 1);
    ASSERT_TRUE(hs);
    EXPECT_EQ(hs->error_code, error_code::none);
    auto auth = other.call<protocol::sasl_authenticate_response>(
        protocol::sasl_authenticate_request{to_bytes(std::string("n,,n=alice,r=abc"))}, 2);
    ASSERT_TRUE(auth);
    EXPECT_EQ(auth->error_code, error_code::sasl_authentication_failed);
    EXPECT_NE(auth->error_message.value_or("").find("not supported for re-authentication of mechanism 'PLAIN'"),
              std::string::npos);
}

TEST_F(reauth_test, kafkajs_keeps_producing_across_re_authentications) {
    // 12 sends 700 ms apart: about three session lifetimes on one connection.
    auto r = run_node("kafkajs_reauth.js", {"plain", "alice", "alice-secret", "reauth-topic", "12", "700"});
    EXPECT_COMMAND_OK(r);
    const std::string log = broker().log_text();
    EXPECT_NE(log.find("re-authenticated as User:alice"), std::string::npos) << log;
    EXPECT_EQ(log.find("SASL session expired"), std::string::npos) << log;
}

}  // namespace
}  // namespace samsa::e2e
