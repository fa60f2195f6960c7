#pragma once
// How `samsa consume` prints a record, and how `samsa produce` reads one from a
// line. Both follow Kafka's console tools so that scripts written for
// kafka-console-consumer/-producer keep working:
//
//   consume (text), every print.* on, defaults:
//     CreateTime:1700000000000<TAB>Partition:0<TAB>Offset:5<TAB>h1:v1,h2:v2<TAB>key<TAB>value
//   (a missing part is omitted with its separator; null prints as "null",
//    no headers as "NO_HEADERS")
//   consume (json), one object per line:
//     {"topic":"t","partition":0,"offset":5,"timestamp":1700000000000,
//      "timestamp_type":"CreateTime","key":"key","value":"value",
//      "headers":[{"key":"h1","value":"v1"}]}
//     (null key/value -> null; bytes that are not UTF-8 are replaced by U+FFFD)
//   produce, with parse.headers=true and parse.key=true:
//     h1:v1,h2:v2<TAB>key<TAB>value
//
// Pure functions; no I/O.

#include <optional>
#include <string>
#include <string_view>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"

namespace samsa::cli {

enum class output_format { text, json };

result<output_format> parse_output_format(std::string_view text);

// kafka-console-consumer's --property print.*=... and separators.
struct text_format_options {
    bool print_timestamp = false;
    bool print_partition = false;
    bool print_offset = false;
    bool print_headers = false;
    bool print_key = false;
    bool print_value = true;
    std::string key_separator = "\t";
    std::string line_separator = "\n";
    std::string headers_separator = ",";
    std::string headers_key_separator = ":";
    std::string null_literal = "null";
};

// Applies one consumer --property (print.key=true, key.separator=..., ...).
status apply_format_property(text_format_options& options, std::string_view key, std::string_view value);

// The record in the text format, ending with the line separator.
std::string format_text(const kafka::record& r, const text_format_options& options);
// The record as one JSON object, ending with "\n".
std::string format_json(const kafka::record& r);
// Kafka's names of a record's timestamp type ("CreateTime", "LogAppendTime",
// "NoTimestampType"), as consume and the console print them.
const char* timestamp_type_name(kafka::timestamp_type t);

// kafka-console-producer's --property parse.key=true, key.separator=..., ...
struct line_reader_options {
    bool parse_key = false;
    std::string key_separator = "\t";
    bool parse_headers = false;
    std::string headers_delimiter = "\t";   // between the headers and the rest
    std::string headers_separator = ",";    // between two headers
    std::string headers_key_separator = ":";
    bool ignore_error = false;  // a line without a separator: the whole line is the value
    std::optional<std::string> null_marker;  // a key, value or header value equal to it is null
};

status apply_reader_property(line_reader_options& options, std::string_view key, std::string_view value);

// One input line (without its '\n') as a record; `line_no` is for the message.
result<kafka::record> parse_line(std::string_view line, const line_reader_options& options, size_t line_no);

}  // namespace samsa::cli
