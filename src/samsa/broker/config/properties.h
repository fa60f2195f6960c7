#pragma once
// Java-properties text (what server.properties files hold), parsed as Kafka
// reads it: one `key=value`, `key: value` or `key value` per logical line,
// blanks trimmed, `#` and `!` starting comments, a trailing backslash
// continuing the line. Escapes are minimal: `\t`, `\n`, `\\`, `\=`, `\:`,
// `\ ` and `\#` are understood; unicode escapes are not.
//
// Thread: any; pure functions.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"

namespace samsa::broker {

// Keys in file order, with the last value winning when a key repeats.
struct properties {
    std::vector<std::string> order;
    std::map<std::string, std::string> values;

    void set(std::string key, std::string value);
};

// Parses the text; never fails (a line without a separator is a key with an
// empty value, as in Java).
properties parse_properties(std::string_view text);

// Reads and parses a file; fails with errc::io_error when it cannot be read.
result<properties> read_properties_file(const std::string& path);

// "key=value" from the command line; fails when there is no '='.
result<std::pair<std::string, std::string>> parse_override(std::string_view text);

}  // namespace samsa::broker
