// samsa-bench-streams-broker: the order-mail topology (apps/order_mail)
// through a real samsa-broker child process, next to, in the same run, a raw
// librdkafka pipe (samsa::kafka's producer and consumer, no streams) that
// consumes ORDER and produces ORDER-MAIL-PIPE with a trivial transform on
// the same partitions (the ceiling); then the restore rate of a changelog
// into RocksDB.
//
//   samsa-bench-streams-broker [--customers N] [--items N] [--orders N]
//                              [--partitions N] [--latency-seconds S]
//                              [--restore-keys N] [--stores rocksdb|in_memory]
//                              [--config key=value]...   (kafka_streams properties)
//                              [--latency-breakdown on] [--latency-rate R]
//                              [--latency-timeline SLOW_MS] [--pipe off]
//                              [--feeder per-order]
//
// --config processing.guarantee=exactly_once_v2 runs the app under
// exactly-once (commit.interval.ms then defaults to Kafka's 100 ms unless
// given too; at-least-once runs commit every 1000 ms here).
//
// Defaults are a tenth of the scale, which runs in minutes on a
// loaded 2-core box; the scale is
//   samsa-bench-streams-broker --customers 100000 --items 1000 --orders 1000000 --restore-keys 1000000
//
// --pipe off stops after phase 3 (for latency runs). --feeder per-order
// encodes and sends each latency order at its own due time, as before s19-hL
// (see feed_orders).
//
// Phases (one broker, one data dir):
//  1. prefill CUSTOMER, CUSTOMER-ADDRESS, ITEM; run the app until its table
//     changelogs hold every customer and address, close it (checkpointed);
//  2. prefill ORDER with N orders; start the app again and time start() to
//     the N-th ORDER-MAIL record (orders/s); the app's tables come from its
//     RocksDB checkpoints, so this is order processing only;
//  3. latency: orders at half that rate (or R/s) for S seconds, stamped with the send
//     time; a reader of ORDER-MAIL takes now - record timestamp (Kafka
//     Streams keeps the input timestamp through the repartition and joins);
//     With --latency-breakdown on, two more readers take the same figure
//     on ORDER (the feeder's produce and one fetch: the floor of every hop)
//     and on the repartition topic (the first hop: ORDER -> stream thread
//     -> repartition topic), so the second hop is what ORDER-MAIL adds;
//     each reader costs the measured process some CPU; --latency-timeline
//     SLOW_MS prints the 100 ms windows (by send time) in which a stage's
//     slowest record took over SLOW_MS;
//  4. the pipe over the same ORDER partitions: throughput, then latency at
//     the same rate as 3;
//  5. driver: the same topology and stores in the topology test driver,
//     in-process, fed the same bytes (the app's own work, no broker);
//  6. restore: K keys produced straight into a compacted changelog, a fresh
//     state dir, time from the first on_restore_start to the last
//     on_restore_end.
// One stream thread; the pipe is one thread too. The app runs with its own
// client settings (order_mail_properties: producer linger.ms=1); the pipe's
// producer lingers as long, the bench's loaders and feeder 5 ms (Kafka
// Streams' default of 100 would dominate latency).
//
// Threads: main drives the phases; the latency feeder and reader run on
// their own threads; kafka_streams runs its own.
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "latency_readers.h"
#include "order_mail/generator.h"
#include "order_mail/records.h"
#include "order_mail/topology.h"
#include "samsa/kafka/consumer.h"
#include "samsa/kafka/producer.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/testing/topology_test_driver.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace {

namespace om = samsa::apps::order_mail;
namespace ts = samsa::test_support;
using namespace samsa::bench;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct options {
    int64_t customers = 10000;
    int64_t items = 1000;
    int64_t orders = 100000;
    int partitions = 3;
    int latency_seconds = 10;
    bool latency_breakdown = false;
    double latency_rate = 0;  // orders/s; 0: half the measured rate
    double timeline_slow_ms = 0;  // --latency-timeline: 0 prints none
    bool pipe = true;             // --pipe off: no pipe, driver and restore phases
    int64_t restore_keys = 100000;
    samsa::streams::store_type stores = samsa::streams::store_type::rocksdb;
    std::map<std::string, std::string> configs;
};

// A producer that keeps going: waits on its queue when full, counts failures.
class bulk_producer {
public:
    explicit bulk_producer(const std::string& bootstrap, const std::string& linger_ms = "5") {
        auto p = samsa::kafka::producer::create(samsa::kafka::properties{{"bootstrap.servers", bootstrap},
                                                                         {"partitioner", "murmur2_random"},
                                                                         {"linger.ms", linger_ms},
                                                                         {"queue.buffering.max.messages", "200000"}});
        if (!p) die(p.error().message);
        producer_ = std::move(*p);
    }
    ~bulk_producer() { flush(); }
    void send(const std::string& topic, const std::string& key, const std::string& value, int32_t partition = -1,
              int64_t timestamp = 0) {
        samsa::kafka::producer_record r;
        r.topic = topic;
        r.partition = samsa::partition_id(partition);
        r.key = key;
        r.value = value;
        r.timestamp = samsa::timestamp_ms(timestamp > 0 ? timestamp : -1);
        if (auto sent = producer_->send(r); !sent) die("produce: " + sent.error().message);
        producer_->poll(0ms);
    }
    void flush() {
        if (auto flushed = producer_->flush(120s); !flushed) die("producer flush: " + flushed.error().message);
    }
    // Connected before the clock starts: the first records would otherwise
    // wait for the connection and bootstrap metadata (~1 s, all in p99).
    void connect() {
        const rd_kafka_metadata_t* md = nullptr;
        if (rd_kafka_metadata(producer_->native(), 1, nullptr, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_metadata_destroy(md);
        }
    }

private:
    std::unique_ptr<samsa::kafka::producer> producer_;
};

int64_t topic_end(const std::string& bootstrap, const std::string& topic, int partitions) {
    int64_t sum = 0;
    for (int32_t p = 0; p < partitions; ++p) {
        auto m = ts::watermarks(bootstrap, topic, p);
        if (m) sum += m->second;
    }
    return sum;
}

// Waits until topic holds at least n records; false after timeout. One
// client asks for the watermarks while it waits: topic_end() makes a client
// per partition per call, which would cost the measured process (and the
// broker) a connection and four threads every few milliseconds.
bool wait_for_end(const std::string& bootstrap, const std::string& topic, int partitions, int64_t n,
                  std::chrono::seconds timeout) {
    auto c = samsa::kafka::consumer::create(samsa::kafka::properties{{"bootstrap.servers", bootstrap}});
    if (!c) die(c.error().message);
    auto deadline = clock_type::now() + timeout;
    while (clock_type::now() < deadline) {
        int64_t sum = 0;
        for (int32_t p = 0; p < partitions; ++p) {
            auto w = (*c)->query_watermarks({topic, p}, 10s);
            if (w) sum += w->high();
        }
        if (sum >= n) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::string dump(const nlohmann::json& j) { return j.dump(); }

bool feed_per_order = false;  // --feeder per-order: the feeder before s19-hL

// Orders at `rate`/s for `seconds`, record timestamp = send time (ms).
// The feeder shares the two cores with what it measures: encoding each
// order's JSON and sleeping before each one cost it 21-22% of a core at
// 23-28k orders/s, two thirds of the stream thread's 32-38% (bench/streams/
// notes/clients-and-latency.md, s19-hL); now 3-4%. So the values are encoded before the clock
// starts, and the orders due are sent together once a millisecond, the
// timestamps' resolution (the feeder's producer lingers 5 ms anyway).
using encoded_orders = std::vector<std::pair<std::string, std::string>>;

// The latency phase's orders (key, JSON value); none with --feeder per-order.
encoded_orders encode_orders(const om::data_generator& g, int64_t first_index, double rate, int seconds) {
    encoded_orders orders;
    if (feed_per_order) return orders;
    const int64_t total = static_cast<int64_t>(rate * seconds);
    orders.reserve(static_cast<size_t>(total));
    for (int64_t i = 0; i < total; ++i) {
        om::order o = g.order_at(first_index + i);
        o.id = "lat" + std::to_string(i);
        orders.emplace_back(o.id, dump(nlohmann::json(o)));
    }
    return orders;
}

int64_t feed_orders(const std::string& bootstrap, const om::data_generator& g, int64_t first_index, double rate,
                    int seconds, const encoded_orders& orders) {
    bulk_producer p(bootstrap);
    p.connect();
    int64_t total = static_cast<int64_t>(rate * seconds);
    if (!feed_per_order) {
        const auto start = clock_type::now();
        auto due_time = [&](int64_t i) { return start + std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / rate)); };
        int64_t next = 0;
        while (next < total) {
            const auto now = clock_type::now();
            const int64_t sent_ms = wall_ms();
            for (; next < total && due_time(next) <= now; ++next) {
                p.send(om::order_topic, orders[next].first, orders[next].second, -1, sent_ms);
            }
            if (next < total) std::this_thread::sleep_until(std::max(due_time(next), now + 1ms));
        }
        p.flush();
        return total;
    }
    auto start = clock_type::now();
    for (int64_t i = 0; i < total; ++i) {
        auto due = start + std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / rate));
        std::this_thread::sleep_until(due);
        om::order o = g.order_at(first_index + i);
        o.id = "lat" + std::to_string(i);
        p.send(om::order_topic, o.id, dump(nlohmann::json(o)), -1, wall_ms());
    }
    p.flush();
    return total;
}

// The ceiling: consume ORDER, produce to ORDER-MAIL-PIPE on the same
// partition, the value wrapped, the timestamp kept.
class pipe_runner {
public:
    pipe_runner(const std::string& bootstrap, int partitions)
        : consumer_(assigned_consumer(bootstrap, "bench-pipe", "100", om::order_topic, partitions,
                                      samsa::kafka::offset_beginning)),
          producer_(bootstrap, om::order_mail_properties(bootstrap, "pipe", "")["producer.linger.ms"]) {}
    ~pipe_runner() {
        stop();
        (void)consumer_->close(30s);
    }
    void start() {
        thread_ = std::thread([this] {
            while (!stop_) {
                auto m = consumer_->poll(100ms);
                if (!m || !*m || (*m)->end_of_partition()) continue;
                std::string value = "{\"order\":";
                value.append((*m)->value().value_or(""));
                value += "}";
                producer_.send("ORDER-MAIL-PIPE", std::string((*m)->key().value_or("")), value, (*m)->partition()(),
                               (*m)->timestamp()());
                consumed_.fetch_add(1);
            }
            producer_.flush();
        });
    }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    int64_t consumed() const { return consumed_.load(); }

private:
    std::unique_ptr<samsa::kafka::consumer> consumer_;
    bulk_producer producer_;
    std::atomic<bool> stop_{false};
    std::atomic<int64_t> consumed_{0};
    std::thread thread_;
};

class restore_timer final : public samsa::streams::state_restore_listener {
public:
    void on_restore_start(const std::string&, int32_t, const std::string&, int64_t, int64_t) override {
        std::lock_guard l(mutex_);
        if (!started_) first_ = clock_type::now();
        started_ = true;
        ++open_;
    }
    void on_batch_restored(const std::string&, int32_t, const std::string&, int64_t, int64_t) override {}
    void on_restore_end(const std::string&, int32_t, const std::string&, int64_t total) override {
        std::lock_guard l(mutex_);
        restored_ += total;
        last_ = clock_type::now();
        --open_;
    }
    bool done(int64_t want) {
        std::lock_guard l(mutex_);
        return started_ && open_ == 0 && restored_ >= want;
    }
    int64_t restored() {
        std::lock_guard l(mutex_);
        return restored_;
    }
    double seconds() {
        std::lock_guard l(mutex_);
        return std::chrono::duration<double>(last_ - first_).count();
    }

private:
    std::mutex mutex_;
    bool started_ = false;
    int open_ = 0;
    int64_t restored_ = 0;
    clock_type::time_point first_, last_;
};

std::map<std::string, std::string> bench_configs;  // --config, for every run of the app

std::map<std::string, std::string> app_props(const std::string& bootstrap, const std::filesystem::path& state_dir) {
    auto p = om::order_mail_properties(bootstrap, "order-mail", state_dir.string());
    p["commit.interval.ms"] = "1000";
    auto guarantee = bench_configs.find("processing.guarantee");
    if (guarantee != bench_configs.end() && guarantee->second != "at_least_once") p.erase("commit.interval.ms");
    for (const auto& [k, v] : bench_configs) p[k] = v;
    return p;
}

int64_t changelog_records(const std::string& bootstrap, int partitions) {
    int64_t sum = 0;
    auto topics = ts::list_topics(bootstrap);
    if (!topics) return 0;
    for (const auto& t : *topics) {
        if (t.rfind("order-mail-", 0) == 0 && t.find("-changelog") != std::string::npos) {
            sum += topic_end(bootstrap, t, partitions);
        }
    }
    return sum;
}

// The app's repartition topic (the orders keyed by customer), "" if none.
std::string repartition_topic(const std::string& bootstrap) {
    auto topics = ts::list_topics(bootstrap);
    if (!topics) return "";
    for (const auto& t : *topics) {
        if (t.rfind("order-mail-", 0) == 0 && t.ends_with("-repartition")) return t;
    }
    return "";
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--customers") o.customers = std::stoll(v);
        else if (a == "--items") o.items = std::stoll(v);
        else if (a == "--orders") o.orders = std::stoll(v);
        else if (a == "--partitions") o.partitions = std::stoi(v);
        else if (a == "--latency-seconds") o.latency_seconds = std::stoi(v);
        else if (a == "--latency-breakdown") o.latency_breakdown = v == "on";
        else if (a == "--latency-rate") o.latency_rate = std::stod(v);
        else if (a == "--latency-timeline") o.timeline_slow_ms = std::stod(v);
        else if (a == "--pipe") o.pipe = v != "off";
        else if (a == "--feeder") feed_per_order = v == "per-order";
        else if (a == "--restore-keys") o.restore_keys = std::stoll(v);
        else if (a == "--stores") o.stores = v == "in_memory" ? samsa::streams::store_type::in_memory
                                                               : samsa::streams::store_type::rocksdb;
        else if (a == "--config") {
            auto eq = v.find('=');
            if (eq == std::string::npos || eq == 0) die("--config expects key=value, got " + v);
            o.configs[v.substr(0, eq)] = v.substr(eq + 1);
        } else die("unknown option " + a);
    }
    bench_configs = o.configs;
    return o;
}

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

// CPU time (user + system) of this whole process so far, in seconds: the
// app's stream, global and librdkafka threads in the streams phase, the
// pipe's thread and its clients in the pipe phase (the broker is a child
// process and is not counted). Idle threads of the phase not running
// (watchers, readers) add a little to both.
double process_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return secs(u.ru_utime) + secs(u.ru_stime);
}

// The app's own work with no broker: the same topology and stores in the
// topology test driver (one thread), fed the same record bytes; orders/s over
// the orders alone. What separates streams from this is the runtime and the
// broker round trips; what separates this from the pipe is the topology's
// work itself (two JSON parses and two writes per order, the joins).
double driver_rate(const om::data_generator& g, const options& opt) {
    namespace st = samsa::streams;
    st::testing::topology_test_driver driver(om::build_order_mail_topology({.stores = opt.stores}),
                                             {{"application.id", "order-mail-driver"}});
    int64_t ts = 0;
    auto pipe = [&](const char* topic, const std::string& key, const std::string& value) {
        st::internal::raw_record r;
        r.key = samsa::to_bytes(key);
        r.value = samsa::bytes(value.begin(), value.end());
        r.timestamp = ++ts;
        driver.pipe_raw(topic, std::move(r));
    };
    auto drain = [&] {
        for (const auto& t : driver.produced_topic_names()) driver.output(t).clear();
    };
    for (int64_t i = 0; i < opt.items; ++i) {
        auto it = g.item_at(i);
        pipe(om::item_topic, it.id, dump(nlohmann::json(it)));
    }
    for (int64_t i = 0; i < opt.customers; ++i) {
        auto c = g.customer_at(i);
        pipe(om::customer_topic, c.id, dump(nlohmann::json(c)));
        auto a = g.address_at(i);
        pipe(om::customer_address_topic, a.customer_id, dump(nlohmann::json(a)));
        if (i % 4096 == 0) drain();
    }
    drain();
    std::vector<std::pair<std::string, std::string>> orders;
    orders.reserve(static_cast<size_t>(opt.orders));
    for (int64_t i = 0; i < opt.orders; ++i) {
        auto o = g.order_at(i);
        orders.emplace_back(o.id, dump(nlohmann::json(o)));
    }
    auto start = clock_type::now();
    for (size_t i = 0; i < orders.size(); ++i) {
        pipe(om::order_topic, orders[i].first, orders[i].second);
        if (i % 4096 == 0) drain();
    }
    return static_cast<double>(opt.orders) / seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
    options opt = parse(argc, argv);
    ts::broker_options broker_opts;
    broker_opts.binary = ts::broker_beside_this_program();
    ts::broker_process broker(broker_opts);
    if (!broker.start()) die("broker: " + broker.failure());
    const std::string bs = broker.bootstrap();
    const int np = opt.partitions;
    for (const char* t : {om::customer_topic, om::customer_address_topic, om::item_topic, om::order_topic,
                          "ORDER-MAIL-PIPE"}) {
        if (!ts::create_topic(bs, t, np)) die(std::string("create topic ") + t);
    }
    // LogAppendTime until the latency phase: the first mail's timestamp is
    // then when the broker appended it (the app's time, without the
    // watcher's); phase 3 needs the input timestamps back.
    if (!ts::create_topic(bs, om::order_mail_topic, np, {{"message.timestamp.type", "LogAppendTime"}})) {
        die(std::string("create topic ") + om::order_mail_topic);
    }
    om::data_generator g({.customers = opt.customers, .items = opt.items});
    std::filesystem::path state = broker.data_dir() / "streams-state";
    std::printf("samsa-bench-streams-broker: %lld customers, %lld items, %lld orders, %d partitions, %s stores, "
                "malloc %s\n",
                static_cast<long long>(opt.customers), static_cast<long long>(opt.items),
                static_cast<long long>(opt.orders), np,
                opt.stores == samsa::streams::store_type::rocksdb ? "rocksdb" : "in_memory", SAMSA_MALLOC_NAME);

    // 1. Tables.
    auto t0 = clock_type::now();
    {
        bulk_producer p(bs);
        for (int64_t i = 0; i < opt.customers; ++i) {
            auto c = g.customer_at(i);
            p.send(om::customer_topic, c.id, dump(nlohmann::json(c)));
            auto a = g.address_at(i);
            p.send(om::customer_address_topic, a.customer_id, dump(nlohmann::json(a)));
        }
        for (int64_t i = 0; i < opt.items; ++i) {
            auto it = g.item_at(i);
            p.send(om::item_topic, it.id, dump(nlohmann::json(it)));
        }
    }
    {
        samsa::streams::kafka_streams app(om::build_order_mail_topology({.stores = opt.stores}), app_props(bs, state));
        app.start();
        auto deadline = clock_type::now() + 600s;
        while (changelog_records(bs, np) < 2 * opt.customers && clock_type::now() < deadline) {
            std::this_thread::sleep_for(200ms);
        }
        if (changelog_records(bs, np) < 2 * opt.customers) die("tables not loaded in time");
        app.close(60s);
    }
    std::printf("tables loaded in %.1f s\n", seconds_since(t0));

    // 2. Streams throughput.
    {
        bulk_producer p(bs);
        for (int64_t i = 0; i < opt.orders; ++i) {
            auto o = g.order_at(i);
            p.send(om::order_topic, o.id, dump(nlohmann::json(o)));
        }
    }
    first_record_watcher first_mail(bs, om::order_mail_topic, np);
    samsa::streams::kafka_streams app(om::build_order_mail_topology({.stores = opt.stores}), app_props(bs, state));
    auto start = clock_type::now();
    app.start();
    // The group join and the (empty) restoration are not order processing:
    // the rate counts from RUNNING; the time from start() is printed too.
    while (app.state() != samsa::streams::streams_state::running && seconds_since(start) < 120) {
        std::this_thread::sleep_for(5ms);
    }
    auto running = clock_type::now();
    const int64_t running_wall_ms = wall_ms();
    const double streams_cpu_start = process_cpu_seconds();
    // Per thread too: on two cores the stream thread, librdkafka's threads
    // and the broker compete, and which of them is busy says what bounds the
    // rate.
    const auto app_threads_before = threads_cpu(getpid());
    const auto broker_threads_before = threads_cpu(broker.pid());
    if (!wait_for_end(bs, om::order_mail_topic, np, opt.orders, 1800s)) {
        die("ORDER-MAIL has " + std::to_string(topic_end(bs, om::order_mail_topic, np)) + " of " +
            std::to_string(opt.orders) + " records");
    }
    double streams_s = seconds_since(running);
    const double streams_cpu_us = (process_cpu_seconds() - streams_cpu_start) * 1e6 / static_cast<double>(opt.orders);
    std::printf("first mail %.0f ms after RUNNING (goal: 200 ms; appended %lld ms after RUNNING, the watcher saw it "
                "%lld ms after that)\n",
                first_mail.seconds_after(running) * 1000,
                static_cast<long long>(first_mail.appended_ms_after(running_wall_ms)),
                static_cast<long long>(first_mail.watcher_delay_ms()));
    if (!ts::alter_topic_config(bs, om::order_mail_topic, {{"message.timestamp.type", "CreateTime"}})) {
        die("ORDER-MAIL back to CreateTime");
    }
    double streams_rate = opt.orders / streams_s;
    std::printf("streams: %lld orders in %.2f s = %.0f orders/s (from RUNNING, %.2f s from start(); one stream "
                "thread)\n",
                static_cast<long long>(opt.orders), streams_s, streams_rate, seconds_since(start));
    std::printf("streams: CPU per order %.1f µs (target ≤ 10; process CPU from RUNNING to the last mail)\n",
                streams_cpu_us);
    print_thread_cpu("the bench", app_threads_before, threads_cpu(getpid()), streams_s);
    print_thread_cpu("the broker", broker_threads_before, threads_cpu(broker.pid()), streams_s);
    std::fflush(stdout);

    // 3. Streams latency at half that rate. A fixed rate compares runs on a
    // loaded machine, where the measured rate (and so half of it) varies.
    double rate = opt.latency_rate > 0 ? opt.latency_rate : streams_rate / 2;
    std::string streams_latency;
    {
        latency_reader reader(bs, om::order_mail_topic, np);
        int64_t expected = static_cast<int64_t>(rate * opt.latency_seconds);
        const auto timeout = std::chrono::seconds(opt.latency_seconds + 120);
        std::vector<std::pair<std::string, std::unique_ptr<latency_reader>>> stages;
        if (opt.latency_breakdown) {
            stages.emplace_back(om::order_topic, std::make_unique<latency_reader>(bs, om::order_topic, np));
            const std::string repartition = repartition_topic(bs);
            if (!repartition.empty()) {
                stages.emplace_back(repartition, std::make_unique<latency_reader>(bs, repartition, np));
            }
        }
        std::vector<std::thread> reads;
        reads.emplace_back([&] {
            pthread_setname_np(pthread_self(), "bench:reader");
            reader.read(expected, timeout);
        });
        for (auto& [topic, r] : stages) {
            reads.emplace_back([&, r = r.get()] {
                pthread_setname_np(pthread_self(), "bench:reader");
                r->read(expected, timeout);
            });
        }
        const encoded_orders orders = encode_orders(g, opt.orders, rate, opt.latency_seconds);
        const auto cpu_before = threads_cpu(getpid());
        const auto broker_cpu_before = threads_cpu(broker.pid());
        const auto feed_start = clock_type::now();
        pthread_setname_np(pthread_self(), "bench:feeder");
        feed_orders(bs, g, opt.orders, rate, opt.latency_seconds, orders);
        for (auto& t : reads) t.join();
        if (opt.timeline_slow_ms > 0) {
            // The readers' threads have ended: their own CPU is counted apart.
            const double took = seconds_since(feed_start);
            print_thread_cpu("the bench", cpu_before, threads_cpu(getpid()), took);
            double readers = reader.cpu_seconds();
            for (auto& [topic, r] : stages) readers += r->cpu_seconds();
            std::printf("  CPU of the %zu readers' own threads: %.0f%%\n", stages.size() + 1, 100.0 * readers / took);
            print_thread_cpu("the broker", broker_cpu_before, threads_cpu(broker.pid()), took);
        }
        pthread_setname_np(pthread_self(), "bench:main");
        streams_latency = reader.summary();
        for (auto& [topic, r] : stages) std::printf("  latency to %s: %s\n", topic.c_str(), r->summary().c_str());
        if (opt.timeline_slow_ms > 0) {
            std::vector<std::pair<std::string, const latency_reader*>> named;
            const char* names[] = {"ORDER", "REPART"};
            for (size_t i = 0; i < stages.size() && i < 2; ++i) named.emplace_back(names[i], stages[i].second.get());
            named.emplace_back("MAIL", &reader);
            print_timeline(named, 100, opt.timeline_slow_ms);
        }
    }
    app.close(60s);
    std::printf("streams latency at %.0f orders/s: %s\n", rate, streams_latency.c_str());
    std::fflush(stdout);

    if (!opt.pipe) return 0;  // --pipe off: the streams figures only

    // 4. The pipe: everything ORDER holds now, then latency at the same rate.
    int64_t in_order = topic_end(bs, om::order_topic, np);
    double pipe_rate = 0;
    double pipe_cpu_us = 0;
    std::string pipe_latency;
    {
        pipe_runner pipe(bs, np);
        auto pstart = clock_type::now();
        const double pipe_cpu_start = process_cpu_seconds();
        pipe.start();
        auto deadline = clock_type::now() + 1800s;
        while (pipe.consumed() < in_order && clock_type::now() < deadline) std::this_thread::sleep_for(10ms);
        if (!wait_for_end(bs, "ORDER-MAIL-PIPE", np, in_order, 300s)) die("the pipe did not finish");
        double pipe_s = seconds_since(pstart);
        pipe_cpu_us = (process_cpu_seconds() - pipe_cpu_start) * 1e6 / static_cast<double>(in_order);
        pipe_rate = in_order / pipe_s;
        std::printf("pipe:    %lld orders in %.2f s = %.0f orders/s; CPU per order %.1f µs\n",
                    static_cast<long long>(in_order), pipe_s, pipe_rate, pipe_cpu_us);
        latency_reader reader(bs, "ORDER-MAIL-PIPE", np);
        int64_t expected = static_cast<int64_t>(rate * opt.latency_seconds);
        const encoded_orders orders = encode_orders(g, opt.orders + 10'000'000, rate, opt.latency_seconds);
        std::thread read([&] { reader.read(expected, std::chrono::seconds(opt.latency_seconds + 120)); });
        feed_orders(bs, g, opt.orders + 10'000'000, rate, opt.latency_seconds, orders);
        read.join();
        pipe_latency = reader.summary();
        std::printf("pipe latency at %.0f orders/s: %s\n", rate, pipe_latency.c_str());
    }
    std::printf("CPU per order %.1f µs (target ≤ 10)\n", streams_cpu_us);
    std::printf("streams/pipe = %.0f%% (target ≥ 50%%) in orders/s; CPU per order pipe/streams = %.0f%%\n",
                100.0 * streams_rate / pipe_rate, 100.0 * pipe_cpu_us / streams_cpu_us);
    double driver = driver_rate(g, opt);
    std::printf("driver:  the same topology and stores in-process, no broker: %.0f orders/s = %.0f%% of the pipe; "
                "streams = %.0f%% of it\n",
                driver, 100.0 * driver / pipe_rate, 100.0 * streams_rate / driver);
    std::fflush(stdout);

    // 5. Restore: K keys in a compacted changelog, a fresh state dir.
    if (opt.restore_keys > 0) {
        const std::string app_id = "restore-bench";
        const std::string changelog = app_id + "-counts-store-changelog";
        if (!ts::create_topic(bs, "restore-lines", np)) die("create restore-lines");
        if (!ts::create_topic(bs, changelog, np, {{"cleanup.policy", "compact"}})) die("create " + changelog);
        {
            bulk_producer p(bs);
            std::string value(8, '\0');
            for (int64_t i = 0; i < opt.restore_keys; ++i) {
                int64_t be = static_cast<int64_t>(__builtin_bswap64(static_cast<uint64_t>(i)));
                std::memcpy(value.data(), &be, 8);
                p.send(changelog, "key-" + std::to_string(i), value);
            }
        }
        samsa::streams::streams_builder b;
        b.stream("restore-lines", samsa::streams::consumed<std::string, std::string>::with(
                                      samsa::streams::serdes::string(), samsa::streams::serdes::string()))
            .group_by_key()
            .count(samsa::streams::named{},
                   samsa::streams::materialized<std::string, int64_t>::as("counts-store")
                       .with_store_type(samsa::streams::store_type::rocksdb)
                       .with_key_serde(samsa::streams::serdes::string())
                       .with_value_serde(samsa::streams::serdes::int64()));
        restore_timer timer;
        samsa::streams::kafka_streams restorer(
            b.build(), {{"application.id", app_id}, {"bootstrap.servers", bs},
                        {"state.dir", (broker.data_dir() / "restore-state").string()}});
        restorer.set_global_state_restore_listener(&timer);
        restorer.start();
        auto deadline = clock_type::now() + 1800s;
        while (!timer.done(opt.restore_keys) && clock_type::now() < deadline) std::this_thread::sleep_for(20ms);
        restorer.close(60s);
        if (!timer.done(opt.restore_keys)) die("restore did not finish: " + std::to_string(timer.restored()));
        std::printf("restore: %lld changelog records into RocksDB in %.2f s = %.0f records/s\n",
                    static_cast<long long>(timer.restored()), timer.seconds(), timer.restored() / timer.seconds());
    }
    return 0;
}
