#include "latency_readers.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <tuple>

namespace samsa::bench {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

void die(const std::string& why) {
    std::fprintf(stderr, "samsa-bench-streams-broker: %s\n", why.c_str());
    std::exit(1);
}

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::unique_ptr<samsa::kafka::consumer> assigned_consumer(const std::string& bootstrap, const std::string& group,
                                                          const std::string& fetch_wait, const std::string& topic,
                                                          int partitions, samsa::offset from) {
    auto c = samsa::kafka::consumer::create(samsa::kafka::properties{{"bootstrap.servers", bootstrap},
                                                                     {"group.id", group},
                                                                     {"enable.auto.commit", "false"},
                                                                     {"fetch.wait.max.ms", fetch_wait}});
    if (!c) die(c.error().message);
    std::vector<samsa::kafka::topic_partition_offset> assignment;
    for (int32_t p = 0; p < partitions; ++p) assignment.push_back({{topic, p}, from});
    if (auto assigned = (*c)->assign(assignment); !assigned) die(assigned.error().message);
    return std::move(*c);
}

thread_cpu threads_cpu(pid_t pid) {
    thread_cpu out;
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto open = stat.find('(');
        const auto close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos) continue;
        std::string name = stat.substr(open + 1, close - open - 1);
        std::istringstream rest(stat.substr(close + 2));
        std::string field;
        double ticks = 0;
        for (int i = 3; i <= 15 && rest >> field; ++i) {
            if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
        }
        std::ifstream sched(task.path() / "schedstat");
        double on_cpu_ns = 0;
        double waited_ns = 0;
        sched >> on_cpu_ns >> waited_ns;
        out[task.path().filename().string()] = {name, ticks / tick, waited_ns / 1e9};
    }
    return out;
}

void print_thread_cpu(const char* what, const thread_cpu& before, const thread_cpu& after, double seconds) {
    std::map<std::string, std::pair<double, double>> by_name;
    double total = 0;
    for (const auto& [tid, t] : after) {
        auto b = before.find(tid);
        const double cpu = t.cpu - (b == before.end() ? 0.0 : b->second.cpu);
        const double waited = t.waited - (b == before.end() ? 0.0 : b->second.waited);
        total += cpu;
        by_name[t.name].first += cpu;
        by_name[t.name].second += waited;
    }
    std::vector<std::tuple<double, double, std::string>> used;
    for (const auto& [name, d] : by_name) {
        if (d.first > 0) used.emplace_back(d.first, d.second, name);
    }
    std::sort(used.rbegin(), used.rend());
    std::string line;
    for (const auto& [cpu, waited, name] : used) {
        char buf[128];
        std::snprintf(buf, sizeof buf, " %s %.0f%% (%.0f%%)", name.c_str(), 100.0 * cpu / seconds,
                      100.0 * waited / seconds);
        line += buf;
    }
    std::printf("  CPU of %s's threads over the phase, %% of one core (waited runnable, %% of the wall time): "
                "total %.0f%%:%s\n",
                what, 100.0 * total / seconds, line.c_str());
}

void print_timeline(const std::vector<std::pair<std::string, const latency_reader*>>& stages, int64_t window_ms,
                    double slow_ms) {
    int64_t first = INT64_MAX;
    int64_t last = 0;
    for (const auto& [name, r] : stages) {
        for (const auto& s : r->samples()) {
            first = std::min(first, s.sent_ms);
            last = std::max(last, s.sent_ms);
        }
    }
    if (first > last) return;
    const size_t windows = static_cast<size_t>((last - first) / window_ms + 1);
    struct cell {
        int64_t max_us = 0;
        int64_t count = 0;
    };
    std::vector<std::vector<cell>> cells(stages.size(), std::vector<cell>(windows));
    for (size_t i = 0; i < stages.size(); ++i) {
        for (const auto& s : stages[i].second->samples()) {
            cell& c = cells[i][static_cast<size_t>((s.sent_ms - first) / window_ms)];
            c.max_us = std::max(c.max_us, s.latency_us);
            ++c.count;
        }
    }
    std::printf("  timeline: %lld ms windows by send time where a stage's slowest took over %.0f ms "
                "(wall ms mod 100 s, +ms from the first send; per stage: slowest ms / records):\n",
                static_cast<long long>(window_ms), slow_ms);
    size_t slow_windows = 0;
    for (size_t w = 0; w < windows; ++w) {
        bool slow = false;
        for (size_t i = 0; i < stages.size(); ++i) slow = slow || cells[i][w].max_us > slow_ms * 1000;
        if (!slow) continue;
        ++slow_windows;
        const int64_t at = first + static_cast<int64_t>(w) * window_ms;
        std::string line;
        for (size_t i = 0; i < stages.size(); ++i) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "  %s %.1f/%lld", stages[i].first.c_str(), cells[i][w].max_us / 1000.0,
                          static_cast<long long>(cells[i][w].count));
            line += buf;
        }
        std::printf("    %05lld.%03lld +%6lld%s\n", static_cast<long long>(at / 1000 % 100),
                    static_cast<long long>(at % 1000), static_cast<long long>(at - first), line.c_str());
    }
    std::printf("  timeline: %zu of %zu windows slow\n", slow_windows, windows);
}

latency_reader::latency_reader(const std::string& bootstrap, const std::string& topic, int partitions)
    : consumer_(assigned_consumer(bootstrap, "bench-latency", "5", topic, partitions, samsa::kafka::offset_end)) {
    // Let the END offsets resolve before anything is sent.
    for (int i = 0; i < 20; ++i) (void)consumer_->poll(50ms);
}

latency_reader::~latency_reader() { (void)consumer_->close(30s); }

void latency_reader::read(int64_t expected, std::chrono::seconds timeout) {
    const double cpu_start = thread_cpu_seconds();
    auto deadline = clock_type::now() + timeout;
    while (static_cast<int64_t>(latencies_us_.size()) < expected && clock_type::now() < deadline) {
        auto m = consumer_->poll(100ms);
        if (!m || !*m || (*m)->end_of_partition()) continue;
        if (latencies_us_.empty()) first_timestamp_ms_ = (*m)->timestamp()();
        const int64_t sent_ms = (*m)->timestamp()();
        latencies_us_.push_back(wall_us() - sent_ms * 1000);
        samples_.push_back({sent_ms, latencies_us_.back()});
    }
    cpu_seconds_ += thread_cpu_seconds() - cpu_start;
}

void latency_reader::stop() { (void)consumer_->unassign(); }

std::string latency_reader::summary() {
    if (latencies_us_.empty()) return "no records";
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto at = [&](double q) {
        return latencies_us_[std::min(latencies_us_.size() - 1, static_cast<size_t>(q * latencies_us_.size()))] /
               1000.0;
    };
    char buf[160];
    std::snprintf(buf, sizeof buf, "p50 %.1f ms, p99 %.1f ms, max %.1f ms over %zu records", at(0.5), at(0.99),
                  latencies_us_.back() / 1000.0, latencies_us_.size());
    return buf;
}

first_record_watcher::first_record_watcher(const std::string& bootstrap, const std::string& topic, int partitions)
    : reader_(bootstrap, topic, partitions) {
    thread_ = std::thread([this] {
        reader_.read(1, std::chrono::seconds(120));
        arrived_ = clock_type::now();
        arrived_wall_ms_ = wall_ms();
        done_ = true;
        // Left assigned, its consumer would fetch every mail the app
        // writes while the app is measured: about a tenth of the
        // process CPU counted as the app's (s16-hR's profile).
        reader_.stop();
    });
}

first_record_watcher::~first_record_watcher() {
    if (thread_.joinable()) thread_.join();
}

bool first_record_watcher::arrived() {
    if (thread_.joinable()) thread_.join();
    return done_ && reader_.got_any();
}

double first_record_watcher::seconds_after(clock_type::time_point since) {
    if (!arrived()) return -1;
    return std::chrono::duration<double>(arrived_ - since).count();
}

int64_t first_record_watcher::appended_ms_after(int64_t since_wall_ms) {
    if (!arrived()) return -1;
    return reader_.first_timestamp_ms() - since_wall_ms;
}

int64_t first_record_watcher::watcher_delay_ms() {
    if (!arrived()) return -1;
    return arrived_wall_ms_ - reader_.first_timestamp_ms();
}

}  // namespace samsa::bench
