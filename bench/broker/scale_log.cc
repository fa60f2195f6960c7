#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "bench/broker/raw_load.h"
#include "bench/broker/scale_single.h"
#include "samsa/protocol/messages/fetch.h"

namespace samsa::bench::scale {

using namespace std::chrono_literals;

namespace {

const std::string topic = "scale-log";
constexpr uint64_t segment_bytes = 1 << 20;
constexpr size_t record_size = 1024;

bytes fetch_frame(int64_t at) {
    protocol::fetch_request f;
    f.max_wait_ms = 0;
    f.min_bytes = 1;
    f.max_bytes = 1 << 20;
    protocol::fetch_topic t;
    t.topic = topic;
    protocol::fetch_partition p;
    p.partition = partition_id(0);
    p.fetch_offset = offset(at);
    p.partition_max_bytes = 1 << 20;
    t.partitions.push_back(p);
    f.topics.push_back(std::move(t));
    protocol::request_header h;
    h.api_version = 11;
    h.correlation_id = 1;
    h.client_id = "samsa-bench-scale";
    return protocol::encode_request_frame(h, f);
}

long count_segments(const std::filesystem::path& dir) {
    std::error_code ec;
    long n = 0;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".log") ++n;
    return n;
}

}  // namespace

log_result measure_log(const broker_settings& settings, double gib) {
    log_result r;
    const auto target = static_cast<uint64_t>(gib * static_cast<double>(1ull << 30));
    std::error_code ec;
    auto parent = settings.data_parent.empty() ? std::filesystem::temp_directory_path() : settings.data_parent;
    auto space = std::filesystem::space(parent, ec);
    // The log, its indexes, and 1 GiB left for everyone else on the disk.
    const uint64_t needed = target + target / 8 + (1ull << 30);
    if (ec || space.available < needed) {
        char why[200];
        std::snprintf(why, sizeof why, "%.1f GiB free in %s, %.1f GiB needed", static_cast<double>(space.available) / (1ull << 30),
                      parent.c_str(), static_cast<double>(needed) / (1ull << 30));
        r.skipped = ec ? "cannot read free space of " + parent.string() + ": " + ec.message() : why;
        return r;
    }
    // The broker's default segment size (log.segment.bytes), so the topic is
    // created as any other.
    auto s = settings;
    s.overrides.emplace_back("log.segment.bytes", std::to_string(segment_bytes));
    auto broker = make_broker(s);
    r.error = start_with_topic(*broker, topic, &r.empty_start_ms);
    if (!r.error.empty()) return r;
    const pid_t pid = broker->pid();
    // Produce in chunks sized from the rate so far, until the target.
    raw_produce_spec produce;
    produce.topic = topic;
    produce.record_size = record_size;
    produce.acks = 1;
    produce.batch_bytes = 128 * 1024;  // 7 batches fill a 1 MiB segment
    uint64_t records = 0;
    double seconds = 0;
    const auto give_up = clock::now() + 600s;
    while (records * record_size < target && clock::now() < give_up) {
        double rate = seconds > 0 ? static_cast<double>(records * record_size) / seconds : 200e6;
        double left_s = static_cast<double>(target - records * record_size) / rate;
        produce.duration = std::chrono::milliseconds(static_cast<long>(std::clamp(0.9 * left_s, 0.05, 5.0) * 1000));
        auto p = raw_produce_load(broker->port(), produce, [&] { r.peak_fds = std::max(r.peak_fds, open_fds(pid)); });
        if (p.errors) {
            r.error = "produce: " + p.first_error;
            return r;
        }
        records += p.records;
        seconds += p.seconds;
    }
    r.gib = static_cast<double>(records * record_size) / (1ull << 30);
    r.write_s = seconds;
    r.segments = count_segments(broker->data_dir() / "data" / (topic + "-0"));
    r.rss_kib = settled_rss_kib(broker->pid());
    r.fds = open_fds(broker->pid());

    r.restarts = time_restarts(*broker);
    if (!r.restarts.error.empty()) {
        r.error = r.restarts.error;
        return r;
    }
    ts::raw_client c(broker->port(), 60s);
    auto at = [&](int64_t o) { return time_round_trips(c, fetch_frame(o), 21, 20s); };
    r.fetch_first = at(0);
    r.fetch_middle = at(static_cast<int64_t>(records / 2));
    r.fetch_last = at(static_cast<int64_t>(records > 256 ? records - 256 : 0));
    broker->stop();
    return r;
}

}  // namespace samsa::bench::scale
