// samsa-bench-broker: the broker's end-to-end load tool (a tool, not a test).
//
// Starts its own samsa-broker on a free loopback port with a temporary data dir
// (or uses --bootstrap), then measures, in one run:
//   ceilings     loopback TCP bandwidth (write() of memory; and, as a
//                reference for zero-copy Fetch, sendfile() of a page-cached file);
//                sequential write bandwidth (fdatasync) of the data dir's disk
//   start        process start to first Metadata answer (median of a few starts)
//   idle RSS     VmRSS of the idle broker
//   produce      100-byte and 1 KiB records x 1 and 6 partitions x acks=1/all:
//                records/s, MB/s, and the ratio to the ceilings, with two load
//                tools: "raw" (pre-built Produce frames on raw connections,
//                raw_load.h: the broker's own ceiling) and "rdkafka" (a
//                librdkafka producer: what a client application sees)
//   consume      the same topics read back from the beginning (raw Fetch
//                requests, one in flight per connection with the clients'
//                default sizes, or a librdkafka consumer); for raw Fetch the
//                notes give each answer's size, TCP segments and the time
//                from request to first byte (docs/fetch-path.md)
//                Beside each rate: the broker's and the load tool's CPU
//                seconds per GB of record values (our own broker only)
//   load RSS     peak VmRSS while producing and consuming
//   recovery     kill -9 with a --recovery-gib log, restart: time to the port,
//                to the first Metadata answer, to the end offset being served
// and prints them next to the issue's targets.
//
//   build/bin/samsa-bench-broker                 # about 1-2 minutes
//   build/bin/samsa-bench-broker --seconds 2 --recovery-gib 0   # quick
//
// Thread: main only (librdkafka runs its own threads).

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "bench/broker/ceilings.h"
#include "bench/broker/load.h"
#include "bench/broker/raw_load.h"
#include "tests/support/broker_process.h"
#include "tests/support/kafka_probe.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::bench {
namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace ts = samsa::test_support;

struct options {
    std::string bootstrap;
    std::string broker_bin;
    std::string data_parent;
    double seconds = 4;
    std::vector<size_t> sizes{100, 1024};
    std::vector<int> partitions{1, 6};
    std::vector<std::string> acks{"1", "all"};
    bool consume = true;
    double recovery_gib = 1.0;
    uint64_t disk_mib = 256;
    int start_runs = 5;
    std::vector<std::string> loads{"raw", "rdkafka"};
    int connections = 2;
    int in_flight = 4;
    size_t batch_kib = 256;
    int fetch_partition_kib = 1024;
    int fetch_max_kib = 50 * 1024;
    double ceiling_seconds = 2;
};

uint16_t port_of(const std::string& bootstrap) {
    auto colon = bootstrap.rfind(':');
    return colon == std::string::npos ? 0 : static_cast<uint16_t>(std::stoi(bootstrap.substr(colon + 1)));
}

double mb(double bytes) { return bytes / 1e6; }
double mib(long kib) { return static_cast<double>(kib) / 1024.0; }
double ms_since(clock::time_point t) { return std::chrono::duration<double, std::milli>(clock::now() - t).count(); }

ts::broker_options broker_options_for(const options& o) {
    ts::broker_options b;
    b.binary = o.broker_bin.empty() ? ts::broker_beside_this_program() : std::filesystem::path(o.broker_bin);
    b.temp_parent = o.data_parent;
    b.start_timeout = 60s;  // recovery of a large log may take a while; we measure it
    b.stop_timeout = 30s;
    return b;
}

// Polls Metadata v0 until the broker answers; ms since `since`, or nullopt.
std::optional<double> wait_for_metadata(uint16_t port, clock::time_point since, std::chrono::milliseconds limit) {
    auto deadline = clock::now() + limit;
    while (clock::now() < deadline) {
        if (ts::metadata_v0_round_trip(port, 1000ms).ok) return ms_since(since);
        std::this_thread::sleep_for(1ms);
    }
    return std::nullopt;
}

struct rss_sampler {
    pid_t pid = -1;
    long peak_kib = 0;
    void operator()() {
        if (pid <= 0) return;
        if (auto kib = ts::rss_kib(pid)) peak_kib = std::max(peak_kib, *kib);
    }
};

void print_target(const char* what, bool met, const std::string& detail) {
    std::printf("  [%s] %-44s %s\n", met ? "met   " : "missed", what, detail.c_str());
}

int run(const options& o) {
    std::unique_ptr<ts::broker_process> broker;
    std::string bootstrap = o.bootstrap;
    std::filesystem::path disk_dir = o.data_parent.empty() ? std::filesystem::temp_directory_path()
                                                           : std::filesystem::path(o.data_parent);
    std::optional<double> start_ms_median, start_ms_min;
    long idle_rss_kib = 0;

    std::printf("samsa-bench-broker: %u cores; %.1f s per produce run\n", std::thread::hardware_concurrency(), o.seconds);
    if (bootstrap.empty()) {
        // Start time: several fresh starts on empty dirs, start to Metadata answer.
        std::vector<double> starts;
        for (int i = 0; i < o.start_runs; ++i) {
            ts::broker_process probe(broker_options_for(o));
            auto t0 = clock::now();
            if (!probe.start()) {
                std::fprintf(stderr, "cannot start the broker: %s\n", probe.failure().c_str());
                return 1;
            }
            if (auto ms = wait_for_metadata(probe.port(), t0, 10s)) starts.push_back(*ms);
            else std::fprintf(stderr, "broker never answered Metadata v0\n%s", probe.log_tail(30).c_str());
        }
        if (!starts.empty()) {
            std::sort(starts.begin(), starts.end());
            start_ms_median = starts[starts.size() / 2];
            start_ms_min = starts.front();
        }
        broker = std::make_unique<ts::broker_process>(broker_options_for(o));
        if (!broker->start()) {
            std::fprintf(stderr, "cannot start the broker: %s\n", broker->failure().c_str());
            return 1;
        }
        bootstrap = broker->bootstrap();
        disk_dir = broker->data_dir();
        (void)wait_for_metadata(broker->port(), clock::now(), 10s);
        std::this_thread::sleep_for(500ms);
        idle_rss_kib = ts::rss_kib(broker->pid()).value_or(0);
        std::printf("broker: %s, data dir %s\n", broker->command_line().c_str(), broker->data_dir().c_str());
    } else {
        std::printf("broker: --bootstrap %s (start time, RSS and recovery need our own broker: skipped)\n",
                    bootstrap.c_str());
    }

    // Ceilings.
    const auto ceiling_time = std::chrono::milliseconds(static_cast<long>(o.ceiling_seconds * 1000));
    auto loopback = loopback_tcp_bandwidth(ceiling_time);
    auto loopback_sendfile = loopback_sendfile_bandwidth(disk_dir, 64u << 20, ceiling_time);
    auto disk = sequential_write_bandwidth(disk_dir, o.disk_mib << 20);
    std::printf("\nceilings\n");
    std::printf("  loopback TCP (1 sender, 1 receiver thread)   %9.1f MB/s %s\n", mb(loopback.bytes_per_second),
                loopback.error.c_str());
    std::printf("  loopback TCP, sendfile of a page-cached file %9.1f MB/s %s\n", mb(loopback_sendfile.bytes_per_second),
                loopback_sendfile.error.c_str());
    std::printf("  sequential write + fdatasync, %4llu MiB       %9.1f MB/s %s (%s)\n",
                static_cast<unsigned long long>(o.disk_mib), mb(disk.bytes_per_second), disk.error.c_str(),
                disk_dir.c_str());

    if (start_ms_median) {
        std::printf("\nstart to first Metadata answer: median %.1f ms, min %.1f ms (%d starts)\n", *start_ms_median,
                    *start_ms_min, o.start_runs);
    }
    if (idle_rss_kib) std::printf("idle RSS: %.1f MiB\n", mib(idle_rss_kib));

    rss_sampler sampler{broker ? broker->pid() : -1, 0};
    std::printf("\n%-9s %-38s %12s %9s %9s %9s %9s %7s %7s  %s\n", "", "run", "records/s", "MB/s", "/loopback",
                "/sendfile", "/disk", "broker", "tool", "notes");
    std::printf("%-9s %-38s %12s %9s %9s %9s %9s %7s %7s\n", "", "", "", "", "", "", "", "CPU s/GB", "");
    // CPU seconds of the broker (ours) and of this process since `cpu_mark`.
    struct cpu_mark {
        std::optional<double> broker;
        double tool = 0;
    };
    auto cpu_now = [&] {
        return cpu_mark{broker ? process_cpu_seconds(broker->pid()) : std::nullopt, own_cpu_seconds()};
    };
    std::map<std::string, double> best_1k_produce, best_1k_consume, best_100_rate;
    int failures = 0;
    for (size_t size : o.sizes) {
        for (int parts : o.partitions) {
            for (const auto& acks : o.acks) {
              for (const auto& load : o.loads) {
                bool raw = load == "raw";
                std::string topic = "bench-" + load + "-" + std::to_string(size) + "b-p" + std::to_string(parts) +
                                    "-acks" + acks;
                auto created = ts::create_topic(bootstrap, topic, parts);
                if (!created) {
                    std::printf("  %s: CreateTopics failed: %s\n", topic.c_str(), created.error().message.c_str());
                    ++failures;
                    continue;
                }
                auto duration = std::chrono::milliseconds(static_cast<long>(o.seconds * 1000));
                load_result p;
                auto produce_cpu = cpu_now();
                if (raw) {
                    raw_produce_spec spec{topic, parts, size, static_cast<int16_t>(acks == "all" ? -1 : std::stoi(acks)),
                                          duration, o.connections, o.in_flight, o.batch_kib * 1024};
                    p = raw_produce_load(port_of(bootstrap), spec, std::ref(sampler));
                } else {
                    p = produce_load(bootstrap, produce_spec{topic, size, acks, duration}, std::ref(sampler));
                }
                char label[128];
                std::snprintf(label, sizeof label, "%4zu B, %d partition%s, acks=%s, %s", size, parts,
                              parts > 1 ? "s" : "", acks.c_str(), load.c_str());
                auto row = [&](const char* kind, const load_result& r, const cpu_mark& since) {
                    const cpu_mark now = cpu_now();
                    const double gb = static_cast<double>(r.bytes) / 1e9;
                    auto share = [&](const bandwidth& c) {
                        return c.bytes_per_second > 0 ? 100 * r.bytes_per_second() / c.bytes_per_second : 0;
                    };
                    char broker_cpu[16] = "-";
                    if (now.broker && since.broker && gb > 0)
                        std::snprintf(broker_cpu, sizeof broker_cpu, "%.3f", (*now.broker - *since.broker) / gb);
                    std::string notes;
                    if (r.answers > 0) {
                        char per[128];
                        const double answers = static_cast<double>(r.answers);
                        std::snprintf(per, sizeof per, "%.0f KB, %.1f TCP segments, %.0f us to first byte per answer",
                                      static_cast<double>(r.bytes) / 1e3 / answers,
                                      static_cast<double>(r.segments_in) / answers, 1e6 * r.waiting_seconds / answers);
                        notes = per;
                    }
                    if (r.errors) notes += (notes.empty() ? "" : "; ") + std::to_string(r.errors) + " errors, first: " + r.first_error;
                    std::printf("%-9s %-38s %12.0f %9.1f %8.1f%% %8.1f%% %8.1f%% %7s %7.3f  %s\n", kind, label,
                                r.records_per_second(), mb(r.bytes_per_second()), share(loopback),
                                share(loopback_sendfile), share(disk), broker_cpu,
                                gb > 0 ? (now.tool - since.tool) / gb : 0, notes.c_str());
                    std::fflush(stdout);
                };
                row("produce", p, produce_cpu);
                if (p.errors) ++failures;
                if (size == 1024 && loopback.bytes_per_second > 0) {
                    best_1k_produce[load] = std::max(best_1k_produce[load], p.bytes_per_second() / loopback.bytes_per_second);
                }
                if (size == 100) best_100_rate[load] = std::max(best_100_rate[load], p.records_per_second());
                if (o.consume && p.records > 0) {
                    load_result c;
                    auto consume_cpu = cpu_now();
                    if (raw) {
                        raw_fetch_spec spec{topic, parts, size, p.records, 60s, o.connections};
                        spec.partition_max_bytes = o.fetch_partition_kib * 1024;
                        spec.max_bytes = o.fetch_max_kib * 1024;
                        c = raw_fetch_load(port_of(bootstrap), spec, std::ref(sampler));
                    } else {
                        c = consume_load(bootstrap, topic, parts, p.records, 60s, std::ref(sampler));
                    }
                    row("consume", c, consume_cpu);
                    if (c.records < p.records) ++failures;
                    if (size == 1024 && loopback.bytes_per_second > 0) {
                        best_1k_consume[load] =
                            std::max(best_1k_consume[load], c.bytes_per_second() / loopback.bytes_per_second);
                    }
                }
              }
            }
        }
    }
    if (sampler.peak_kib) std::printf("\nRSS under load: peak %.1f MiB\n", mib(sampler.peak_kib));

    std::optional<double> recovery_port_ms, recovery_metadata_ms, recovery_served_ms;
    double recovery_gib_written = 0;
    if (broker && o.recovery_gib > 0) {
        // A broker of its own, so the log it recovers is exactly the size asked for.
        broker->stop();
        ts::broker_process rec(broker_options_for(o));
        std::printf("\nrecovery: writing %.2f GiB of 1 KiB records into one partition, then kill -9 ...\n",
                    o.recovery_gib);
        std::fflush(stdout);
        if (!rec.start()) {
            std::printf("  cannot start a broker: %s\n", rec.failure().c_str());
            ++failures;
        } else if (auto created = ts::create_topic(rec.bootstrap(), "bench-recovery", 1); !created) {
            std::printf("  CreateTopics failed: %s\n", created.error().message.c_str());
            ++failures;
        } else {
            uint64_t target = static_cast<uint64_t>(o.recovery_gib * (1ull << 30));
            produce_spec spec{"bench-recovery", 1024, "1", 600s, target / 1024};
            auto p = produce_load(rec.bootstrap(), spec, [] {});
            recovery_gib_written = static_cast<double>(p.bytes) / (1ull << 30);
            std::printf("  wrote %.2f GiB in %.1f s (%.1f MB/s)%s\n", recovery_gib_written, p.seconds,
                        mb(p.bytes_per_second()), p.errors ? (", errors: " + p.first_error).c_str() : "");
            rec.kill9();
            auto t0 = clock::now();
            if (rec.start()) {
                recovery_port_ms = ms_since(t0);
                recovery_metadata_ms = wait_for_metadata(rec.port(), t0, 60s);
                // The end offset served again: ListOffsets through librdkafka.
                auto deadline = clock::now() + 60s;
                while (clock::now() < deadline) {
                    auto w = ts::watermarks(rec.bootstrap(), "bench-recovery", 0);
                    if (w && static_cast<uint64_t>(w->second) >= p.records) {
                        recovery_served_ms = ms_since(t0);
                        break;
                    }
                    std::this_thread::sleep_for(5ms);
                }
                auto show = [](const std::optional<double>& ms) {
                    return ms ? std::to_string(static_cast<long>(*ms)) + " ms" : std::string("never");
                };
                std::printf("  restart after kill -9: port open %.0f ms, Metadata answer %s, end offset served %s\n",
                            *recovery_port_ms, show(recovery_metadata_ms).c_str(), show(recovery_served_ms).c_str());
                std::printf("  (the end-offset time includes starting a librdkafka client, some tens of ms)\n");
                auto log = rec.log_text();
                auto marker = log.rfind("=== samsa test support: start #");
                std::printf("  broker log of the restart:\n%s", marker == std::string::npos ? "" : log.substr(marker, 4000).c_str());
            } else {
                std::printf("  broker did not come back: %s\n", rec.failure().c_str());
                ++failures;
            }
        }
    }

    std::printf("\ntargets (issues 2 and 16, this machine, load tool and broker sharing it)\n");
    char detail[160];
    // Only the targets of the sizes and directions that ran.
    for (const auto& load : o.loads) {
        if (best_1k_produce.count(load)) {
            std::snprintf(detail, sizeof detail, "best 1 KiB produce run at %.1f%% of loopback (%s)",
                          100 * best_1k_produce[load], load.c_str());
            print_target("1 KiB produce >= 50% of the loopback ceiling", best_1k_produce[load] >= 0.5, detail);
        }
        if (best_1k_consume.count(load)) {
            std::snprintf(detail, sizeof detail, "best 1 KiB consume run at %.1f%% of loopback (%s)",
                          100 * best_1k_consume[load], load.c_str());
            print_target("1 KiB consume >= 70% of the loopback ceiling", best_1k_consume[load] >= 0.7, detail);
        }
        if (best_100_rate.count(load)) {
            std::snprintf(detail, sizeof detail, "best 100 B produce run %.0f records/s (%s)", best_100_rate[load],
                          load.c_str());
            print_target("100-byte records >= 800,000 records/s", best_100_rate[load] >= 800000, detail);
        }
    }
    if (start_ms_median) {
        std::snprintf(detail, sizeof detail, "median %.1f ms", *start_ms_median);
        print_target("start to first Metadata <= 50 ms", *start_ms_median <= 50, detail);
    }
    if (idle_rss_kib) {
        std::snprintf(detail, sizeof detail, "%.1f MiB", mib(idle_rss_kib));
        print_target("idle RSS <= 20 MiB", mib(idle_rss_kib) <= 20, detail);
    }
    if (recovery_metadata_ms) {
        std::snprintf(detail, sizeof detail, "%.0f ms to the first Metadata answer with a %.2f GiB log",
                      *recovery_metadata_ms, recovery_gib_written);
        print_target("recovery after kill -9 (1 GiB log) <= 1 s", *recovery_metadata_ms <= 1000, detail);
    }
    if (broker) broker->stop();
    return failures ? 1 : 0;
}

}  // namespace
}  // namespace samsa::bench

int main(int argc, char** argv) {
    samsa::bench::options o;
    CLI::App app{"samsa-bench-broker: produce/consume load against samsa-broker, next to the machine's ceilings"};
    app.add_option("--bootstrap", o.bootstrap, "use a running broker (host:port) instead of starting one");
    app.add_option("--broker-bin", o.broker_bin, "samsa-broker binary (default: next to this tool)");
    app.add_option("--data-parent", o.data_parent, "folder for the broker's temporary data dir (default: $TMPDIR or /tmp)");
    app.add_option("--seconds", o.seconds, "seconds of producing per run")->check(CLI::PositiveNumber);
    app.add_option("--sizes", o.sizes, "record sizes in bytes")->delimiter(',');
    app.add_option("--partitions", o.partitions, "partition counts")->delimiter(',');
    app.add_option("--acks", o.acks, "acks settings (0, 1, all)")->delimiter(',');
    app.add_flag("!--no-consume", o.consume, "skip reading back");
    app.add_option("--recovery-gib", o.recovery_gib, "log size for the kill -9 recovery run; 0 skips it");
    app.add_option("--disk-mib", o.disk_mib, "MiB written for the disk ceiling");
    app.add_option("--ceiling-seconds", o.ceiling_seconds, "seconds of each loopback ceiling measure")
        ->check(CLI::PositiveNumber);
    app.add_option("--start-runs", o.start_runs, "fresh starts timed for start-up")->check(CLI::PositiveNumber);
    app.add_option("--load", o.loads, "load tools: raw (pre-built frames on raw connections), rdkafka")
        ->delimiter(',')
        ->check(CLI::IsMember({"raw", "rdkafka"}));
    app.add_option("--connections", o.connections, "raw load: connections (threads)")->check(CLI::Range(1, 64));
    app.add_option("--in-flight", o.in_flight, "raw load: Produce requests in flight per connection")
        ->check(CLI::Range(1, 64));
    app.add_option("--batch-kib", o.batch_kib, "raw load: KiB of record values per Produce request")
        ->check(CLI::Range(1, 900));
    app.add_option("--fetch-partition-kib", o.fetch_partition_kib,
                   "raw load: Fetch partition_max_bytes in KiB (default: the clients' max.partition.fetch.bytes)")
        ->check(CLI::Range(1, 256 * 1024));
    app.add_option("--fetch-max-kib", o.fetch_max_kib,
                   "raw load: Fetch max_bytes in KiB (default: the clients' fetch.max.bytes)")
        ->check(CLI::Range(1, 1024 * 1024));
    CLI11_PARSE(app, argc, argv);
    return samsa::bench::run(o);
}
