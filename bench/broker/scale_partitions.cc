#include "bench/broker/scale_partitions.h"

#include <algorithm>
#include <cstdio>

#include "bench/broker/raw_load.h"
#include "tests/broker/scale/scale_client.h"

namespace samsa::bench::scale {

using namespace std::chrono_literals;

namespace {

// CreateTopics for every topic, `batch` topics per request (as an admin
// client sends them); the error of the first request or topic that failed.
std::string create_all(uint16_t port, const std::vector<std::string>& topics, int partitions_each, int batch) {
    for (size_t first = 0; first < topics.size(); first += static_cast<size_t>(batch)) {
        std::vector<std::string> some(topics.begin() + static_cast<long>(first),
                                      topics.begin() + static_cast<long>(std::min(topics.size(), first + static_cast<size_t>(batch))));
        auto response = broker::testing::create_topics(port, some, partitions_each, 300s);
        if (!response) return "CreateTopics: no answer within 300 s";
        for (const auto& t : response->topics) {
            if (t.error_code != protocol::error_code::none)
                return "CreateTopics " + t.name + ": " + std::string(protocol::name(t.error_code)) + " " +
                       t.error_message.value_or("");
        }
    }
    return {};
}

}  // namespace

std::vector<std::string> step_topics(const step_spec& spec) {
    std::vector<std::string> names;
    for (int i = 0; i < spec.topics; ++i)
        names.push_back("scale-" + std::to_string(spec.partitions) + "-" + std::to_string(i));
    return names;
}

step_result run_step(const broker_settings& settings, const step_spec& spec) {
    step_result r;
    auto broker = make_broker(settings);
    r.empty_start_ms = start_timed(*broker, 60s);
    if (!r.empty_start_ms) {
        r.error = "the broker did not start";
        return r;
    }
    const pid_t first_pid = broker->pid();
    r.idle_rss_kib = settled_rss_kib(first_pid);
    r.idle_fds = open_fds(first_pid);

    const auto topics = step_topics(spec);
    const int each = spec.partitions / spec.topics;
    auto t0 = clock::now();
    r.error = create_all(broker->port(), topics, each, spec.create_batch);
    if (!r.error.empty()) return r;
    r.create_ms = ms_since(t0);
    r.created_rss_kib = settled_rss_kib(broker->pid());
    r.created_fds = open_fds(broker->pid());

    {
        ts::raw_client c(broker->port(), 60s);
        auto all = metadata_all_frame();
        auto one = metadata_one_frame(topics.front());
        r.metadata_all = time_round_trips(c, all, spec.metadata_all_requests, 20s);
        r.metadata_one = time_round_trips(c, one, spec.metadata_one_requests, 10s);
    }

    raw_produce_spec produce;
    produce.topics = topics;
    produce.partitions = each;
    produce.record_size = spec.record_size;
    produce.acks = 1;
    produce.duration = spec.load;
    produce.batch_bytes = spec.record_size * spec.batch_records;
    r.produce = raw_produce_load(broker->port(), produce, [] {});
    r.produce_requests = r.produce.records / spec.batch_records;
    if (r.produce.records > 0) {
        raw_fetch_spec fetch;
        fetch.topics = topics;
        fetch.partitions = each;
        fetch.record_size = spec.record_size;
        fetch.expected_records = r.produce.records;
        fetch.timeout = 120s;
        r.fetch = raw_fetch_load(broker->port(), fetch, [] {});
    }
    r.loaded_rss_kib = settled_rss_kib(broker->pid());
    r.loaded_fds = open_fds(broker->pid());

    r.restarts = time_restarts(*broker);
    if (!r.restarts.error.empty()) {
        r.error = r.restarts.error;
        return r;
    }
    auto listed = broker::testing::metadata(broker->port(), std::nullopt, false, 60s);
    r.recovered_topics = listed ? static_cast<int>(listed->topics.size()) : -1;
    if (r.recovered_topics != spec.topics)
        r.error = "after kill -9 Metadata lists " + std::to_string(r.recovered_topics) + " topics, not " +
                  std::to_string(spec.topics);
    broker->stop();
    return r;
}

}  // namespace samsa::bench::scale
