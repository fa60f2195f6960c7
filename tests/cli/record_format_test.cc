#include "samsa/cli/record_format.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace samsa::cli {
namespace {

kafka::record sample() {
    kafka::record r;
    r.topic = "orders";
    r.partition = partition_id(2);
    r.offset = offset(17);
    r.timestamp = timestamp_ms(1700000000000);
    r.ts_type = kafka::timestamp_type::create_time;
    r.key = "k1";
    r.value = "v1";
    r.headers = {{"h1", "a"}, {"h2", std::nullopt}};
    return r;
}

TEST(cli_record_format, text_prints_only_the_value_by_default) {
    EXPECT_EQ(format_text(sample(), {}), "v1\n");
}

TEST(cli_record_format, text_with_every_field_follows_the_console_consumer) {
    text_format_options o;
    o.print_timestamp = o.print_partition = o.print_offset = o.print_headers = o.print_key = true;
    EXPECT_EQ(format_text(sample(), o), "CreateTime:1700000000000\tPartition:2\tOffset:17\th1:a,h2:null\tk1\tv1\n");
}

TEST(cli_record_format, text_nulls_missing_headers_and_custom_separators) {
    auto r = sample();
    r.key.reset();
    r.value.reset();
    r.headers.clear();
    r.ts_type = kafka::timestamp_type::none;
    text_format_options o;
    ASSERT_TRUE(apply_format_property(o, "print.key", "true"));
    ASSERT_TRUE(apply_format_property(o, "print.headers", "true"));
    ASSERT_TRUE(apply_format_property(o, "print.timestamp", "true"));
    ASSERT_TRUE(apply_format_property(o, "key.separator", " | "));
    ASSERT_TRUE(apply_format_property(o, "null.literal", "<null>"));
    EXPECT_EQ(format_text(r, o), "NO_TIMESTAMP | NO_HEADERS | <null> | <null>\n");
}

TEST(cli_record_format, text_without_the_value_ends_the_line_after_the_key) {
    text_format_options o;
    o.print_key = true;
    o.print_value = false;
    EXPECT_EQ(format_text(sample(), o), "k1\n");
}

TEST(cli_record_format, unknown_or_malformed_properties_are_rejected) {
    text_format_options o;
    auto unknown = apply_format_property(o, "print.everything", "true");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("print.everything"), std::string::npos);
    EXPECT_FALSE(apply_format_property(o, "print.key", "yes"));
}

TEST(cli_record_format, json_is_one_object_per_line) {
    auto line = format_json(sample());
    ASSERT_EQ(line.back(), '\n');
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["topic"], "orders");
    EXPECT_EQ(j["partition"], 2);
    EXPECT_EQ(j["offset"], 17);
    EXPECT_EQ(j["timestamp"], 1700000000000);
    EXPECT_EQ(j["timestamp_type"], "CreateTime");
    EXPECT_EQ(j["key"], "k1");
    EXPECT_EQ(j["value"], "v1");
    ASSERT_EQ(j["headers"].size(), 2u);
    EXPECT_EQ(j["headers"][0]["key"], "h1");
    EXPECT_TRUE(j["headers"][1]["value"].is_null());
}

TEST(cli_record_format, json_keeps_nulls_and_survives_bytes_that_are_not_utf8) {
    auto r = sample();
    r.key.reset();
    r.value = std::string("\xff\xfe ok", 5);
    auto j = nlohmann::json::parse(format_json(r));
    EXPECT_TRUE(j["key"].is_null());
    EXPECT_NE(j["value"].get<std::string>().find(" ok"), std::string::npos);
}

TEST(cli_record_format, output_format_names) {
    EXPECT_EQ(*parse_output_format("json"), output_format::json);
    EXPECT_EQ(*parse_output_format("text"), output_format::text);
    EXPECT_FALSE(parse_output_format("xml"));
}

TEST(cli_line_reader, plain_lines_are_values_without_keys) {
    auto r = parse_line("hello\tworld", {}, 1);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->key);
    EXPECT_EQ(r->value, "hello\tworld");
    auto empty = parse_line("", {}, 1);
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->value, "");
}

TEST(cli_line_reader, keys_split_at_the_first_separator) {
    line_reader_options o;
    ASSERT_TRUE(apply_reader_property(o, "parse.key", "true"));
    ASSERT_TRUE(apply_reader_property(o, "key.separator", ":"));
    auto r = parse_line("k:v:w", o, 1);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->key, "k");
    EXPECT_EQ(r->value, "v:w");
    auto empty_key = parse_line(":v", o, 1);
    ASSERT_TRUE(empty_key);
    EXPECT_EQ(empty_key->key, "");
}

TEST(cli_line_reader, a_line_without_the_key_separator_is_an_error_unless_ignored) {
    line_reader_options o;
    o.parse_key = true;
    auto r = parse_line("no-separator", o, 7);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("line 7"), std::string::npos);
    EXPECT_NE(r.error().message.find("ignore.error"), std::string::npos);
    o.ignore_error = true;
    auto ignored = parse_line("no-separator", o, 7);
    ASSERT_TRUE(ignored);
    EXPECT_FALSE(ignored->key);
    EXPECT_EQ(ignored->value, "no-separator");
}

TEST(cli_line_reader, headers_then_key_then_value) {
    line_reader_options o;
    ASSERT_TRUE(apply_reader_property(o, "parse.headers", "true"));
    ASSERT_TRUE(apply_reader_property(o, "parse.key", "true"));
    auto r = parse_line("h1:v1,h2:a:b,h3\tkey\tvalue", o, 1);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->headers.size(), 3u);
    EXPECT_EQ(r->headers[0].key, "h1");
    EXPECT_EQ(r->headers[0].value, "v1");
    EXPECT_EQ(r->headers[1].value, "a:b");
    EXPECT_EQ(r->headers[2].key, "h3");
    EXPECT_FALSE(r->headers[2].value);
    EXPECT_EQ(r->key, "key");
    EXPECT_EQ(r->value, "value");
}

TEST(cli_line_reader, null_marker_makes_nulls) {
    line_reader_options o;
    o.parse_key = true;
    o.key_separator = ":";
    ASSERT_TRUE(apply_reader_property(o, "null.marker", "NULL"));
    auto tombstone = parse_line("k:NULL", o, 1);
    ASSERT_TRUE(tombstone);
    EXPECT_EQ(tombstone->key, "k");
    EXPECT_FALSE(tombstone->value);
}

TEST(cli_line_reader, bad_reader_properties) {
    line_reader_options o;
    EXPECT_FALSE(apply_reader_property(o, "key.separator", ""));
    EXPECT_FALSE(apply_reader_property(o, "parse.key", "maybe"));
    auto unknown = apply_reader_property(o, "parse.value", "true");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("parse.value"), std::string::npos);
}

}  // namespace
}  // namespace samsa::cli
