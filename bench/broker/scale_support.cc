#include "bench/broker/scale_support.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/messages/metadata.h"
#include "tests/broker/scale/scale_client.h"
#include "tests/support/kafka_probe.h"

namespace samsa::bench::scale {

using namespace std::chrono_literals;

double ms_since(clock::time_point t) { return std::chrono::duration<double, std::milli>(clock::now() - t).count(); }

std::unique_ptr<ts::broker_process> make_broker(const broker_settings& s) {
    ts::broker_options o;
    o.binary = s.binary.empty() ? ts::broker_beside_this_program() : s.binary;
    o.temp_parent = s.data_parent;
    o.overrides = s.overrides;
    o.start_timeout = 300s;
    o.stop_timeout = 300s;
    return std::make_unique<ts::broker_process>(o);
}

std::optional<double> start_timed(ts::broker_process& broker, std::chrono::milliseconds limit) {
    auto t0 = clock::now();
    if (!broker.start()) {
        std::fprintf(stderr, "cannot start the broker: %s\n%s", broker.failure().c_str(), broker.log_tail(20).c_str());
        return std::nullopt;
    }
    auto deadline = t0 + limit;
    while (clock::now() < deadline) {
        if (ts::metadata_v0_round_trip(broker.port(), 10s).ok) return ms_since(t0);
        std::this_thread::sleep_for(1ms);
    }
    std::fprintf(stderr, "the broker never answered Metadata\n%s", broker.log_tail(20).c_str());
    return std::nullopt;
}

restart_times time_restarts(ts::broker_process& broker) {
    restart_times r;
    auto t0 = clock::now();
    auto status = broker.stop();
    if (status == 0) r.stop_ms = ms_since(t0);
    else std::printf("  the clean stop did not end within %.0f s (status %d): killed\n", ms_since(t0) / 1000, status.value_or(-1));
    auto start = start_timed(broker, 300s);
    if (!start) {
        r.error = "no restart after a clean stop";
        return r;
    }
    if (r.stop_ms) r.start_ms = start;
    broker.kill9();
    r.recovery_ms = start_timed(broker, 300s);
    if (!r.recovery_ms) r.error = "no restart after kill -9";
    return r;
}

long rss_kib(pid_t pid) { return ts::rss_kib(pid).value_or(0); }

long open_fds(pid_t pid) {
    std::error_code ec;
    long n = 0;
    for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
         it.increment(ec))
        ++n;
    return ec ? -1 : n;
}

long settled_rss_kib(pid_t pid) {
    std::this_thread::sleep_for(300ms);
    return rss_kib(pid);
}

latency time_round_trips(ts::raw_client& c, bytes_view frame, int n, std::chrono::milliseconds limit) {
    latency out;
    std::vector<double> ms;
    auto deadline = clock::now() + limit;
    for (int i = 0; i < n && clock::now() < deadline; ++i) {
        auto t0 = clock::now();
        if (!c.send(frame)) {
            out.error = "send failed";
            break;
        }
        auto answer = c.read_frame();
        if (!answer) {
            out.error = answer.error().message;
            break;
        }
        ms.push_back(ms_since(t0));
    }
    auto error = std::move(out.error);
    out = latency_of(std::move(ms));
    out.error = std::move(error);
    return out;
}

latency latency_of(std::vector<double> ms) {
    latency out;
    std::sort(ms.begin(), ms.end());
    out.count = static_cast<int>(ms.size());
    if (!ms.empty()) {
        out.p50_ms = ms[ms.size() / 2];
        out.p99_ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    }
    return out;
}

namespace {

bytes metadata_frame(const protocol::metadata_request& r) {
    protocol::request_header h;
    h.api_version = metadata_frame_version;
    h.correlation_id = 1;
    h.client_id = "samsa-bench-scale";
    return protocol::encode_request_frame(h, r);
}
}  // namespace

bytes metadata_all_frame() {
    protocol::metadata_request r;  // topics null: all of them
    r.allow_auto_topic_creation = false;
    return metadata_frame(r);
}

bytes metadata_one_frame(const std::string& topic) { return metadata_names_frame({topic}, false); }

bytes metadata_names_frame(const std::vector<std::string>& topics, bool allow_auto_create) {
    protocol::metadata_request r;
    r.topics.emplace();
    for (const auto& t : topics) r.topics->push_back({uuid{}, t});
    r.allow_auto_topic_creation = allow_auto_create;
    return metadata_frame(r);
}

uint64_t raise_fd_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    return lim.rlim_cur;
}

std::string start_with_topic(ts::broker_process& broker, const std::string& topic, std::optional<double>* start_ms) {
    auto started = start_timed(broker, std::chrono::seconds(60));
    if (start_ms) *start_ms = started;
    if (!started) return "the broker did not start";
    auto created = broker::testing::create_topics(broker.port(), {topic}, 1);
    if (!created || created->topics.empty() || created->topics[0].error_code != protocol::error_code::none)
        return "CreateTopics failed";
    return {};
}

}  // namespace samsa::bench::scale
