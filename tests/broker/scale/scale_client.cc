#include "tests/broker/scale/scale_client.h"

#include <fstream>
#include <sstream>
#include <string_view>

#include "samsa/protocol/messages/produce.h"
#include "samsa/record/records.h"
#include "tests/support/broker_process.h"

namespace samsa::broker::testing {

namespace {

template<class Response, class Request>
std::optional<Response> call(uint16_t port, const Request& req, int16_t version, std::chrono::milliseconds timeout) {
    raw_client c(port);
    if (!c.connected() || !c.send_request(req, version, 1)) return std::nullopt;
    auto r = c.read_response<Response>(version, 1, timeout);
    if (!r) return std::nullopt;
    return std::move(*r);
}

}  // namespace

protocol::create_topics_request create_topics_request(const std::vector<std::string>& names, int32_t partitions,
                                                      std::chrono::milliseconds timeout) {
    protocol::create_topics_request req;
    req.timeout_ms = static_cast<int32_t>(timeout.count());
    for (const auto& n : names) {
        protocol::creatable_topic t;
        t.name = n;
        t.num_partitions = partitions;
        t.replication_factor = 1;
        req.topics.push_back(std::move(t));
    }
    return req;
}

std::optional<protocol::create_topics_response> create_topics(uint16_t port, const std::vector<std::string>& names,
                                                              int32_t partitions, std::chrono::milliseconds timeout) {
    // The broker's wait is the caller's (past it the broker answers REQUEST_TIMED_OUT).
    return call<protocol::create_topics_response>(port, create_topics_request(names, partitions, timeout), 5, timeout);
}

protocol::create_partitions_request create_partitions_request(const std::string& topic, int32_t count) {
    protocol::create_partitions_request req;
    req.timeout_ms = 60000;
    protocol::create_partitions_topic t;
    t.name = topic;
    t.count = count;
    req.topics.push_back(std::move(t));
    return req;
}

std::optional<protocol::create_partitions_response> create_partitions(uint16_t port, const std::string& topic,
                                                                      int32_t count) {
    return call<protocol::create_partitions_response>(port, create_partitions_request(topic, count), 1,
                                                      std::chrono::seconds(30));
}

std::optional<protocol::metadata_response> metadata(uint16_t port, std::optional<std::vector<std::string>> names,
                                                    bool allow_auto_create, std::chrono::milliseconds timeout) {
    protocol::metadata_request req;
    if (names) {
        req.topics.emplace();
        for (auto& n : *names) {
            protocol::metadata_request_topic t;
            t.name = std::move(n);
            req.topics->push_back(std::move(t));
        }
    }
    req.allow_auto_topic_creation = allow_auto_create;
    return call<protocol::metadata_response>(port, req, 9, timeout);
}

int32_t partition_count(uint16_t port, const std::string& topic) {
    auto r = metadata(port, std::vector<std::string>{topic}, false);
    if (!r || r->topics.size() != 1 || r->topics[0].error_code != protocol::error_code::none) return -1;
    return static_cast<int32_t>(r->topics[0].partitions.size());
}

std::optional<int64_t> produce_some(uint16_t port, const std::string& topic, int count) {
    record::record_batch_builder builder;
    for (int i = 0; i < count; ++i) builder.add("k", "value-" + std::to_string(i), timestamp_ms(1000 + i));
    bytes batch = builder.build();
    protocol::produce_request p;
    p.acks = 1;
    p.timeout_ms = 5000;
    p.topic_data.push_back({topic, {{partition_id(0), protocol::raw_records(batch)}}});
    auto r = call<protocol::produce_response>(port, p, 7, std::chrono::seconds(10));
    if (!r || r->responses.size() != 1 || r->responses[0].partition_responses.size() != 1) return std::nullopt;
    const auto& answer = r->responses[0].partition_responses[0];
    if (answer.error_code != protocol::error_code::none) return std::nullopt;
    return answer.base_offset();
}

limited_broker_script::limited_broker_script(const std::string& ulimit_args) : dir_("ulimit") {
    namespace fs = std::filesystem;
    path_ = dir_ / "limited-broker.sh";
    std::ofstream out(path_);
    out << "#!/bin/sh\nulimit " << ulimit_args << " || exit 3\nexec \""
        << test_support::default_broker_binary().string() << "\" \"$@\"\n";
    out.close();
    fs::permissions(path_, fs::perms::owner_all);
}

size_t topics_in_table_file(const std::filesystem::path& data) {
    std::ifstream in(data / "__samsa-topics.json");
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    size_t n = 0;
    for (size_t at = s.find("\"name\""); at != std::string::npos; at = s.find("\"name\"", at + 1)) ++n;
    return n;
}

size_t dirs_of(const std::filesystem::path& data, const std::string& topic) {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(data, ec)) {
        const auto name = e.path().filename().string();
        if (name.size() <= topic.size() + 1 || name.compare(0, topic.size() + 1, topic + "-") != 0) continue;
        const auto number = std::string_view(name).substr(topic.size() + 1);
        if (number.find_first_not_of("0123456789") == std::string_view::npos) ++n;
    }
    return n;
}

}  // namespace samsa::broker::testing
