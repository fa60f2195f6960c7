#include "samsa/cli/group_reset.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace samsa::cli {

namespace {

offset clamp(int64_t wanted, const kafka::watermarks& marks) {
    if (marks.low() >= 0 && wanted < marks.low()) return marks.low;
    if (marks.high() >= 0 && wanted > marks.high()) return marks.high;
    return offset(wanted);
}

}  // namespace

result<offset> plan_reset(const reset_spec& spec, const reset_inputs& in, const kafka::topic_partition& tp) {
    switch (spec.kind) {
        case reset_kind::to_earliest:
            return in.marks.low;
        case reset_kind::to_latest:
            return in.marks.high;
        case reset_kind::to_offset:
            return clamp(spec.value, in.marks);
        case reset_kind::to_datetime:
            // No record at or after the time: the log end, as Kafka does.
            if (!in.offset_for_time || (*in.offset_for_time)() < 0) return in.marks.high;
            return clamp((*in.offset_for_time)(), in.marks);
        case reset_kind::to_current:
        case reset_kind::shift_by:
            if (in.committed() < 0) {
                return make_error(errc::invalid_argument,
                                  fmt::format("cannot {} for partition {}-{}: the group has no committed offset there",
                                              spec.kind == reset_kind::shift_by ? "shift the offset" : "keep the offset",
                                              tp.topic, tp.partition));
            }
            return clamp(in.committed() + (spec.kind == reset_kind::shift_by ? spec.value : 0), in.marks);
    }
    return make_error(errc::invalid_argument, "unknown reset kind");
}

result<topic_selection> parse_topic_selection(std::string_view text) {
    topic_selection out;
    auto colon = text.find(':');
    out.topic = std::string(text.substr(0, colon));
    if (out.topic.empty()) return make_error(errc::invalid_argument, fmt::format("--topic '{}': no topic name", text));
    if (colon == std::string_view::npos) return out;
    std::string_view rest = text.substr(colon + 1);
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view part = rest.substr(0, comma);
        int32_t p = -1;
        auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), p);
        if (ec != std::errc() || end != part.data() + part.size() || p < 0) {
            return make_error(errc::invalid_argument, fmt::format("--topic '{}': '{}' is not a partition number", text, part));
        }
        out.partitions.push_back(partition_id(p));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (out.partitions.empty()) {
        return make_error(errc::invalid_argument, fmt::format("--topic '{}': no partitions after ':'", text));
    }
    return out;
}

}  // namespace samsa::cli
