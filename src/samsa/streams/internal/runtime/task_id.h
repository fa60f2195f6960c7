#pragma once
// task_id: a sub-topology and a partition, printed "<subtopology>_<partition>"
// as Kafka Streams names tasks and their state directories ("1_2").
//
// Threads: a value.

#include <charconv>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace samsa::streams::internal {

struct task_id {
    int subtopology = 0;
    int32_t partition = 0;
    auto operator<=>(const task_id&) const = default;

    std::string to_string() const { return std::to_string(subtopology) + "_" + std::to_string(partition); }

    static std::optional<task_id> parse(std::string_view s) {
        auto sep = s.find('_');
        if (sep == std::string_view::npos) return std::nullopt;
        task_id id;
        auto a = std::from_chars(s.data(), s.data() + sep, id.subtopology);
        auto b = std::from_chars(s.data() + sep + 1, s.data() + s.size(), id.partition);
        if (a.ec != std::errc() || a.ptr != s.data() + sep || b.ec != std::errc() || b.ptr != s.data() + s.size()) {
            return std::nullopt;
        }
        return id;
    }
};

}  // namespace samsa::streams::internal
