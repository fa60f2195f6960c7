#pragma once
// topology_test_driver: runs a topology in-process, with no broker (Kafka
// Streams' TopologyTestDriver). It runs the runtime's own task engine: one
// stream_task (task 0_0) holding every sub-topology on partition 0, and a
// global_state_task for global stores. A piped record is queued in the task
// and processed as Kafka's driver does it: one record at a time, in the
// task's timestamp order, each followed by stream-time punctuation and a
// commit (record caches flush and forward, as at the runtime's commit);
// records written to repartition topics (and to any topic the topology also
// reads) are queued back in after each record; every produced record,
// changelogs included, is captured per topic for output topics to read.
// advance_wall_clock_time() fires wall-clock punctuators, then commits.
//
//   topology_test_driver driver(builder.build(), {{"application.id", "order-mail"}});
//   auto orders = driver.create_input_topic("ORDER", serdes::string(), serdes::json<order>());
//   auto mails = driver.create_output_topic("ORDER-MAIL", serdes::string(), serdes::json<order_mail>());
//   orders.pipe_input("o1", order{...}, 10);
//   EXPECT_EQ(mails.read_value(), ...);
//
// Properties: application.id (default "topology-test-driver"),
// statestore.cache.max.bytes (or cache.max.bytes.buffering; default 10 MiB:
// the record caches' budget, as in the runtime; with commits after every
// record, caching only merges the updates one input record makes to a key,
// and a small budget makes caches evict within a record), state.dir
// (default: a fresh directory under the system temp dir, removed with the
// driver), default.deserialization.exception.handler (logAndFail, the
// default: pipe_input throws the serde's exception; logAndContinue: the
// record is skipped and counted in dropped_records(), as in the runtime),
// default.timestamp.extractor (timestamp_extractor.h: FailOnInvalidTimestamp,
// the default, makes pipe_input throw for a negative timestamp). The driver
// never idles for max.task.idle.ms: it has every record as soon as it is piped.
// An exception thrown by a processor, a store or a punctuator leaves
// pipe_input() as it was thrown.
//
// Threads: single-threaded; the driver, its topics and stores are used by the
// test's thread only.

#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "samsa/streams/exception_handlers.h"
#include "samsa/streams/detail/runtime/record_collector.h"
#include "samsa/streams/detail/runtime/source_node.h"
#include "samsa/streams/export.h"
#include "samsa/streams/processor/timestamp_extractor.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/state/key_value_store.h"
#include "samsa/streams/state/timestamped_key_value_store.h"
#include "samsa/streams/store_query_parameters.h"
#include "samsa/streams/topology.h"

namespace samsa::streams::internal {
struct consumed_record;
class global_state_task;
class state_directory;
class stream_task;
class topology_metadata;
struct task_environment;
}  // namespace samsa::streams::internal

namespace samsa::streams::testing {

// Kafka's TestRecord: one record read from an output topic or piped in.
template<class K, class V>
struct test_record {
    // nullopt: no key.
    std::optional<K> key;
    // nullopt: no value (a tombstone).
    std::optional<V> value;
    // Milliseconds since the epoch.
    int64_t timestamp = 0;
    // The record's headers.
    record_headers headers;
    // Same key, value, timestamp and headers.
    bool operator==(const test_record&) const = default;
};

template<class K, class V>
class test_input_topic;
template<class K, class V>
class test_output_topic;

// Kafka Streams' TopologyTestDriver: runs a topology in-process, without a broker, through the runtime's own task (see
// the top of this file).
class SAMSA_STREAMS_API topology_test_driver {
public:
    // Properties read: application.id, state.dir,
    // default.deserialization.exception.handler, statestore.cache.max.bytes
    // (cache.max.bytes.buffering), and Kafka's internal
    // __emit.interval.ms.kstreams.windowed.aggregation__ and
    // __emit.interval.ms.kstreams.outer.join.spurious.results.fix__ (default
    // 0 here, as Kafka's TopologyTestDriver: no throttling; 1000 in the runtime).
    explicit topology_test_driver(topology t, std::map<std::string, std::string> properties = {},
                                  int64_t initial_wall_clock_ms = 0);
    ~topology_test_driver();
    topology_test_driver(const topology_test_driver&) = delete;
    topology_test_driver& operator=(const topology_test_driver&) = delete;

    // Kafka's createInputTopic: pipes records into topic; each pipe_input() without a timestamp uses the topic's time,
    // starting at start_timestamp and moving by auto_advance_ms.
    template<class K, class V>
    test_input_topic<K, V> create_input_topic(const std::string& topic, serde<K> key_serde, serde<V> value_serde,
                                              int64_t start_timestamp = 0, int64_t auto_advance_ms = 0) {
        return test_input_topic<K, V>(*this, topic, std::move(key_serde), std::move(value_serde), start_timestamp,
                                      auto_advance_ms);
    }
    // Kafka's createOutputTopic: reads what the topology wrote to topic.
    template<class K, class V>
    test_output_topic<K, V> create_output_topic(const std::string& topic, serde<K> key_serde, serde<V> value_serde) {
        return test_output_topic<K, V>(*this, topic, std::move(key_serde), std::move(value_serde));
    }

    // A store by name (global stores included); values of KTable stores are
    // read without their timestamps. Throws std::out_of_range for an unknown
    // store.
    template<class K, class V>
    key_value_store<K, V> get_key_value_store(const std::string& name, serde<K> key_serde = default_serde<K>(),
                                              serde<V> value_serde = default_serde<V>()) {
        if (store_is_timestamped(name)) value_serde = strip_timestamp(std::move(value_serde));
        return key_value_store<K, V>(state_store(name), std::move(key_serde), std::move(value_serde),
                                     changelog_topic_name(application_id_, name));
    }
    // A KTable store by name, values with their timestamps (Kafka's getTimestampedKeyValueStore). Throws
    // std::out_of_range for an unknown store.
    template<class K, class V>
    timestamped_key_value_store<K, V> get_timestamped_key_value_store(const std::string& name,
                                                                      serde<K> key_serde = default_serde<K>(),
                                                                      serde<V> value_serde = default_serde<V>()) {
        return timestamped_key_value_store<K, V>(state_store(name), std::move(key_serde), std::move(value_serde),
                                                 changelog_topic_name(application_id_, name));
    }
    // A store by name, as bytes. Throws std::out_of_range for an unknown store.
    key_value_bytes_store& state_store(const std::string& name);
    // The names of the topology's stores (Kafka's getAllStateStores().keySet()).
    std::vector<std::string> state_store_names() const;

    // Interactive queries as kafka_streams::store() answers them: the same
    // read-only views and errors, over the driver's one task (partition 0)
    // and its global stores. Unknown names and wrong types throw as there;
    // with_partition(p) for p != 0 throws
    // invalid_state_store_partition_exception.
    template<class Store>
    Store store(const store_query_parameters<Store>& params) {
        const auto& type = params.query_type();
        queried_store_info info = check_queryable(params.store_name(), type.name, type.accepts);
        return type.create(query_provider(), params.target(), info);
    }

    // Moves the wall clock on and runs the wall-clock punctuators that are due (Kafka's advanceWallClockTime).
    void advance_wall_clock_time(std::chrono::milliseconds advance);
    // The driver's wall clock, in ms.
    int64_t wall_clock_ms() const { return wall_clock_ms_; }
    // The application.id the driver runs with.
    const std::string& application_id() const { return application_id_; }
    // Records operators dropped on purpose (null keys ...) and records
    // skipped by logAndContinue.
    int64_t dropped_records() const;

    // Raw access, used by the typed topics.
    void pipe_raw(const std::string& topic, internal::raw_record r);
    // What the topology wrote to topic and was not read yet, serialized (for test_output_topic).
    std::deque<internal::produced_record>& output(const std::string& topic) { return outputs_[topic]; }
    // The topics the topology wrote to (Kafka's producedTopicNames()).
    std::vector<std::string> produced_topic_names() const;

private:
    class collector;
    // What the driver knows of one topic (on partition 0, the driver's only
    // one): where captured records of it are kept, whether the task or the
    // global task reads it, offsets. Found once per produced or piped record
    // by the address of the topic's name (topology_test_driver.cc).
    struct topic_route;
    class route_table;
    // Kafka's internal emit throttles (wall clock, ms); Kafka's
    // TopologyTestDriver sets both to 0 unless configured, so emit-on-window-
    // close and outer-join results come with the record that releases them.
    struct emit_intervals {
        int64_t windowed_ms = 0;    // emit-on-window-close aggregations
        int64_t outer_join_ms = 0;  // left/outer stream-stream joins
    };
    void open_tasks(deserialization_handler_response on_deserialization_error, int64_t cache_max_bytes,
                    emit_intervals emit);
    void complete_all_processable_work();
    void capture_outputs();
    topic_route& route(std::string_view topic);
    // A piped record on partition 0 of route's topic, at its next offset,
    // viewing r's bytes, which piped_ keeps until the next piped record.
    internal::consumed_record piped_record(topic_route& route, internal::raw_record&& r);
    // A captured record read back on partition 0 of its topic, at its next
    // offset, viewing the bytes the output queue keeps (release_views()).
    static internal::consumed_record viewed_record(topic_route& route, const internal::produced_record& p);
    // Records the task still buffers after a failure get their own bytes:
    // the test may read (and so free) the output queue they view, or pipe
    // the next record (which replaces piped_).
    void release_views();
    // After a failure: captures what the task produced, release_views(),
    // then rethrow(failure).
    [[noreturn]] void fail_after_capture(const std::exception& failure);
    void process_global(internal::consumed_record r);
    void commit();
    [[noreturn]] static void rethrow(const std::exception& failure);
    bool store_is_timestamped(const std::string& name) const;
    queried_store_info check_queryable(const std::string& store_name, const std::string& type_name,
                                       const std::vector<store_kind>& accepts) const;
    class driver_store_provider;
    queryable_store_provider& query_provider();
    template<class V>
    static serde<V> strip_timestamp(serde<V> inner) {
        return serde<V>{
            [s = inner.serialize](std::string_view topic, const V& v) {
                return timestamped_format::encode(s(topic, v), -1);
            },
            [d = inner.deserialize](std::string_view topic, bytes_view data) {
                return d(topic, timestamped_format::raw_value(data));
            }};
    }

    topology topology_;
    std::string application_id_;
    std::filesystem::path state_dir_;
    timestamp_extractor_ptr default_timestamp_extractor_;
    bool owns_state_dir_ = false;
    int64_t wall_clock_ms_;
    // Every topic piped or captured so far (see route()); before the
    // collector, which holds it.
    std::unique_ptr<route_table> routes_;
    std::unique_ptr<collector> collector_;
    std::unique_ptr<thread_cache> cache_;  // before the tasks: outlives their stores
    std::unique_ptr<internal::state_directory> dirs_;
    std::unique_ptr<internal::topology_metadata> metadata_;
    std::unique_ptr<internal::task_environment> env_;
    // The bytes of the record pipe_raw() is handing to the tasks, viewed by
    // them while they process it (no holder allocated per record): every
    // piped record is processed before pipe_raw() returns, unless a failure
    // stops it, and then release_views() copies what is still buffered.
    internal::raw_record piped_;
    std::unique_ptr<internal::global_state_task> global_;
    // Every sub-topology in one task, 0_0, as Kafka's driver runs them.
    std::unique_ptr<internal::stream_task> task_;
    // What a new route is classified by.
    std::set<std::string, std::less<>> task_topics_;  // decorated
    std::set<std::string, std::less<>> global_topics_;
    std::map<std::string, std::deque<internal::produced_record>, std::less<>> outputs_;
    // The collector's changelog_sends() at the last commit's checkpoint test.
    uint64_t changelog_sends_at_commit_ = 0;
    // capture_outputs()' batch: each record with its topic's route.
    std::vector<std::pair<internal::produced_record, topic_route*>> capturing_;
    std::unique_ptr<driver_store_provider> queries_;
};

// Kafka's TestInputTopic: pipes records into one topic of a topology_test_driver.
template<class K, class V>
class test_input_topic {
public:
    // Made by topology_test_driver::create_input_topic().
    test_input_topic(topology_test_driver& driver, std::string topic, serde<K> ks, serde<V> vs, int64_t start,
                     int64_t advance)
        : driver_(&driver), topic_(std::move(topic)), ks_(std::move(ks)), vs_(std::move(vs)), time_(start),
          advance_(advance) {}

    // Absent key or value: pass std::nullopt.
    void pipe_input(std::optional<K> key, std::optional<V> value, int64_t timestamp, record_headers headers = {}) {
        internal::raw_record r;
        if (key) r.key = ks_.serialize(topic_, *key);
        if (value) r.value = vs_.serialize(topic_, *value);
        r.timestamp = timestamp;
        r.headers = std::move(headers);
        driver_->pipe_raw(topic_, std::move(r));
    }
    // At the topic's current time, which then auto-advances.
    void pipe_input(std::optional<K> key, std::optional<V> value) {
        pipe_input(std::move(key), std::move(value), time_);
        time_ += advance_;
    }
    // A record with no key.
    void pipe_value(std::optional<V> value, int64_t timestamp) { pipe_input(std::nullopt, std::move(value), timestamp); }
    // pipe_input(key, value) for each, at the topic's advancing time.
    void pipe_key_value_list(const std::vector<key_value<K, V>>& kvs) {
        for (const auto& kv : kvs) pipe_input(kv.key, kv.value);
    }
    // pipe_input() for each record, with its own timestamp and headers.
    void pipe_record_list(const std::vector<test_record<K, V>>& records) {
        for (const auto& r : records) pipe_input(r.key, r.value, r.timestamp, r.headers);
    }
    // Moves the topic's time on by d.
    void advance_time(std::chrono::milliseconds d) { time_ += d.count(); }

private:
    topology_test_driver* driver_;
    std::string topic_;
    serde<K> ks_;
    serde<V> vs_;
    int64_t time_;
    int64_t advance_;
};

// Kafka's TestOutputTopic: reads the records a topology_test_driver's topology wrote to one topic, in order.
template<class K, class V>
class test_output_topic {
public:
    // Made by topology_test_driver::create_output_topic().
    test_output_topic(topology_test_driver& driver, std::string topic, serde<K> ks, serde<V> vs)
        : driver_(&driver), topic_(std::move(topic)), ks_(std::move(ks)), vs_(std::move(vs)) {}

    // Throw std::out_of_range when the topic has nothing left to read.
    test_record<K, V> read_record() {
        auto& q = driver_->output(topic_);
        if (q.empty()) throw std::out_of_range("Empty topic: " + topic_);
        internal::produced_record p = std::move(q.front());
        q.pop_front();
        test_record<K, V> r;
        if (p.key) r.key = ks_.deserialize(topic_, *p.key);
        if (p.value) r.value = vs_.deserialize(topic_, *p.value);
        r.timestamp = p.timestamp;
        r.headers = std::move(p.headers);
        return r;
    }
    // The next record's key and value (Kafka's readKeyValue). Throws std::out_of_range when none is left.
    key_value<std::optional<K>, std::optional<V>> read_key_value() {
        auto r = read_record();
        return {std::move(r.key), std::move(r.value)};
    }
    // The next record's value (Kafka's readValue). Throws std::out_of_range when none is left.
    std::optional<V> read_value() { return read_record().value; }
    // Every record not read yet, in order (Kafka's readRecordsToList).
    std::vector<test_record<K, V>> read_records_to_list() {
        std::vector<test_record<K, V>> out;
        while (!is_empty()) out.push_back(read_record());
        return out;
    }
    // Every key and value not read yet, in order (Kafka's readKeyValuesToList).
    std::vector<key_value<std::optional<K>, std::optional<V>>> read_key_values_to_list() {
        std::vector<key_value<std::optional<K>, std::optional<V>>> out;
        while (!is_empty()) out.push_back(read_key_value());
        return out;
    }
    // Latest value per key (a tombstone leaves the key with no value).
    std::map<K, std::optional<V>> read_key_values_to_map() {
        std::map<K, std::optional<V>> out;
        while (!is_empty()) {
            auto r = read_record();
            if (!r.key) throw std::invalid_argument("read_key_values_to_map: a record has a null key");
            out.insert_or_assign(*r.key, r.value);
        }
        return out;
    }
    // Whether every record was read (Kafka's isEmpty).
    bool is_empty() const { return driver_->output(topic_).empty(); }
    // How many records are left to read (Kafka's getQueueSize).
    size_t get_queue_size() const { return driver_->output(topic_).size(); }

private:
    topology_test_driver* driver_;
    std::string topic_;
    serde<K> ks_;
    serde<V> vs_;
};

}  // namespace samsa::streams::testing
