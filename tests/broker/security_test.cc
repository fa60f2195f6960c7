#include <gtest/gtest.h>

#include <filesystem>

#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/security/listener_security.h"
#include "samsa/broker/security/sasl/sasl_server.h"
#include "samsa/broker/security/scram/scram.h"
#include "samsa/broker/security/scram/scram_store.h"
#include "samsa/broker/security/tls/principal_mapping.h"
#include "tests/support/temp_dir.h"

namespace samsa::broker::security {
namespace {

// RFC 7677 section 3: user "user", password "pencil".
TEST(scram, rfc7677_example_exchange_verifies_and_signs) {
    auto salt = base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    ASSERT_TRUE(salt);
    auto cred = scram_credential_from_salted(scram_mechanism::sha256, *salt,
                                             scram_salted_password(scram_mechanism::sha256, "pencil", *salt, 4096), 4096);
    scram_exchange ex(scram_mechanism::sha256, [&](const std::string& u) -> std::optional<scram_credential> {
        if (u == "user") return cred;
        return std::nullopt;
    });
    ex.fix_server_nonce("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
    auto first = ex.evaluate("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    ASSERT_TRUE(first.ok) << first.error;
    EXPECT_EQ(first.reply, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    auto last = ex.evaluate("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                            "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    ASSERT_TRUE(last.ok) << last.error;
    EXPECT_TRUE(last.done);
    EXPECT_EQ(last.reply, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    EXPECT_EQ(ex.user(), "user");
}

TEST(scram, a_wrong_proof_or_unknown_user_fails) {
    auto salt = base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    auto cred = scram_credential_from_salted(scram_mechanism::sha256, *salt,
                                             scram_salted_password(scram_mechanism::sha256, "other", *salt, 4096), 4096);
    scram_exchange ex(scram_mechanism::sha256, [&](const std::string&) { return std::optional(cred); });
    ex.fix_server_nonce("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
    ASSERT_TRUE(ex.evaluate("n,,n=user,r=rOprNGfwEbeRWgbNEkqO").ok);
    auto last = ex.evaluate("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                            "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    EXPECT_FALSE(last.ok);
    scram_exchange unknown(scram_mechanism::sha512, [](const std::string&) { return std::optional<scram_credential>(); });
    EXPECT_FALSE(unknown.evaluate("n,,n=nobody,r=abc").ok);
    scram_exchange garbage(scram_mechanism::sha512, [](const std::string&) { return std::optional<scram_credential>(); });
    EXPECT_FALSE(garbage.evaluate("hello").ok);
}

TEST(scram_store, credentials_survive_a_reopen_and_hold_no_password) {
    test_support::temp_dir dir("scram");
    {
        auto store = scram_store::open(dir.string());
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->upsert("alice", scram_mechanism::sha512, scram_make_credential(scram_mechanism::sha512, "pw", 4096)));
        ASSERT_TRUE(store->upsert("bob", scram_mechanism::sha256, scram_make_credential(scram_mechanism::sha256, "pw", 8192)));
        EXPECT_TRUE(*store->remove("bob", scram_mechanism::sha256));
        EXPECT_FALSE(*store->remove("bob", scram_mechanism::sha256));
    }
    auto again = scram_store::open(dir.string());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->users(), std::vector<std::string>{"alice"});
    EXPECT_EQ(again->describe("alice").at(scram_mechanism::sha512), 4096);
    EXPECT_FALSE(again->find("alice", scram_mechanism::sha256));
}

TEST(principal_mapping, default_and_rules_as_kafka) {
    auto m = principal_mapping::parse("RULE:^CN=(.*?),OU=(.*?),O=(.*)$/$1@$3/L, RULE:^CN=([a-z]+)$/$1/U,DEFAULT");
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->map("CN=Alice,OU=dev,O=Samsa"), "alice@samsa");
    EXPECT_EQ(m->map("CN=bob"), "BOB");
    EXPECT_EQ(m->map("O=x"), "O=x");
    auto d = principal_mapping::parse("DEFAULT");
    EXPECT_EQ(d->map("CN=x,O=y"), "CN=x,O=y");
    auto strict = principal_mapping::parse("RULE:^CN=(.*)$/$1/");
    EXPECT_FALSE(strict->map("O=x"));
    EXPECT_FALSE(principal_mapping::parse("NOPE"));
}

TEST(jaas, plain_login_module_users) {
    auto users = parse_plain_jaas_users(
        "org.apache.kafka.common.security.plain.PlainLoginModule required\n username=\"admin\" "
        "password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"a=b c\";");
    ASSERT_TRUE(users);
    EXPECT_EQ(*users, (std::map<std::string, std::string>{{"admin", "admin-secret"}, {"alice", "a=b c"}}));
}

sasl_settings plain_settings() {
    sasl_settings s;
    s.mechanisms = {"PLAIN", "SCRAM-SHA-512"};
    s.plain_users = {{"alice", "pw"}};
    return s;
}

TEST(sasl_server, plain_and_the_state_machine) {
    auto settings = plain_settings();
    sasl_server ok(settings);
    EXPECT_EQ(ok.handshake("PLAIN", 1), protocol::error_code::none);
    auto step = ok.authenticate(as_bytes(std::string_view("\0alice\0pw", 9)));
    EXPECT_TRUE(step.done);
    EXPECT_TRUE(ok.authenticated());
    EXPECT_EQ(ok.user(), "alice");
    EXPECT_EQ(ok.handshake("PLAIN", 1), protocol::error_code::illegal_sasl_state);

    sasl_server wrong(settings);
    EXPECT_EQ(wrong.handshake("PLAIN", 0), protocol::error_code::none);
    EXPECT_TRUE(wrong.expects_raw_tokens());
    EXPECT_EQ(wrong.authenticate(as_bytes(std::string_view("\0alice\0no", 9))).error,
              protocol::error_code::sasl_authentication_failed);
    EXPECT_FALSE(wrong.authenticated());

    sasl_server mech(settings);
    EXPECT_EQ(mech.handshake("GSSAPI", 1), protocol::error_code::unsupported_sasl_mechanism);
    sasl_server early(settings);
    EXPECT_EQ(early.authenticate(as_bytes(std::string_view("x"))).error, protocol::error_code::illegal_sasl_state);
}

TEST(listener_security, protocol_map_and_per_listener_keys) {
    properties p;
    p.set("listeners", "CLIENT://127.0.0.1:0,INTERNAL://127.0.0.1:0");
    p.set("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT");
    p.set("sasl.enabled.mechanisms", "GSSAPI");
    p.set("listener.name.client.sasl.enabled.mechanisms", "PLAIN,GSSAPI");
    p.set("listener.name.client.plain.sasl.jaas.config", "x required user_bob=\"b\";");
    auto c = load_broker_config(p, {});
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->config.listeners.size(), 2u);
    EXPECT_EQ(c->config.listeners[0].security_protocol, "SASL_PLAINTEXT");
    EXPECT_EQ(c->config.listeners[1].security_protocol, "PLAINTEXT");
    auto sec = make_listener_security(c->config, c->config.listeners[0], nullptr);
    ASSERT_TRUE(sec) << sec.error().message;
    ASSERT_TRUE((*sec)->sasl);
    EXPECT_EQ((*sec)->sasl->mechanisms, std::set<std::string>{"PLAIN"});
    EXPECT_EQ((*sec)->sasl->plain_users.at("bob"), "b");
    properties unknown;
    unknown.set("listeners", "FOO://127.0.0.1:0");
    EXPECT_FALSE(load_broker_config(unknown, {}));
    properties ssl;
    ssl.set("listeners", "SSL://127.0.0.1:0");
    ssl.set("ssl.keystore.type", "PEM");
    auto sc = load_broker_config(ssl, {});
    ASSERT_TRUE(sc);
    auto s = make_listener_security(sc->config, sc->config.listeners[0], nullptr);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("ssl.keystore"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace samsa::broker::security
