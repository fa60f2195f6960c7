#include "samsa/broker/topics/topic_name.h"

#include <string>

namespace samsa::broker {

status validate_topic_name(std::string_view name) {
    if (name.empty()) return make_error(errc::invalid_argument, "Topic name is illegal, it can't be empty");
    if (name == "." || name == "..") {
        return make_error(errc::invalid_argument, "Topic name cannot be \".\" or \"..\"");
    }
    if (name.size() > max_topic_name_length) {
        return make_error(errc::invalid_argument,
                          "Topic name is illegal, it can't be longer than 249 characters, topic name: " +
                              std::string(name));
    }
    for (char c : name) {
        bool good = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
        if (!good) {
            return make_error(errc::invalid_argument,
                              "Topic name \"" + std::string(name) +
                                  "\" is illegal, it contains a character other than ASCII alphanumerics, '.', "
                                  "'_' and '-'");
        }
    }
    return ok();
}

bool is_internal_topic_name(std::string_view name) { return name.starts_with("__"); }

}  // namespace samsa::broker
