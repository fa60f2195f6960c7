#include "samsa/cli/options.h"

#include <gtest/gtest.h>

namespace samsa::cli {
namespace {

TEST(cli_options, key_value_splits_at_the_first_equals_sign) {
    auto kv = parse_key_value("retention.ms=a=b", "--config");
    ASSERT_TRUE(kv);
    EXPECT_EQ(kv->first, "retention.ms");
    EXPECT_EQ(kv->second, "a=b");
    auto empty_value = parse_key_value("k=", "--config");
    ASSERT_TRUE(empty_value);
    EXPECT_EQ(empty_value->second, "");
}

TEST(cli_options, key_value_without_equals_or_key_names_the_flag) {
    auto missing = parse_key_value("retention.ms", "--config");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, errc::invalid_argument);
    EXPECT_NE(missing.error().message.find("--config expects key=value"), std::string::npos);
    EXPECT_FALSE(parse_key_value("=v", "-X"));
}

TEST(cli_options, time_in_milliseconds) {
    auto t = parse_time_ms("1700000000123");
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, 1700000000123);
}

TEST(cli_options, iso_8601_times_in_utc_and_with_zones) {
    EXPECT_EQ(*parse_time_ms("1970-01-01"), 0);
    EXPECT_EQ(*parse_time_ms("1970-01-02T00:00Z"), 86'400'000);
    EXPECT_EQ(*parse_time_ms("2023-11-14T22:13:20Z"), 1'700'000'000'000);
    EXPECT_EQ(*parse_time_ms("2023-11-14T22:13:20.123Z"), 1'700'000'000'123);
    EXPECT_EQ(*parse_time_ms("2023-11-14T22:13:20.1234567Z"), 1'700'000'000'123);
    EXPECT_EQ(*parse_time_ms("2023-11-14T22:13:20"), 1'700'000'000'000);  // no zone: UTC
    EXPECT_EQ(*parse_time_ms("2023-11-15T00:13:20+02:00"), 1'700'000'000'000);
    EXPECT_EQ(*parse_time_ms("2023-11-14T19:13:20-0300"), 1'700'000'000'000);
    EXPECT_EQ(*parse_time_ms("2024-02-29T00:00:00Z"), 1'709'164'800'000);  // leap day
}

TEST(cli_options, malformed_times_are_rejected_with_the_accepted_forms) {
    for (const char* bad : {"", "yesterday", "2023-13-01", "2023-02-30", "2023-11-14T25:00", "2023-11-14T22:13:20Q",
                            "2023-11-14T22", "-5", "2023-11-14T22:13:20.Z", "12abc"}) {
        auto t = parse_time_ms(bad);
        ASSERT_FALSE(t) << bad;
        EXPECT_NE(t.error().message.find("ISO-8601"), std::string::npos) << bad;
    }
}

TEST(cli_options, separators_are_unescaped) {
    EXPECT_EQ(unescape("\\t"), "\t");
    EXPECT_EQ(unescape("a\\nb"), "a\nb");
    EXPECT_EQ(unescape("\\\\"), "\\");
    EXPECT_EQ(unescape("::"), "::");
    EXPECT_EQ(unescape("\\x"), "\\x");
    EXPECT_EQ(unescape("end\\"), "end\\");
}

TEST(cli_options, properties_files_follow_java_syntax) {
    auto props = parse_properties("# security\nsecurity.protocol = SASL_SSL\n! other comment\n\nsasl.mechanism: PLAIN\n");
    ASSERT_TRUE(props);
    ASSERT_EQ(props->size(), 2u);
    EXPECT_EQ((*props)[0], key_value("security.protocol", "SASL_SSL"));
    EXPECT_EQ((*props)[1], key_value("sasl.mechanism", "PLAIN"));
    EXPECT_FALSE(parse_properties("just-a-word\n"));
}

TEST(cli_options, client_config_applies_the_file_then_dash_x) {
    connection_options o;
    o.bootstrap_server = "h1:9092,h2:9092";
    o.client_properties = {"acks=1", "linger.ms=0"};
    o.timeout_ms = 1234;
    auto c = make_client_config(o);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->bootstrap, "h1:9092,h2:9092");
    EXPECT_EQ(c->timeout.count(), 1234);
    ASSERT_EQ(c->properties.size(), 2u);
    EXPECT_EQ(c->properties[1], key_value("linger.ms", "0"));

    o.command_config = "/nonexistent/client.properties";
    auto missing = make_client_config(o);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("/nonexistent/client.properties"), std::string::npos);
}

TEST(cli_options, java_client_security_settings_become_librdkafka_ones) {
    auto out = translate_java_client_properties(
        {{"security.protocol", "SASL_SSL"},
         {"sasl.mechanism", "SCRAM-SHA-512"},
         {"sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" "
                              "password=\"s3cr=t\";"},
         {"ssl.truststore.type", "PEM"},
         {"ssl.truststore.location", "/etc/ca.pem"},
         {"ssl.ca.location", "/other.pem"}});
    EXPECT_EQ(out, (std::vector<key_value>{{"security.protocol", "SASL_SSL"},
                                           {"sasl.mechanisms", "SCRAM-SHA-512"},
                                           {"sasl.username", "alice"},
                                           {"sasl.password", "s3cr=t"},
                                           {"ssl.ca.location", "/etc/ca.pem"},
                                           {"ssl.ca.location", "/other.pem"}}));
}

TEST(cli_options, non_negative_numbers) {
    EXPECT_EQ(*parse_non_negative("0", "--offset"), 0);
    EXPECT_EQ(*parse_non_negative("42", "--offset"), 42);
    EXPECT_FALSE(parse_non_negative("-1", "--offset"));
    EXPECT_FALSE(parse_non_negative("4x", "--offset"));
    EXPECT_FALSE(parse_non_negative("", "--offset"));
}

}  // namespace
}  // namespace samsa::cli
