// samsa-bench-streams-windows: a windowed count and a stream-stream join,
// records/s, each next to a hand-written loop doing the same work (the
// ceiling), as a ratio:
//
//   count  stream(K, V) -> groupByKey -> 60 s tumbling windows, 10 s grace ->
//          count (no cache: one update per record) -> "key@start" -> out
//   loop   std::map<(key, window start), count> with Kafka's late-record rule
//          and retention, the same string/int64 serialisation of each update
//   join   stream(left) join stream(right), |t1 - t2| <= 100 ms, 50 ms grace,
//          joiner a + "+" + b
//   loop   two std::multimap<key, (ts, value)> buffers, probe the other side
//          within the window, expire past retention, same serialisation
//
// Modes: `driver` (topology test driver, in-process) and `broker` (kafka_streams
// through a samsa-broker child, one stream thread, one partition per topic:
// records/s from RUNNING until the output topic holds every result). The
// loops are in-process in both cases, so the broker ratio includes the
// clients and the broker.
//
//   samsa-bench-streams-windows [--records N] [--keys K] [--rounds R]
//                               [--mode all|driver|broker] [--stores rocksdb|in_memory]
//                               [--only count|join]
//
// Input: record i has key k<i % K>, timestamp base (an hour ago) + 10 i ms plus up to 19 ms
// of disorder (count); for the join, left i and right i share a key and a
// timestamp, keys repeat every K * 10 ms (far outside the window): exactly
// one result per pair. Driver and loop modes take turns for R rounds and
// keep their best (this VM's speed wanders).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/testing/topology_test_driver.h"
#include "samsa/streams/time_windowed_kstream.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace {

namespace ss = samsa::streams;
namespace ts = samsa::test_support;
using clock_type = std::chrono::steady_clock;
using str = std::string;
using namespace std::chrono_literals;

constexpr int64_t window_size = 60'000;
constexpr int64_t window_grace = 10'000;
constexpr int64_t join_difference = 100;
constexpr int64_t join_grace = 50;
// Recent (the broker's 7-day time retention would delete older records),
// on a window boundary.
const int64_t base_time = (ts::now_ms() / window_size - 60) * window_size;

struct options {
    int64_t records = 100'000;
    int64_t keys = 1000;
    int rounds = 3;
    str mode = "all";
    ss::store_type stores = ss::store_type::rocksdb;
    str only;  // "count" or "join": run one of them (profiling); empty: both
};

[[noreturn]] void die(const str& why) {
    std::fprintf(stderr, "samsa-bench-streams-windows: %s\n", why.c_str());
    std::exit(1);
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        str a = argv[i];
        auto value = [&] {
            if (i + 1 >= argc) die("missing value for " + a);
            return str(argv[++i]);
        };
        if (a == "--records") o.records = std::stoll(value());
        else if (a == "--keys") o.keys = std::stoll(value());
        else if (a == "--rounds") o.rounds = std::stoi(value());
        else if (a == "--mode") o.mode = value();
        else if (a == "--only") o.only = value();
        else if (a == "--stores") o.stores = value() == "in_memory" ? ss::store_type::in_memory : ss::store_type::rocksdb;
        else die("unknown argument " + a);
    }
    return o;
}

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

struct input {
    str key, value;
    int64_t timestamp;
};

std::vector<input> count_input(const options& o) {
    std::vector<input> in;
    in.reserve(o.records);
    for (int64_t i = 0; i < o.records; ++i) {
        in.push_back({"k" + std::to_string(i % o.keys), "v" + std::to_string(i), base_time + 10 * i + (i * 7919) % 20});
    }
    return in;
}

std::vector<input> join_input(const options& o) {
    std::vector<input> in;
    in.reserve(o.records);
    for (int64_t i = 0; i < o.records; ++i) {
        in.push_back({"k" + std::to_string(i % o.keys), "v" + std::to_string(i), base_time + 10 * i});
    }
    return in;
}

str window_key(const str& key, int64_t start) { return key + "@" + std::to_string(start); }

// ---- the topologies ----

ss::topology count_topology(ss::store_type stores) {
    ss::streams_builder b;
    auto m = ss::materialized<str, int64_t>::as(stores);
    m.with_caching_disabled();
    b.stream("count-in", ss::consumed<str, str>::with(ss::serdes::string(), ss::serdes::string()))
        .group_by_key()
        .windowed_by(ss::time_windows::of_size_and_grace(window_size, window_grace))
        .count(ss::named{}, m)
        .to_stream()
        .map([](const ss::windowed<str>& k, const int64_t& n) {
            return ss::key_value<str, int64_t>{window_key(k.key(), k.window().start()), n};
        })
        .to("count-out", ss::produced<str, int64_t>::with(ss::serdes::string(), ss::serdes::int64()));
    return b.build();
}

ss::topology join_topology() {
    ss::streams_builder b;
    auto strings = ss::consumed<str, str>::with(ss::serdes::string(), ss::serdes::string());
    auto left = b.stream("join-left", strings);
    auto right = b.stream("join-right", strings);
    left.join(right, [](const str& a, const str& c) { return a + "+" + c; },
              ss::join_windows::of_time_difference_and_grace(join_difference, join_grace),
              ss::stream_joined<str, str, str>::with(ss::serdes::string(), ss::serdes::string(), ss::serdes::string()))
        .to("join-out", ss::produced<str, str>::with(ss::serdes::string(), ss::serdes::string()));
    return b.build();
}

// ---- the loops: same semantics, same serialisation of every result ----

struct sink {
    std::vector<std::pair<samsa::bytes, samsa::bytes>> out;
    int64_t total = 0;
    void put(samsa::bytes k, samsa::bytes v) {
        out.emplace_back(std::move(k), std::move(v));
        ++total;
        if (out.size() >= 4096) out.clear();
    }
};

int64_t count_loop(const std::vector<input>& in) {
    auto key_serde = ss::serdes::string();
    auto long_serde = ss::serdes::int64();
    std::map<std::pair<str, int64_t>, int64_t> counts;
    sink s;
    int64_t stream_time = -1;
    int64_t next_expiry = 0;
    for (const auto& r : in) {
        // As the source deserializes.
        str key = key_serde.deserialize("count-in", samsa::to_bytes(r.key));
        str value = key_serde.deserialize("count-in", samsa::to_bytes(r.value));
        stream_time = std::max(stream_time, r.timestamp);
        int64_t start = r.timestamp - r.timestamp % window_size;
        if (start + window_size <= stream_time - window_grace) continue;  // late: dropped
        int64_t n = ++counts[{key, start}];
        str out_key = window_key(key, start);
        s.put(key_serde.serialize("count-out", out_key), long_serde.serialize("count-out", n));
        if (stream_time >= next_expiry) {  // retention = size + grace, as the store's segments
            int64_t keep_from = stream_time - window_size - window_grace;
            std::erase_if(counts, [&](const auto& e) { return e.first.second + window_size <= keep_from; });
            next_expiry = stream_time + window_size / 2;
        }
    }
    return s.total;
}

int64_t join_loop(const std::vector<input>& in) {
    auto serde = ss::serdes::string();
    using buffer = std::multimap<str, std::pair<int64_t, str>>;
    buffer left, right;
    sink s;
    int64_t stream_time = -1;
    auto side = [&](const input& r, const char* topic, buffer& mine, buffer& other, bool is_left) {
        str key = serde.deserialize(topic, samsa::to_bytes(r.key));
        str value = serde.deserialize(topic, samsa::to_bytes(r.value));
        stream_time = std::max(stream_time, r.timestamp);
        auto [lo, hi] = other.equal_range(key);
        for (auto it = lo; it != hi; ++it) {
            int64_t t = it->second.first;
            if (t < r.timestamp - join_difference || t > r.timestamp + join_difference) continue;
            str joined = is_left ? value + "+" + it->second.second : it->second.second + "+" + value;
            s.put(serde.serialize("join-out", key), serde.serialize("join-out", joined));
        }
        mine.emplace(key, std::make_pair(r.timestamp, value));
        // Retention: older than the window and the grace behind stream time.
        int64_t keep_from = stream_time - 2 * join_difference - join_grace;
        if (mine.size() > 4096) std::erase_if(mine, [&](const auto& e) { return e.second.first < keep_from; });
    };
    for (const auto& r : in) {
        side(r, "join-left", left, right, true);
        side(r, "join-right", right, left, false);
    }
    return s.total;
}

// ---- driver runs ----

int64_t count_driver(const std::vector<input>& in, ss::store_type stores) {
    ss::testing::topology_test_driver d(count_topology(stores));
    auto t_in = d.create_input_topic("count-in", ss::serdes::string(), ss::serdes::string());
    auto t_out = d.create_output_topic("count-out", ss::serdes::string(), ss::serdes::int64());
    int64_t results = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        t_in.pipe_input(in[i].key, in[i].value, in[i].timestamp);
        if (i % 4096 == 4095 || i + 1 == in.size()) results += static_cast<int64_t>(t_out.read_key_values_to_list().size());
    }
    return results;
}

int64_t join_driver(const std::vector<input>& in) {
    ss::testing::topology_test_driver d(join_topology());
    auto l = d.create_input_topic("join-left", ss::serdes::string(), ss::serdes::string());
    auto r = d.create_input_topic("join-right", ss::serdes::string(), ss::serdes::string());
    auto out = d.create_output_topic("join-out", ss::serdes::string(), ss::serdes::string());
    int64_t results = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        l.pipe_input(in[i].key, in[i].value, in[i].timestamp);
        r.pipe_input(in[i].key, in[i].value, in[i].timestamp);
        if (i % 4096 == 4095 || i + 1 == in.size()) results += static_cast<int64_t>(out.read_key_values_to_list().size());
    }
    return results;
}

// The process's CPU time (all its threads: RocksDB's flushes too), which the
// other sessions' load on the shared cores disturbs far less than wall time.
double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct best {
    double rate = 0;      // records per wall-clock second
    double cpu_rate = 0;  // records per CPU second
    int64_t results = 0;
};

template<class F>
void time_round(best& b, int64_t records, F&& f) {
    auto t = clock_type::now();
    double cpu = cpu_seconds();
    int64_t results = f();
    double rate = static_cast<double>(records) / seconds_since(t);
    double cpu_rate = static_cast<double>(records) / (cpu_seconds() - cpu);
    b.rate = std::max(b.rate, rate);
    b.cpu_rate = std::max(b.cpu_rate, cpu_rate);
    b.results = results;
}

// ---- broker runs ----

void produce_all(const str& bs, const str& topic, const std::vector<input>& in) {
    constexpr size_t chunk = 20'000;
    for (size_t from = 0; from < in.size(); from += chunk) {
        std::vector<ts::record> records;
        for (size_t i = from; i < std::min(in.size(), from + chunk); ++i) {
            ts::record r;
            r.key = in[i].key;
            r.value = in[i].value;
            r.timestamp = in[i].timestamp;
            r.partition = 0;
            records.push_back(std::move(r));
        }
        auto done = ts::produce(bs, topic, std::move(records), {{"linger.ms", "20"}}, 120s);
        if (!done) die("produce " + topic + ": " + done.error().message);
    }
}

int64_t end_offset(const str& bs, const str& topic) {
    auto w = ts::watermarks(bs, topic, 0);
    return w ? w->second : 0;
}

// Records/s from RUNNING until `out` holds `expected` records.
double broker_rate(const str& bs, ss::topology t, const str& app_id, const std::filesystem::path& state,
                   const str& out, int64_t expected, int64_t records) {
    std::map<str, str> props{{"application.id", app_id},
                             {"bootstrap.servers", bs},
                             {"state.dir", state.string()},
                             {"replication.factor", "1"},
                             {"commit.interval.ms", "1000"},
                             {"producer.linger.ms", "5"},
                             {"consumer.fetch.wait.max.ms", "100"}};
    ss::kafka_streams app(std::move(t), props);
    auto start = clock_type::now();
    app.start();
    while (app.state() != ss::streams_state::running && seconds_since(start) < 120) std::this_thread::sleep_for(5ms);
    auto running = clock_type::now();
    // Until done, or 60 s without progress.
    int64_t got = 0;
    int64_t last = -1;
    auto progressed = clock_type::now();
    while ((got = end_offset(bs, out)) < expected && seconds_since(progressed) < 60) {
        if (got != last) {
            progressed = clock_type::now();
            last = got;
        }
        std::this_thread::sleep_for(20ms);
    }
    double s = seconds_since(running);
    app.close(60s);
    if (got < expected) die(out + " has " + std::to_string(got) + " of " + std::to_string(expected) + " records");
    return static_cast<double>(records) / s;
}

void ratio_line(const char* what, double rate, double loop) {
    std::printf("  %-26s %9.0f records/s   = %3.0f%% of the loop\n", what, rate, 100.0 * rate / loop);
}

void cpu_line(const best& loop, const best& driver) {
    std::printf("  per CPU second: loop %.0f, driver %.0f records/s   = %3.0f%% of the loop\n", loop.cpu_rate,
                driver.cpu_rate, 100.0 * driver.cpu_rate / loop.cpu_rate);
}

}  // namespace

int main(int argc, char** argv) {
    options o = parse(argc, argv);
    auto counts_in = count_input(o);
    auto joins_in = join_input(o);
    const bool driver = o.mode == "all" || o.mode == "driver";
    const bool broker = o.mode == "all" || o.mode == "broker";
    std::printf("samsa-bench-streams-windows: %lld records, %lld keys, %s count store, best of %d rounds\n",
                static_cast<long long>(o.records), static_cast<long long>(o.keys),
                o.stores == ss::store_type::rocksdb ? "rocksdb" : "in_memory", o.rounds);

    const bool count = o.only != "join";
    const bool join = o.only != "count";
    best count_l, count_d, join_l, join_d;
    for (int round = 0; round < o.rounds; ++round) {
        if (count) time_round(count_l, o.records, [&] { return count_loop(counts_in); });
        if (join) time_round(join_l, o.records * 2, [&] { return join_loop(joins_in); });
        if (!driver) continue;
        if (count) time_round(count_d, o.records, [&] { return count_driver(counts_in, o.stores); });
        if (join) time_round(join_d, o.records * 2, [&] { return join_driver(joins_in); });
    }
    if (driver && (count_d.results != count_l.results || join_d.results != join_l.results)) {
        die("driver and loop disagree: count " + std::to_string(count_d.results) + " vs " +
            std::to_string(count_l.results) + ", join " + std::to_string(join_d.results) + " vs " +
            std::to_string(join_l.results));
    }
    if (count) {
        std::printf("windowed count (%lld results): loop %.0f records/s\n", static_cast<long long>(count_l.results),
                    count_l.rate);
        if (driver) {
            ratio_line("driver", count_d.rate, count_l.rate);
            cpu_line(count_l, count_d);
        }
    }
    if (join) {
        std::printf("stream-stream join (%lld results, input records of both sides): loop %.0f records/s\n",
                    static_cast<long long>(join_l.results), join_l.rate);
        if (driver) {
            ratio_line("driver", join_d.rate, join_l.rate);
            cpu_line(join_l, join_d);
        }
    }
    std::fflush(stdout);

    if (broker) {
        ts::broker_options bo;
        bo.binary = ts::broker_beside_this_program();
        ts::broker_process b(bo);
        if (!b.start()) die("broker: " + b.failure());
        const str bs = b.bootstrap();
        for (const char* t : {"count-in", "count-out", "join-left", "join-right", "join-out"}) {
            if (!ts::create_topic(bs, t, 1)) die(str("create topic ") + t);
        }
        produce_all(bs, "count-in", counts_in);
        produce_all(bs, "join-left", joins_in);
        produce_all(bs, "join-right", joins_in);
        auto state = b.data_dir() / "streams-state";
        if (count) {
            double count_b = broker_rate(bs, count_topology(o.stores), "bench-count", state, "count-out",
                                         count_l.results, o.records);
            std::printf("windowed count through samsa-broker (one stream thread, from RUNNING):\n");
            ratio_line("kafka_streams", count_b, count_l.rate);
            std::fflush(stdout);
        }
        if (join) {
            double join_b =
                broker_rate(bs, join_topology(), "bench-join", state, "join-out", join_l.results, o.records * 2);
            std::printf("stream-stream join through samsa-broker (one stream thread, from RUNNING):\n");
            ratio_line("kafka_streams", join_b, join_l.rate);
        }
    }
    return 0;
}
