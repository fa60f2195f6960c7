#include "samsa/cli/console/api_json.h"

#include <algorithm>

#include "samsa/cli/record_format.h"

namespace samsa::cli::console {

namespace {

json optional_text(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }
json known_or_null(int64_t v) { return v >= 0 ? json(v) : json(nullptr); }

std::optional<int64_t> record_count(kafka::watermarks marks) {
    if (marks.low() < 0 || marks.high() < 0) return std::nullopt;
    return marks.high() - marks.low();
}

}  // namespace

json error_json(const error& e) {
    // errc's names as identifiers ("not_found"), for scripts that branch on them.
    std::string code = to_string(e.code);
    std::replace(code.begin(), code.end(), ' ', '_');
    return {{"error", {{"code", code}, {"message", e.message}}}};
}

int http_status_of(errc code) {
    switch (code) {
    case errc::not_found: return 404;
    case errc::invalid_argument:
    case errc::out_of_range:
    case errc::too_large: return 400;
    case errc::timed_out:
    case errc::closed:
    case errc::io_error: return 503;  // the cluster did not answer: try again later
    default: return 500;
    }
}

json cluster_json(const std::string& bootstrap, const kafka::cluster_metadata& md) {
    auto brokers = json::array();
    for (const auto& b : md.brokers) brokers.push_back({{"id", b.id()}, {"host", b.host}, {"port", b.port}});
    return {{"bootstrap", bootstrap}, {"brokers", brokers}, {"topic_count", md.topics.size()}};
}

json configs_json(const std::vector<kafka::config_entry>& configs) {
    auto out = json::array();
    for (const auto& c : configs) {
        out.push_back({{"name", c.name}, {"value", optional_text(c.value)}, {"source", c.source},
                       {"is_default", c.is_default}, {"read_only", c.read_only}, {"sensitive", c.sensitive}});
    }
    return out;
}

json topic_list_json(const kafka::cluster_metadata& md, const std::vector<std::optional<int64_t>>& record_counts) {
    auto topics = json::array();
    for (size_t i = 0; i < md.topics.size(); ++i) {
        const auto& t = md.topics[i];
        // A count only where one was read (GCC 12 warns on a copied empty optional here).
        json records = nullptr;
        if (i < record_counts.size() && record_counts[i]) records = *record_counts[i];
        topics.push_back({{"name", t.name}, {"partitions", t.partitions.size()},
                          {"internal", !t.name.empty() && t.name.front() == '_'},
                          {"records", std::move(records)}});
        if (!t.error.empty()) topics.back()["error"] = t.error;
    }
    return {{"topics", topics}};
}

json topic_json(const std::string& name, const std::vector<partition_offsets>& partitions,
                const std::vector<kafka::config_entry>& configs) {
    auto rows = json::array();
    for (const auto& p : partitions) {
        auto count = record_count(p.marks);
        rows.push_back({{"partition", p.info.id()}, {"leader", p.info.leader()}, {"replicas", p.info.replicas},
                        {"isr", p.info.isr}, {"start_offset", known_or_null(p.marks.low())},
                        {"end_offset", known_or_null(p.marks.high())},
                        {"records", count ? json(*count) : json(nullptr)}});
    }
    return {{"name", name}, {"partitions", rows}, {"configs", configs_json(configs)}};
}

json record_json(const kafka::record& r) {
    auto headers = json::array();
    for (const auto& h : r.headers) headers.push_back({{"key", h.key}, {"value", optional_text(h.value)}});
    return {{"offset", r.offset()}, {"timestamp", r.timestamp()}, {"timestamp_type", timestamp_type_name(r.ts_type)},
            {"key", optional_text(r.key)}, {"value", optional_text(r.value)}, {"headers", headers}};
}

json records_json(const kafka::topic_partition& tp, kafka::watermarks marks, int64_t from_offset,
                  const std::vector<kafka::record>& records) {
    auto rows = json::array();
    for (const auto& r : records) rows.push_back(record_json(r));
    return {{"topic", tp.topic}, {"partition", tp.partition}, {"start_offset", known_or_null(marks.low())},
            {"end_offset", known_or_null(marks.high())}, {"from_offset", from_offset}, {"records", rows}};
}

json group_list_json(const std::vector<kafka::group_listing>& groups) {
    auto rows = json::array();
    for (const auto& g : groups) rows.push_back({{"group", g.group_id}, {"state", g.state}, {"simple", g.simple}});
    return {{"groups", rows}};
}

int64_t total_lag(const std::vector<partition_lag>& partitions) {
    int64_t sum = 0;
    for (const auto& p : partitions) sum += p.lag().value_or(0);
    return sum;
}

json group_json(const kafka::group_description& group, const std::vector<partition_lag>& partitions) {
    auto members = json::array();
    for (const auto& m : group.members) {
        auto assignment = json::array();
        for (const auto& tp : m.assignment) assignment.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
        members.push_back({{"member_id", m.member_id}, {"client_id", m.client_id}, {"host", m.host},
                           {"group_instance_id", m.group_instance_id.empty() ? json(nullptr) : json(m.group_instance_id)},
                           {"assignment", assignment}});
    }
    auto rows = json::array();
    for (const auto& p : partitions) {
        auto lag = p.lag();
        rows.push_back({{"topic", p.tp.topic}, {"partition", p.tp.partition},
                        {"committed_offset", known_or_null(p.committed())}, {"end_offset", known_or_null(p.log_end())},
                        {"lag", lag ? json(*lag) : json(nullptr)}, {"member_id", p.member_id},
                        {"client_id", p.client_id}, {"host", p.host}});
    }
    return {{"group", group.group_id}, {"state", group.state}, {"partition_assignor", group.partition_assignor},
            {"coordinator", group.coordinator()}, {"members", members}, {"partitions", rows},
            {"total_lag", total_lag(partitions)}};
}

std::string dump_json(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace samsa::cli::console
