// samsa-bench-broker-scale: how the broker's costs grow as the work grows
// (issue 16). Each measure starts its own samsa-broker child with a temp data
// dir under --data-parent:
//   steps        for each partition count (default 100, 1,000, 10,000 over
//                10, 100, 1,000 topics), plus a 1-partition run as the
//                ceiling: CreateTopics time, RSS and descriptors, Metadata
//                latency, produce/fetch over every partition, start time
//                after a clean stop and after kill -9 (scale_partitions.h)
//   connections  5,000 connections (scale_single.h)
//   group        200 members in one group
//   log          a 10 GiB partition in 10,240 segments of 1 MiB
//   bombs        30 pipelined zstd bombs of 1 GiB of zeros each, again and
//                again, beside a producer whose latency is timed
//   auto-create  one Metadata naming 8,000 unknown topics: time to its
//                answer, until all exist, another client's latency meanwhile
// and prints one table per measure: each figure per step, the growth from
// step to step, and the ceiling it is judged against.
//
//   build/bin/samsa-bench-broker-scale           # the full run, about 5-10 minutes
//   build/bin/samsa-bench-broker-scale --quick   # a smoke check, about a minute
//
// Thread: main only (raw_load runs its connection threads inside a call).

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/broker/scale_partitions.h"
#include "bench/broker/scale_single.h"

namespace samsa::bench::scale {
namespace {

struct options {
    std::vector<int> steps{100, 1000, 10000};
    int partitions_per_topic = 10;
    int create_batch = 100;
    double seconds = 3;
    std::string data_parent;
    std::string broker_bin;
    double log_gib = 10;
    int connections = 5000;
    int members = 200;
    bool skip_steps = false;
    bool skip_connections = false;
    bool skip_group = false;
    bool skip_log = false;
    bool skip_bombs = false;
    bool skip_auto_create = false;
    int auto_create_topics = 8000;
    int bombs_in_flight = 30;
    int bomb_mib = 1024;
    bool quick = false;
};

using figure = std::optional<double>;
double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

std::string show(figure v) {
    if (!v) return "-";
    char b[32];
    double a = std::fabs(*v);
    if (a >= 1e6) std::snprintf(b, sizeof b, "%.3g M", *v / 1e6);
    else if (a >= 100) std::snprintf(b, sizeof b, "%.0f", *v);
    else if (a >= 10) std::snprintf(b, sizeof b, "%.1f", *v);
    else std::snprintf(b, sizeof b, "%.2f", *v);
    return b;
}

std::string growth(figure from, figure to) {
    if (!from || !to || *from <= 0) return "-";
    char b[32];
    std::snprintf(b, sizeof b, "x%.2g", *to / *from);
    return b;
}

// One row of the steps table: a figure of a step result (nullopt: none).
struct row {
    const char* name;
    std::function<figure(const step_spec&, const step_result&)> get;
    bool ceiling = false;  // the 1-partition run is this figure's ceiling: print last/ceiling
};

figure per(double total, int n) { return n > 0 ? figure(total / n) : std::nullopt; }
figure ms_or(const std::optional<double>& v) { return v; }
figure pos(double v) { return v > 0 ? figure(v) : std::nullopt; }
figure lat(const latency& l, bool p99) {
    if (l.count == 0) return std::nullopt;
    return p99 ? l.p99_ms : l.p50_ms;
}

std::vector<row> step_rows() {
    using S = const step_spec&;
    using R = const step_result&;
    return {
        {"CreateTopics, all topics (ms)", [](S, R r) { return ms_or(r.create_ms); }},
        {"  per partition (us)", [](S s, R r) { return r.create_ms ? per(*r.create_ms * 1000, s.partitions) : std::nullopt; }},
        {"RSS idle, empty broker (MiB)", [](S, R r) { return pos(mib(r.idle_rss_kib)); }},
        {"RSS after create (MiB)", [](S, R r) { return pos(mib(r.created_rss_kib)); }},
        {"  per partition, empty (KiB)", [](S s, R r) { return r.created_rss_kib ? per(static_cast<double>(r.created_rss_kib - r.idle_rss_kib), s.partitions) : std::nullopt; }},
        {"RSS after produce+fetch (MiB)", [](S, R r) { return pos(mib(r.loaded_rss_kib)); }},
        {"  per partition, with data (KiB)", [](S s, R r) { return r.loaded_rss_kib ? per(static_cast<double>(r.loaded_rss_kib - r.idle_rss_kib), s.partitions) : std::nullopt; }},
        {"open descriptors after create", [](S, R r) { return pos(static_cast<double>(r.created_fds)); }},
        {"open descriptors after load", [](S, R r) { return pos(static_cast<double>(r.loaded_fds)); }},
        {"start, empty data dir (ms)", [](S, R r) { return ms_or(r.empty_start_ms); }},
        {"clean stop, SIGTERM to exit (ms)", [](S, R r) { return ms_or(r.restarts.stop_ms); }, true},
        {"start after clean stop (ms)", [](S, R r) { return ms_or(r.restarts.start_ms); }, true},
        {"start after kill -9 (ms)", [](S, R r) { return ms_or(r.restarts.recovery_ms); }, true},
        {"Metadata, all topics p50 (ms)", [](S, R r) { return lat(r.metadata_all, false); }, true},
        {"Metadata, all topics p99 (ms)", [](S, R r) { return lat(r.metadata_all, true); }, true},
        {"Metadata, one topic p50 (ms)", [](S, R r) { return lat(r.metadata_one, false); }, true},
        {"Metadata, one topic p99 (ms)", [](S, R r) { return lat(r.metadata_one, true); }, true},
        {"produce, all partitions (rec/s)", [](S, R r) { return pos(r.produce.records_per_second()); }, true},
        {"produce (MB/s)", [](S, R r) { return pos(r.produce.bytes_per_second() / 1e6); }, true},
        {"  batches answered / partitions", [](S s, R r) { return per(static_cast<double>(r.produce_requests), s.partitions); }},
        {"fetch, all partitions (rec/s)", [](S, R r) { return pos(r.fetch.records_per_second()); }, true},
        {"fetch (MB/s)", [](S, R r) { return pos(r.fetch.bytes_per_second() / 1e6); }, true},
    };
}

int run_steps(const options& o, const broker_settings& settings) {
    int failures = 0;
    std::vector<step_spec> specs;
    step_spec ceiling_spec;  // one topic, one partition: what each figure is at its best
    ceiling_spec.partitions = 1;
    ceiling_spec.topics = 1;
    specs.push_back(ceiling_spec);
    for (int p : o.steps) {
        step_spec s;
        s.partitions = p;
        s.topics = std::max(1, p / o.partitions_per_topic);
        specs.push_back(s);
    }
    std::vector<step_result> results;
    for (auto& s : specs) {
        s.create_batch = o.create_batch;
        s.load = std::chrono::milliseconds(static_cast<long>(o.seconds * 1000));
        std::printf("step: %d partitions over %d topics ...\n", s.partitions, s.topics);
        std::fflush(stdout);
        auto t0 = clock::now();
        results.push_back(run_step(settings, s));
        const auto& r = results.back();
        if (!r.error.empty()) {
            std::printf("  FAILED: %s\n", r.error.c_str());
            ++failures;
        }
        if (r.produce.errors || r.fetch.errors)
            std::printf("  load errors: produce %llu, fetch %llu (%s)\n", static_cast<unsigned long long>(r.produce.errors),
                        static_cast<unsigned long long>(r.fetch.errors),
                        (r.produce.first_error.empty() ? r.fetch.first_error : r.produce.first_error).c_str());
        if (r.fetch.records < r.produce.records) {
            std::printf("  fetch read %llu of %llu records\n", static_cast<unsigned long long>(r.fetch.records),
                        static_cast<unsigned long long>(r.produce.records));
            ++failures;
        }
        std::printf("  done in %.1f s\n", ms_since(t0) / 1000);
        std::fflush(stdout);
    }

    std::printf("\npartitions (%d per topic; %zu-byte records, %zu per batch, one partition per Produce request; "
                "growth = this step / the step before)\n",
                o.partitions_per_topic, specs[0].record_size, specs[0].batch_records);
    std::printf("%-34s %12s", "figure", "1 partition");
    for (size_t i = 1; i < specs.size(); ++i) std::printf(" %12s", (std::to_string(specs[i].partitions) + " p").c_str());
    for (size_t i = 2; i < specs.size(); ++i)
        std::printf(" %9s", ("x" + std::to_string(specs[i].partitions / std::max(1, specs[i - 1].partitions))).c_str());
    std::printf("  %s\n", "last/ceiling");
    for (const auto& rw : step_rows()) {
        std::vector<figure> v;
        for (size_t i = 0; i < specs.size(); ++i) v.push_back(rw.get(specs[i], results[i]));
        std::printf("%-34s %12s", rw.name, show(v[0]).c_str());
        for (size_t i = 1; i < v.size(); ++i) std::printf(" %12s", show(v[i]).c_str());
        for (size_t i = 2; i < v.size(); ++i) std::printf(" %9s", growth(v[i - 1], v[i]).c_str());
        if (rw.ceiling && v.size() > 1 && v[0] && v.back() && *v[0] > 0) std::printf("  %.1f%%", 100 * *v.back() / *v[0]);
        std::printf("\n");
    }
    std::fflush(stdout);
    return failures;
}

int run_connections(const options& o, const broker_settings& settings) {
    std::printf("\nconnections: opening %d ...\n", o.connections);
    std::fflush(stdout);
    auto r = measure_connections(settings, o.connections);
    if (!r.skipped.empty()) {
        std::printf("  skipped: %s\n", r.skipped.c_str());
        return 0;
    }
    if (!r.error.empty()) std::printf("  FAILED: %s\n", r.error.c_str());
    std::printf("%-44s %12s %12s\n", "figure", "value", "ceiling");
    std::printf("%-44s %12d %12d\n", "connections open, each answered ApiVersions", r.opened, o.connections);
    std::printf("%-44s %12s\n", "  time to open all, one after the other (ms)", show(r.open_ms).c_str());
    std::printf("%-44s %12s\n", "  per connection (us)", show(per(r.open_ms * 1000, r.opened)).c_str());
    std::printf("%-44s %12s %12s\n", "broker RSS (MiB), idle -> all open", show(mib(r.open_rss_kib)).c_str(),
                show(mib(r.idle_rss_kib)).c_str());
    std::printf("%-44s %12s\n", "  per connection (KiB)",
                show(per(static_cast<double>(r.open_rss_kib - r.idle_rss_kib), r.opened)).c_str());
    std::printf("%-44s %12ld\n", "broker open descriptors", r.open_fds);
    std::printf("%-44s %12s %12s\n", "Metadata one topic p50 (ms), all open / idle", show(lat(r.metadata_loaded, false)).c_str(),
                show(lat(r.metadata_idle, false)).c_str());
    std::printf("%-44s %12s %12s\n", "Metadata one topic p99 (ms), all open / idle", show(lat(r.metadata_loaded, true)).c_str(),
                show(lat(r.metadata_idle, true)).c_str());
    return r.error.empty() ? 0 : 1;
}

int run_group(const options& o, const broker_settings& settings) {
    std::printf("\ngroup: %d members in one group ...\n", o.members);
    std::fflush(stdout);
    auto r = measure_group(settings, o.members);
    if (!r.error.empty()) std::printf("  FAILED: %s\n", r.error.c_str());
    std::printf("%-52s %12s\n", "figure", "value");
    std::printf("%-52s %12s\n", "a first group of 1, creating __consumer_offsets (ms)", show(pos(r.first_group_ms)).c_str());
    std::printf("%-52s %12d\n", "members with an assignment", r.members);
    std::printf("%-52s %12s\n", "first JoinGroup to the last SyncGroup answer (ms)", show(pos(r.join_ms)).c_str());
    std::printf("%-52s %12s\n", "  of which group.initial.rebalance.delay.ms, x2 (ms)", show(pos(2 * r.delay_ms)).c_str());
    std::printf("%-52s %12s\n", "  of which the SyncGroup round (ms)", show(pos(r.sync_ms)).c_str());
    std::printf("%-52s %12s\n", "one member leaves: to the others' SyncGroup (ms)", show(pos(r.rebalance_ms)).c_str());
    std::printf("%-52s %12s\n", "  per remaining member (us)", show(per(r.rebalance_ms * 1000, r.members - 1)).c_str());
    return r.error.empty() ? 0 : 1;
}

int run_log(const options& o, const broker_settings& settings) {
    std::printf("\nlog: %.2f GiB in one partition, segment.bytes 1 MiB ...\n", o.log_gib);
    std::fflush(stdout);
    auto r = measure_log(settings, o.log_gib);
    if (!r.skipped.empty()) {
        std::printf("  skipped: %s\n", r.skipped.c_str());
        return 0;
    }
    if (!r.error.empty()) std::printf("  FAILED: %s\n", r.error.c_str());
    std::printf("%-44s %12s %12s\n", "figure", "value", "ceiling");
    std::printf("%-44s %12s\n", "written (GiB)", show(r.gib).c_str());
    std::printf("%-44s %12s\n", "  produce (MB/s, 1 KiB records, raw load)",
                show(r.write_s > 0 ? figure(r.gib * (1ull << 30) / 1e6 / r.write_s) : std::nullopt).c_str());
    std::printf("%-44s %12ld\n", "segments", r.segments);
    std::printf("%-44s %12s\n", "broker RSS (MiB)", show(mib(r.rss_kib)).c_str());
    std::printf("%-44s %12ld\n", "broker open descriptors", r.fds);
    std::printf("%-44s %12ld\n", "  peak while writing", r.peak_fds);
    std::printf("%-44s %12s\n", "clean stop, SIGTERM to exit (ms)", show(r.restarts.stop_ms).c_str());
    std::printf("%-44s %12s %12s\n", "start after clean stop (ms) / empty start", show(r.restarts.start_ms).c_str(),
                show(r.empty_start_ms).c_str());
    std::printf("%-44s %12s %12s\n", "start after kill -9 (ms) / empty start", show(r.restarts.recovery_ms).c_str(),
                show(r.empty_start_ms).c_str());
    std::printf("%-44s %12s\n", "Fetch 1 MiB at offset 0, p50 (ms)", show(lat(r.fetch_first, false)).c_str());
    std::printf("%-44s %12s\n", "Fetch 1 MiB in the middle, p50 (ms)", show(lat(r.fetch_middle, false)).c_str());
    std::printf("%-44s %12s %12s\n", "Fetch 1 MiB at the end, p50 (ms) / middle", show(lat(r.fetch_last, false)).c_str(),
                show(lat(r.fetch_middle, false)).c_str());
    return r.error.empty() ? 0 : 1;
}

int run_bombs(const options& o, const broker_settings& settings) {
    std::printf("\nbombs: %d pipelined zstd batches of %d MiB of zeros each, beside a producer ...\n",
                o.bombs_in_flight, o.bomb_mib);
    std::fflush(stdout);
    auto r = measure_bombs(settings, o.bombs_in_flight, o.bomb_mib);
    if (!r.error.empty()) std::printf("  FAILED: %s\n", r.error.c_str());
    std::printf("%-52s %12s %12s\n", "figure", "value", "ceiling");
    std::printf("%-52s %12zu\n", "one bomb's Produce frame (bytes)", r.bomb_bytes);
    std::printf("%-52s %12ld %12ld\n", "bombs refused INVALID_RECORD / answered", r.refused, r.answered);
    std::printf("%-52s %12s\n", "  per second",
                show(r.seconds > 0 ? figure(static_cast<double>(r.answered) / r.seconds) : std::nullopt).c_str());
    std::printf("%-52s %12s %12s\n", "Produce 1 record p50 (ms), bombs arriving / none",
                show(lat(r.produce_bombed, false)).c_str(), show(lat(r.produce_idle, false)).c_str());
    std::printf("%-52s %12s %12s\n", "Produce 1 record p99 (ms), bombs arriving / none",
                show(lat(r.produce_bombed, true)).c_str(), show(lat(r.produce_idle, true)).c_str());
    return r.error.empty() && r.refused == r.answered && r.answered > 0 ? 0 : 1;
}

int run_auto_create(const options& o, const broker_settings& settings) {
    std::printf("\nauto-create: one Metadata naming %d unknown topics, beside another client's Metadata ...\n",
                o.auto_create_topics);
    std::fflush(stdout);
    auto r = measure_auto_create(settings, o.auto_create_topics);
    if (!r.error.empty()) std::printf("  FAILED: %s\n", r.error.c_str());
    std::printf("%-52s %12s %12s\n", "figure", "value", "ceiling");
    std::printf("%-52s %12.1f\n", "the Metadata sent to its answer (ms)", r.answer_ms);
    std::printf("%-52s %12d %12d\n", "  topics answered NONE in it / asked", r.answered_ready, r.topics);
    std::printf("%-52s %12.1f\n", "the Metadata sent until all topics exist (ms)", r.all_visible_ms);
    std::printf("%-52s %12s %12s\n", "other client's Metadata p50 (ms), meanwhile / idle",
                show(lat(r.other_meanwhile, false)).c_str(), show(lat(r.other_idle, false)).c_str());
    std::printf("%-52s %12s %12s\n", "other client's Metadata p99 (ms), meanwhile / idle",
                show(lat(r.other_meanwhile, true)).c_str(), show(lat(r.other_idle, true)).c_str());
    std::printf("%-52s %12.1f %12d\n", "  slowest meanwhile (ms) / round trips meanwhile", r.other_max_ms,
                r.other_meanwhile.count);
    return r.error.empty() ? 0 : 1;
}

int run(const options& o) {
    broker_settings settings;
    settings.binary = o.broker_bin;
    settings.data_parent = o.data_parent;
    std::printf("samsa-bench-broker-scale: %u cores, data under %s\n", std::thread::hardware_concurrency(),
                o.data_parent.empty() ? "$TMPDIR or /tmp" : o.data_parent.c_str());
    int failures = 0;
    if (!o.skip_steps) failures += run_steps(o, settings);
    if (!o.skip_connections) failures += run_connections(o, settings);
    if (!o.skip_group) failures += run_group(o, settings);
    if (!o.skip_log) failures += run_log(o, settings);
    if (!o.skip_bombs) failures += run_bombs(o, settings);
    if (!o.skip_auto_create) failures += run_auto_create(o, settings);
    std::printf("\n%s\n", failures ? "FAILURES above" : "all measures ran");
    return failures ? 1 : 0;
}

}  // namespace
}  // namespace samsa::bench::scale

int main(int argc, char** argv) {
    samsa::bench::scale::options o;
    CLI::App app{"samsa-bench-broker-scale: how the broker's costs grow with partitions, connections, group members "
                 "and log size (each measure on its own broker child)"};
    app.add_option("--steps", o.steps, "partition counts, one fresh broker each (a 1-partition run is added as the ceiling)")
        ->delimiter(',')
        ->check(CLI::Range(1, 100000));
    app.add_option("--partitions-per-topic", o.partitions_per_topic, "partitions of each topic in a step")
        ->check(CLI::Range(1, 10000));
    app.add_option("--create-batch", o.create_batch, "topics per CreateTopics request")->check(CLI::Range(1, 100000));
    app.add_option("--seconds", o.seconds, "seconds of produce load per step")->check(CLI::Range(0.1, 600.0));
    app.add_option("--data-parent", o.data_parent, "folder for each broker's temp data dir (default: $TMPDIR or /tmp)");
    app.add_option("--broker-bin", o.broker_bin, "samsa-broker binary (default: next to this tool)");
    app.add_option("--log-gib", o.log_gib, "size of the one-partition log (1 MiB segments)")->check(CLI::Range(0.001, 1000.0));
    app.add_option("--connections", o.connections, "connections opened at once")->check(CLI::Range(1, 1000000));
    app.add_option("--members", o.members, "members of the one group")->check(CLI::Range(2, 100000));
    app.add_flag("--skip-steps", o.skip_steps, "skip the partition steps");
    app.add_flag("--skip-connections", o.skip_connections, "skip the connections measure");
    app.add_flag("--skip-group", o.skip_group, "skip the group measure");
    app.add_flag("--skip-log", o.skip_log, "skip the large-log measure");
    app.add_flag("--skip-bombs", o.skip_bombs, "skip the compressed-bombs measure");
    app.add_flag("--skip-auto-create", o.skip_auto_create, "skip the mass auto-create measure");
    app.add_option("--auto-create-topics", o.auto_create_topics, "unknown topics named in the one Metadata")
        ->check(CLI::Range(1, 100000));
    app.add_option("--bombs-in-flight", o.bombs_in_flight, "bombs pipelined on their connection")
        ->check(CLI::Range(1, 1000));
    app.add_option("--bomb-mib", o.bomb_mib, "MiB of zeros each bomb expands to")->check(CLI::Range(1, 4096));
    app.add_flag("--quick", o.quick,
                 "a smoke check: steps 100,1000, 1 s of load, 500 connections, 20 members, a 0.5 GiB log, 64 MiB bombs, "
                 "500 auto-created topics "
                 "(options given explicitly still win)");
    CLI11_PARSE(app, argc, argv);
    if (o.quick) {
        if (app.count("--steps") == 0) o.steps = {100, 1000};
        if (app.count("--seconds") == 0) o.seconds = 1;
        if (app.count("--connections") == 0) o.connections = 500;
        if (app.count("--members") == 0) o.members = 20;
        if (app.count("--log-gib") == 0) o.log_gib = 0.5;
        if (app.count("--bomb-mib") == 0) o.bomb_mib = 64;
        if (app.count("--auto-create-topics") == 0) o.auto_create_topics = 500;
    }
    return samsa::bench::scale::run(o);
}
