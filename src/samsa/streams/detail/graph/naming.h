#pragma once
// Kafka Streams' NamedInternal rules: a user-given name is used as is (or
// with a suffix), yet an index is still consumed, so adding a name to one
// operator does not renumber the others.

#include <optional>
#include <string>

#include "samsa/streams/detail/graph/internal_streams_builder.h"

namespace samsa::streams::internal {

inline std::string or_else_generate(internal_streams_builder& b, const std::optional<std::string>& name,
                                    const char* prefix) {
    std::string generated = b.new_processor_name(prefix);
    return name ? *name : generated;
}

inline std::string suffix_with_or_else_get(internal_streams_builder& b, const std::optional<std::string>& name,
                                           const char* suffix, const char* prefix) {
    std::string generated = b.new_processor_name(prefix);
    return name ? *name + suffix : generated;
}

// Java's prefix.matches("KSTREAM.*-[0-9]{10}").
inline bool is_generated_name(const std::string& s) {
    if (s.rfind("KSTREAM", 0) != 0 || s.size() < 7 + 11) return false;
    if (s[s.size() - 11] != '-') return false;
    for (size_t i = s.size() - 10; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
}

}  // namespace samsa::streams::internal
