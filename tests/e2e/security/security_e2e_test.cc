// TLS and SASL end to end: the real samsa-broker with SSL, SASL_SSL and
// SASL_PLAINTEXT listeners (certificates made by openssl for the run),
// driven by librdkafka, kcat, kafka-python and raw requests. Each positive
// test produces, consumes and makes an admin call over the secured listener;
// each negative one checks the refusal and that the broker still serves a
// second, well-behaved client.

#include <gtest/gtest.h>

#include <fstream>

#include "samsa/broker/security/scram/scram.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/alter_user_scram_credentials.h"
#include "samsa/protocol/messages/api_versions.h"
#include "samsa/protocol/messages/describe_user_scram_credentials.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/sasl_authenticate.h"
#include "samsa/protocol/messages/sasl_handshake.h"
#include "tests/e2e/broker_test.h"
#include "tests/support/raw_client.h"
#include "tests/e2e/security/test_pki.h"
#include "tests/support/sasl_plain.h"

namespace samsa::e2e {
namespace {

namespace sec = samsa::broker::security;
using protocol::error_code;

const test_pki& pki() {
    const test_pki& p = test_pki::shared();
    EXPECT_TRUE(p.ok()) << p.error();
    return p;
}

// The client side of a connection, as librdkafka (and kcat -X) spell it.
config_map ssl_client(bool with_client_cert = false) {
    config_map c{{"security.protocol", "SSL"}, {"ssl.ca.location", pki().path("ca.pem")}};
    if (with_client_cert) {
        c["ssl.certificate.location"] = pki().path("alice.pem");
        c["ssl.key.location"] = pki().path("alice.key");
    }
    return c;
}

config_map sasl_client(const std::string& protocol, const std::string& mechanism, const std::string& user,
                       const std::string& password) {
    config_map c{{"security.protocol", protocol}, {"sasl.mechanisms", mechanism}, {"sasl.username", user},
                 {"sasl.password", password}};
    if (protocol == "SASL_SSL") c["ssl.ca.location"] = pki().path("ca.pem");
    return c;
}

std::vector<std::string> kcat_settings(const config_map& c) {
    std::vector<std::string> out;
    for (const auto& [k, v] : c) {
        out.push_back("-X");
        out.push_back(k + "=" + v);
    }
    return out;
}

// The broker's keystore as PEM files, the truststore as the CA's PEM.
void add_pem_stores(broker_options& o, const std::string& prefix = "") {
    o.overrides.push_back({prefix + "ssl.keystore.type", "PEM"});
    o.overrides.push_back({prefix + "ssl.keystore.location", pki().path("server-bundle.pem")});
    o.overrides.push_back({prefix + "ssl.truststore.type", "PEM"});
    o.overrides.push_back({prefix + "ssl.truststore.location", pki().path("ca.pem")});
}

class security_test : public broker_test {
protected:
    void TearDown() override {
        set_client_security({});
        broker_test::TearDown();
    }

    // Produce, consume back, and an admin call (CreateTopics), all with `client`.
    void round_trip(const config_map& client, const std::string& topic) {
        set_client_security(client);
        ASSERT_TRUE(create_topic(bootstrap(), topic, 2)) << "CreateTopics over " << client.at("security.protocol");
        auto produced = produce(bootstrap(), topic, make_records(20, 5, "v"));
        ASSERT_TRUE(produced) << produced.error().message;
        auto read = read_all(bootstrap(), topic, 2, 20);
        ASSERT_TRUE(read) << read.error().message;
        EXPECT_EQ(read->size(), 20u);
        set_client_security({});
    }

    // kcat -L with the settings; its result (bounded).
    command_result kcat_metadata(const config_map& client, std::chrono::milliseconds timeout = 20s) {
        auto args = kcat_settings(client);
        args.insert(args.end(), {"-L", "-m", "5"});
        return run_kcat(args, {}, timeout);
    }
};

// ---- SSL ----

class ssl_pem_test : public security_test {
protected:
    broker_options make_broker_options() const override {
        broker_options o;
        o.listener_name = "SSL";
        // The key and its chain in one PEM file, as ssl.keystore.location allows.
        std::ofstream(pki().path("server-bundle.pem")) << pki().text("server.key") << pki().text("server.pem");
        add_pem_stores(o);
        return o;
    }
};

TEST_F(ssl_pem_test, librdkafka_and_kcat_produce_consume_and_admin_over_tls) {
    round_trip(ssl_client(), "tls-topic");
    auto args = kcat_settings(ssl_client());
    args.insert(args.end(), {"-P", "-t", "tls-topic", "-p", "0"});
    auto p = run_kcat(args, "from-kcat\n");
    ASSERT_COMMAND_OK(p);
    args = kcat_settings(ssl_client());
    args.insert(args.end(), {"-C", "-t", "tls-topic", "-p", "0", "-o", "beginning", "-e", "-f", "%s\n"});
    auto c = run_kcat(args);
    ASSERT_COMMAND_OK(c);
    EXPECT_NE(c.out.find("from-kcat"), std::string::npos) << c.out;
}

// Record sets of 4 KiB and more leave the log as file ranges (sendfile on
// plaintext); TLS reads them and encrypts them: every byte must survive.
TEST_F(ssl_pem_test, large_record_sets_from_segment_files_are_read_byte_for_byte_over_tls) {
    set_client_security(ssl_client());
    ASSERT_TRUE(create_topic(bootstrap(), "tls-large", 1));
    std::vector<record> records;
    for (int i = 0; i < 400; ++i) {
        record r;
        r.key = "k" + std::to_string(i);
        r.value = std::string(8192, static_cast<char>('A' + i % 50));
        r.value[static_cast<size_t>(i) % r.value.size()] = '#';  // a byte that moves from record to record
        r.partition = 0;
        records.push_back(std::move(r));
    }
    auto produced = produce(bootstrap(), "tls-large", records, {{"acks", "all"}, {"compression.codec", "none"}});
    ASSERT_TRUE(produced) << produced.error().message;
    auto read = read_all(bootstrap(), "tls-large", 1, records.size(), 60s);
    set_client_security({});
    ASSERT_TRUE(read) << read.error().message;
    ASSERT_EQ(read->size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
        EXPECT_EQ((*read)[i].offset, static_cast<int64_t>(i));
        EXPECT_EQ((*read)[i].value, records[i].value) << "offset " << i;
    }
}

TEST_F(ssl_pem_test, a_plaintext_client_on_the_tls_port_gets_no_kafka_answer) {
    raw_client raw(broker().port());
    ASSERT_TRUE(raw.connected());
    protocol::request_header h;
    h.api_version = 0;
    h.correlation_id = 1;
    h.client_id = "plain";
    ASSERT_TRUE(raw.send(protocol::encode_request_frame(h, protocol::metadata_request{})));
    // Whatever comes back is a TLS alert or nothing, never a Kafka response; then the close.
    EXPECT_TRUE(raw.closed_by_peer());
    auto ok = kcat_metadata(ssl_client());
    EXPECT_COMMAND_OK(ok);
}

TEST_F(ssl_pem_test, a_client_that_does_not_trust_the_broker_certificate_is_refused) {
    config_map c{{"security.protocol", "SSL"}, {"ssl.ca.location", pki().path("rogue-ca.pem")}};
    auto r = kcat_metadata(c, 15s);
    EXPECT_FALSE(r.ok()) << r.describe();
    EXPECT_COMMAND_OK(kcat_metadata(ssl_client()));
}

class ssl_pkcs12_mtls_test : public security_test {
protected:
    broker_options make_broker_options() const override {
        broker_options o;
        o.listener_name = "SSL";
        o.overrides = {{"ssl.keystore.type", "PKCS12"},
                       {"ssl.keystore.location", pki().path("server.p12")},
                       {"ssl.keystore.password", "storepass"},
                       {"ssl.key.password", "storepass"},
                       {"ssl.truststore.type", "PKCS12"},
                       {"ssl.truststore.location", pki().path("ca.p12")},
                       {"ssl.truststore.password", "storepass"},
                       {"ssl.client.auth", "required"},
                       {"ssl.enabled.protocols", "TLSv1.2,TLSv1.3"},
                       {"ssl.principal.mapping.rules", "RULE:^CN=([a-z]+),.*$/$1/L,DEFAULT"}};
        return o;
    }
};

TEST_F(ssl_pkcs12_mtls_test, a_client_certificate_from_the_trusted_ca_is_served) {
    round_trip(ssl_client(true), "mtls-topic");
}

TEST_F(ssl_pkcs12_mtls_test, no_client_certificate_or_an_untrusted_one_is_refused) {
    auto none = kcat_metadata(ssl_client(false), 15s);
    EXPECT_FALSE(none.ok()) << none.describe();
    config_map rogue = ssl_client(false);
    rogue["ssl.certificate.location"] = pki().path("rogue.pem");
    rogue["ssl.key.location"] = pki().path("rogue.key");
    auto untrusted = kcat_metadata(rogue, 15s);
    EXPECT_FALSE(untrusted.ok()) << untrusted.describe();
    EXPECT_COMMAND_OK(kcat_metadata(ssl_client(true)));
    EXPECT_NE(broker().log_text().find("TLS failed"), std::string::npos);
}

TEST_F(ssl_pkcs12_mtls_test, an_expired_client_certificate_is_refused) {
    config_map expired = ssl_client(false);
    expired["ssl.certificate.location"] = pki().path("expired.pem");
    expired["ssl.key.location"] = pki().path("expired.key");
    auto refused = kcat_metadata(expired, 15s);
    EXPECT_FALSE(refused.ok()) << refused.describe();
    // OpenSSL's verify result, in the broker's TLS failure line.
    EXPECT_NE(broker().log_text().find("certificate has expired"), std::string::npos) << broker().log_tail();
    EXPECT_COMMAND_OK(kcat_metadata(ssl_client(true)));  // the broker carries on
}

// ---- SASL ----

// Creates (or replaces) a SCRAM user through AlterUserScramCredentials on
// `port`, salting the password on the client side as Kafka's admin client does.
// With `login`, the connection first authenticates with PLAIN (a SASL listener).
void add_scram_user(uint16_t port, const std::string& user, const std::string& password, sec::scram_mechanism m,
                    const std::string& login = {}, const std::string& login_password = {}) {
    raw_client raw(port);
    ASSERT_TRUE(raw.connected()) << raw.connect_error();
    if (!login.empty()) {
        auto auth = plain_login(raw, login, login_password);
        ASSERT_TRUE(auth && auth->error_code == error_code::none);
    }
    protocol::alter_user_scram_credentials_request req;
    protocol::scram_credential_upsertion u;
    u.name = user;
    u.mechanism = sec::scram_mechanism_type(m);
    u.iterations = 4096;
    u.salt = to_bytes("salt-of-" + user);
    u.salted_password = sec::scram_salted_password(m, password, u.salt, u.iterations);
    req.upsertions.push_back(u);
    auto resp = raw.call<protocol::alter_user_scram_credentials_response>(req, 0);
    ASSERT_TRUE(resp) << resp.error().message;
    ASSERT_EQ(resp->results.size(), 1u);
    EXPECT_EQ(resp->results[0].error_code, error_code::none) << resp->results[0].error_message.value_or("");
}

// SASL_SSL with PLAIN and SCRAM, and a PLAINTEXT listener beside it for the
// credential admin calls.
class sasl_ssl_test : public security_test {
protected:
    broker_options make_broker_options() const override {
        broker_options o;
        o.listener_name = "SASL_SSL";
        // The broker binds it (port 0) and reports it; start() returns once it accepts too.
        o.extra_listeners = {"PLAINTEXT"};
        std::ofstream(pki().path("server-bundle.pem")) << pki().text("server.key") << pki().text("server.pem");
        add_pem_stores(o, "listener.name.sasl_ssl.");
        o.overrides.push_back({"listener.name.sasl_ssl.sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512"});
        o.overrides.push_back({"listener.name.sasl_ssl.plain.sasl.jaas.config",
                               "org.apache.kafka.common.security.plain.PlainLoginModule required "
                               "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" "
                               "user_alice=\"alice-secret\";"});
        o.overrides.push_back({"connection.failed.authentication.delay.ms", "50"});
        return o;
    }
    uint16_t admin_port() { return broker().listener_port("PLAINTEXT"); }
};

TEST_F(sasl_ssl_test, plain_produce_consume_admin_with_librdkafka_and_kcat) {
    round_trip(sasl_client("SASL_SSL", "PLAIN", "alice", "alice-secret"), "plain-topic");
    EXPECT_COMMAND_OK(kcat_metadata(sasl_client("SASL_SSL", "PLAIN", "admin", "admin-secret")));
}

TEST_F(sasl_ssl_test, scram_sha_512_users_made_with_alter_user_scram_credentials) {
    add_scram_user(admin_port(), "bob", "bob-secret", sec::scram_mechanism::sha512);
    add_scram_user(admin_port(), "carol", "carol-secret", sec::scram_mechanism::sha256);
    round_trip(sasl_client("SASL_SSL", "SCRAM-SHA-512", "bob", "bob-secret"), "scram-topic");
    EXPECT_COMMAND_OK(kcat_metadata(sasl_client("SASL_SSL", "SCRAM-SHA-256", "carol", "carol-secret")));
    // A consumer group over SASL_SSL (kcat -G: JoinGroup, SyncGroup, OffsetCommit).
    auto args = kcat_settings(sasl_client("SASL_SSL", "SCRAM-SHA-512", "bob", "bob-secret"));
    args.insert(args.end(), {"-X", "auto.offset.reset=earliest", "-G", "scram-group", "-e", "-c", "20", "-f", "%s\n",
                             "scram-topic"});
    auto g = run_kcat(args, {}, 60s);
    EXPECT_COMMAND_OK(g);
    // Describe answers what is stored, never the keys; the file survives.
    raw_client raw(admin_port());
    protocol::describe_user_scram_credentials_request d;
    auto desc = raw.call<protocol::describe_user_scram_credentials_response>(d, 0);
    ASSERT_TRUE(desc) << desc.error().message;
    ASSERT_EQ(desc->results.size(), 2u);
    EXPECT_EQ(desc->results[0].user, "bob");
    ASSERT_EQ(desc->results[0].credential_infos.size(), 1u);
    EXPECT_EQ(desc->results[0].credential_infos[0].mechanism, 2);
    EXPECT_EQ(desc->results[0].credential_infos[0].iterations, 4096);
    std::ifstream file(broker().data_dir() / "data" / "scram-credentials.json");
    std::string text((std::istreambuf_iterator<char>(file)), {});
    EXPECT_NE(text.find("\"bob\""), std::string::npos);
    EXPECT_EQ(text.find("bob-secret"), std::string::npos);
    ASSERT_TRUE(broker().restart());
    EXPECT_COMMAND_OK(kcat_metadata(sasl_client("SASL_SSL", "SCRAM-SHA-512", "bob", "bob-secret")));
}

TEST_F(sasl_ssl_test, wrong_password_and_unknown_user_are_refused_and_the_broker_carries_on) {
    add_scram_user(admin_port(), "bob", "bob-secret", sec::scram_mechanism::sha512);
    auto wrong = kcat_metadata(sasl_client("SASL_SSL", "PLAIN", "alice", "nope"), 15s);
    EXPECT_FALSE(wrong.ok());
    EXPECT_NE(wrong.err.find("Invalid username or password"), std::string::npos) << wrong.describe();
    auto unknown = kcat_metadata(sasl_client("SASL_SSL", "PLAIN", "nobody", "x"), 15s);
    EXPECT_FALSE(unknown.ok());
    auto scram_wrong = kcat_metadata(sasl_client("SASL_SSL", "SCRAM-SHA-512", "bob", "nope"), 15s);
    EXPECT_FALSE(scram_wrong.ok());
    EXPECT_NE(scram_wrong.err.find("Authentication failed"), std::string::npos) << scram_wrong.describe();
    auto scram_unknown = kcat_metadata(sasl_client("SASL_SSL", "SCRAM-SHA-512", "nobody", "x"), 15s);
    EXPECT_FALSE(scram_unknown.ok());
    EXPECT_COMMAND_OK(kcat_metadata(sasl_client("SASL_SSL", "PLAIN", "alice", "alice-secret")));
}

TEST_F(sasl_ssl_test, kafkajs_plain_and_scram_over_ssl) {
    add_scram_user(admin_port(), "jsuser", "js-secret", sec::scram_mechanism::sha512);
    auto plain = run_node("kafkajs_sasl_ssl.js", {pki().path("ca.pem"), "plain", "alice", "alice-secret", "js-plain"});
    EXPECT_COMMAND_OK(plain);
    auto scram = run_node("kafkajs_sasl_ssl.js",
                          {pki().path("ca.pem"), "scram-sha-512", "jsuser", "js-secret", "js-scram"});
    EXPECT_COMMAND_OK(scram);
    auto wrong = run_node("kafkajs_sasl_ssl.js",
                          {pki().path("ca.pem"), "scram-sha-512", "jsuser", "nope", "js-bad", "expect-failure"});
    EXPECT_COMMAND_OK(wrong);
}

TEST_F(sasl_ssl_test, confluent_kafka_scram_sha_512_over_ssl) {
    add_scram_user(admin_port(), "cfuser", "cf-secret", sec::scram_mechanism::sha512);
    auto r = run_python("confluent_security.py",
                        {"cf-topic", "security.protocol=SASL_SSL", "sasl.mechanisms=SCRAM-SHA-512",
                         "sasl.username=cfuser", "sasl.password=cf-secret", "ssl.ca.location=" + pki().path("ca.pem")});
    EXPECT_COMMAND_OK(r);
}

// SASL_PLAINTEXT, spoken by hand: the exact answers of the state machine.
class sasl_plaintext_test : public security_test {
protected:
    broker_options make_broker_options() const override {
        return sasl_plaintext_broker_options({{"alice", "alice-secret"}});
    }
};

TEST_F(sasl_plaintext_test, an_unsupported_mechanism_is_refused_with_the_enabled_list) {
    raw_client raw(broker().port());
    protocol::sasl_handshake_request req{"GSSAPI"};
    auto resp = raw.call<protocol::sasl_handshake_response>(req, 1);
    ASSERT_TRUE(resp) << resp.error().message;
    EXPECT_EQ(resp->error_code, error_code::unsupported_sasl_mechanism);
    EXPECT_EQ(resp->mechanisms, (std::vector<std::string>{"PLAIN", "SCRAM-SHA-256"}));
    EXPECT_TRUE(raw.closed_by_peer());
}

TEST_F(sasl_plaintext_test, authenticate_before_handshake_is_illegal_sasl_state) {
    raw_client raw(broker().port());
    protocol::sasl_authenticate_request req{plain_token("alice", "alice-secret")};
    auto resp = raw.call<protocol::sasl_authenticate_response>(req, 1);
    ASSERT_TRUE(resp) << resp.error().message;
    EXPECT_EQ(resp->error_code, error_code::illegal_sasl_state);
    EXPECT_TRUE(raw.closed_by_peer());
}

TEST_F(sasl_plaintext_test, requests_before_authentication_close_the_connection) {
    raw_client raw(broker().port());
    auto versions = raw.call<protocol::api_versions_response>(protocol::api_versions_request{}, 0);
    ASSERT_TRUE(versions) << versions.error().message;  // ApiVersions is allowed
    protocol::request_header h;
    h.api_version = 1;
    h.correlation_id = 7;
    ASSERT_TRUE(raw.send(protocol::encode_request_frame(h, protocol::metadata_request{})));
    EXPECT_TRUE(raw.closed_by_peer());
}

TEST_F(sasl_plaintext_test, plain_by_hand_then_metadata_is_served) {
    raw_client raw(broker().port());
    auto hs = raw.call<protocol::sasl_handshake_response>(protocol::sasl_handshake_request{"PLAIN"}, 1);
    ASSERT_TRUE(hs);
    ASSERT_EQ(hs->error_code, error_code::none);
    auto auth = raw.call<protocol::sasl_authenticate_response>(
        protocol::sasl_authenticate_request{plain_token("alice", "alice-secret")}, 2);
    ASSERT_TRUE(auth) << auth.error().message;
    EXPECT_EQ(auth->error_code, error_code::none);
    auto md = raw.call<protocol::metadata_response>(protocol::metadata_request{}, 1);
    ASSERT_TRUE(md) << md.error().message;
    // A second authentication on the same connection is ILLEGAL_SASL_STATE.
    auto again = raw.call<protocol::sasl_authenticate_response>(
        protocol::sasl_authenticate_request{plain_token("alice", "alice-secret")}, 2);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->error_code, error_code::illegal_sasl_state);
}

TEST_F(sasl_plaintext_test, kafka_python_scram_sha_256_over_sasl_plaintext) {
    add_scram_user(broker().port(), "pyuser", "py-secret", sec::scram_mechanism::sha256, "alice", "alice-secret");
    auto r = run_python("kafka_python_security.py",
                        {"py-scram", "security_protocol=SASL_PLAINTEXT", "sasl_mechanism=SCRAM-SHA-256",
                         "sasl_plain_username=pyuser", "sasl_plain_password=py-secret"});
    EXPECT_COMMAND_OK(r);
    auto bad = run_python("kafka_python_security.py",
                          {"py-bad", "security_protocol=SASL_PLAINTEXT", "sasl_mechanism=SCRAM-SHA-256",
                           "sasl_plain_username=pyuser", "sasl_plain_password=wrong"},
                          60s);
    EXPECT_FALSE(bad.ok()) << bad.describe();
}

TEST_F(ssl_pem_test, kafka_python_over_ssl) {
    auto r = run_python("kafka_python_security.py",
                        {"py-ssl", "security_protocol=SSL", "ssl_cafile=" + pki().path("ca.pem")});
    EXPECT_COMMAND_OK(r);
}

}  // namespace
}  // namespace samsa::e2e
