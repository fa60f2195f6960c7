#pragma once
// What samsa-bench-streams-broker measures with, apart from the phases it
// runs: readers that take each record's latency (now - its timestamp) on a
// topic, the watcher of the first output after RUNNING, the per-thread CPU
// of a process (/proc) and the --latency-timeline report.
//
// Threads: a latency_reader is used by one thread at a time; a
// first_record_watcher reads on a thread of its own.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "samsa/kafka/consumer.h"

namespace samsa::bench {

// Prints "samsa-bench-streams-broker: why" and exits with 1.
[[noreturn]] void die(const std::string& why);

// Wall-clock milliseconds / microseconds since the epoch (record timestamps are wall-clock ms).
int64_t wall_ms();
int64_t wall_us();
// CPU seconds of the calling thread.
double thread_cpu_seconds();

// A consumer in `group` (never committing) assigned every partition of
// `topic` from `from`; fetch_wait: its fetch.wait.max.ms.
std::unique_ptr<samsa::kafka::consumer> assigned_consumer(const std::string& bootstrap, const std::string& group,
                                                          const std::string& fetch_wait, const std::string& topic,
                                                          int partitions, samsa::offset from);

// CPU seconds of each thread of a process by thread id, with its name, and
// the seconds it waited runnable for a core (/proc/<pid>/task/*/stat and
// schedstat; librdkafka names its threads rdk:main, rdk:broker<id>, ...;
// samsa::streams names its stream threads <client.id>-StreamThread-<n> as
// far as Linux's 15 characters allow), for --latency-timeline: who had the
// cores.
struct thread_times {
    std::string name;
    double cpu = 0;
    double waited = 0;  // runnable, not running (schedstat's run-queue wait)
};
using thread_cpu = std::map<std::string, thread_times>;
thread_cpu threads_cpu(pid_t pid);

// The threads' CPU between two snapshots, summed by name (a thread's name
// when it was last seen; threads that ended meanwhile are not counted), as
// "name CPU% (waited%)": the share of the phase's wall time the threads of
// that name ran, and waited runnable for a core.
void print_thread_cpu(const char* what, const thread_cpu& before, const thread_cpu& after, double seconds);

// Latency percentiles of records arriving on `topic` (all partitions, from
// their current end) until `expected` arrived or the deadline.
class latency_reader {
public:
    latency_reader(const std::string& bootstrap, const std::string& topic, int partitions);
    ~latency_reader();
    latency_reader(const latency_reader&) = delete;
    latency_reader& operator=(const latency_reader&) = delete;

    // Reads until `expected` records arrived in all, or for `timeout`.
    void read(int64_t expected, std::chrono::seconds timeout);
    // CPU seconds the reading thread spent in read() (not its client's threads).
    double cpu_seconds() const { return cpu_seconds_; }
    // Every record's send time (its timestamp) and latency, in arrival order.
    struct sample {
        int64_t sent_ms;
        int64_t latency_us;
    };
    const std::vector<sample>& samples() const { return samples_; }
    bool got_any() const { return !latencies_us_.empty(); }
    // The first record's timestamp: its append time on a LogAppendTime topic.
    int64_t first_timestamp_ms() const { return first_timestamp_ms_; }
    // Stops fetching: a reader done with its records must not go on reading
    // (and decoding) the topic on the app's CPU time and the broker's.
    void stop();
    // "p50 .. ms, p99 .. ms, max .. ms over N records".
    std::string summary();

private:
    std::unique_ptr<samsa::kafka::consumer> consumer_;
    std::vector<int64_t> latencies_us_;
    std::vector<sample> samples_;
    double cpu_seconds_ = 0;
    int64_t first_timestamp_ms_ = -1;
};

// --latency-timeline: where in time the slow records were sent. The send
// times are cut into windows of `window_ms`; a window is printed when one
// stage's slowest record in it took over `slow_ms`, with every stage's
// slowest and record count, so a tail that comes back every commit
// interval, every 30 s, at the start or at random shows as such. Send times
// are wall-clock ms (mod 100 s, to match log lines) and ms since the first.
void print_timeline(const std::vector<std::pair<std::string, const latency_reader*>>& stages, int64_t window_ms,
                    double slow_ms);

// Watches a topic from its current end and notes when the first new record
// arrives: the "first output after RUNNING" figure (issue: first mail fast).
class first_record_watcher {
public:
    first_record_watcher(const std::string& bootstrap, const std::string& topic, int partitions);
    ~first_record_watcher();
    first_record_watcher(const first_record_watcher&) = delete;
    first_record_watcher& operator=(const first_record_watcher&) = delete;

    // Seconds from `since` to the first record; negative when none came.
    double seconds_after(std::chrono::steady_clock::time_point since);
    // Milliseconds (wall clock) from `since_wall_ms` to the first record's
    // timestamp: on a LogAppendTime topic, when the broker appended it, so
    // the app's share of the time above without the watcher's own delay.
    int64_t appended_ms_after(int64_t since_wall_ms);
    // The watcher's own share: appended -> seen by the watcher.
    int64_t watcher_delay_ms();

private:
    // Whether the first record came (joins the watching thread first).
    bool arrived();

    latency_reader reader_;
    std::thread thread_;
    std::chrono::steady_clock::time_point arrived_{};
    int64_t arrived_wall_ms_ = 0;
    std::atomic<bool> done_{false};
};

}  // namespace samsa::bench
