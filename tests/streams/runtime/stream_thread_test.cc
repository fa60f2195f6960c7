// A stream thread over fake clients (fake_clients.h), driven by run_once()
// on the test's thread: word count end to end through the repartition topic,
// the commit order, exactly-once commits, restoration from a changelog
// before processing, record caches, the deserialization exception handlers
// and rebalancing. kafka_streams over the same fakes is in
// kafka_streams_test.cc. Loops are bounded by iteration counts.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "samsa/streams/internal/runtime/internal_topic_manager.h"
#include "samsa/streams/internal/runtime/stream_thread.h"
#include "samsa/streams/internal/runtime/topic_partition_metadata.h"
#include "samsa/streams/kafka_streams.h"
#include "tests/streams/runtime/fake_clients.h"
#include "tests/streams/runtime/word_count.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams {
namespace {

using namespace internal;
using namespace testing_fakes;

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One stream thread over a fake cluster, driven by run_once() on the test's
// thread.
class thread_fixture {
public:
    thread_fixture(topology t, std::map<std::string, std::string> extra = {}) : topology_(std::move(t)) {
        // No record caches unless a test asks for them: most tests here
        // look at every update between explicit commits.
        std::map<std::string, std::string> props{{"application.id", "wc"},
                                                 {"bootstrap.servers", "fake:1"},
                                                 {"state.dir", dir_.string()},
                                                 {"commit.interval.ms", "3600000"},
                                                 {"statestore.cache.max.bytes", "0"}};
        for (auto& [k, v] : extra) props[k] = v;
        config_ = *streams_config::parse(props);
        dirs_ = std::make_unique<state_directory>(config_.state_dir, config_.application_id);
    }
    ~thread_fixture() { thread_.reset(); }

    // Creates `topics` with `partitions` each, then starts the thread.
    void start_with_topics(std::initializer_list<std::string> topics, int partitions) {
        for (const auto& t : topics) cluster.create(t, partitions);
        start();
    }
    // After the input topics exist.
    void start() {
        fake_admin admin(cluster);
        auto p = prepare_topics(admin, topology_, config_);
        ASSERT_TRUE(p) << p.error().message;
        prepared_ = std::make_unique<prepared_topology>(std::move(*p));
        task_environment env;
        env.topo = &topology_;
        env.metadata = &prepared_->metadata;
        env.state_dir = dirs_.get();
        env.on_deserialization_error = config_.on_deserialization_error;
        env.wall_clock = now_ms;
        env.cache_max_bytes = config_.cache_max_bytes;
        env.windowed_emit_interval_ms = config_.windowed_emit_interval_ms;
        stream_thread_clients clients;
        auto consumer = std::make_unique<fake_consumer>(cluster);
        consumer_ = consumer.get();
        clients.consumer = std::move(consumer);
        bool eos = config_.guarantee == processing_guarantee::exactly_once_v2;
        auto producer = std::make_unique<fake_producer>(cluster);
        producer->transactional = eos;
        producer_ = producer.get();
        clients.producer = std::move(producer);
        if (eos) {
            clients.make_producer = [this]() -> result<std::unique_ptr<record_producer>> {
                cluster.event("producer.created");
                auto p = std::make_unique<fake_producer>(cluster);
                p->transactional = true;
                producer_ = p.get();
                return std::unique_ptr<record_producer>(std::move(p));
            };
        }
        clients.restore_reader = std::make_unique<fake_reader>(cluster);
        purger_ = std::make_unique<fake_admin>(cluster);
        clients.purger = purger_.get();
        thread_ = std::make_unique<stream_thread>("wc-StreamThread-1", config_, std::move(env), std::move(clients),
                                                  nullptr);
    }
    void run(int iterations) {
        for (int i = 0; i < iterations; ++i) thread_->run_once();
    }
    // Latest count per word in the output topic.
    std::map<std::string, int64_t> counts(const std::string& topic = "counts") {
        std::map<std::string, int64_t> out;
        for (const auto& r : cluster.all(topic)) out[decode_string(r.key)] = decode_int64(r.value);
        return out;
    }
    std::filesystem::path task_dir(const std::string& task) const { return dir_ / "wc" / task; }

    fake_cluster cluster;
    std::unique_ptr<stream_thread> thread_;
    fake_consumer* consumer_ = nullptr;
    fake_producer* producer_ = nullptr;

private:
    std::unique_ptr<fake_admin> purger_;  // outlives thread_: ~thread_fixture() resets thread_ first
    topology topology_;
    test_support::temp_dir dir_{"thread-test"};  // removed after the state directory closes
    streams_config config_;
    std::unique_ptr<state_directory> dirs_;
    std::unique_ptr<prepared_topology> prepared_;
};

// Record caches large enough to hold every update between two commits.
const std::map<std::string, std::string> record_caches_of_10_mib{{"statestore.cache.max.bytes", "10485760"}};

TEST(stream_thread, counts_words_through_the_repartition_topic) {
    thread_fixture f(word_count_topology(store_type::in_memory));
    f.start_with_topics({"lines", "counts"}, 2);
    f.cluster.append("lines", "k1", "the cat and the hat", 1, 0);
    f.cluster.append("lines", "k2", "The end", 2, 1);
    f.run(10);
    std::map<std::string, int64_t> want{{"the", 3}, {"cat", 1}, {"and", 1}, {"hat", 1}, {"end", 1}};
    EXPECT_EQ(f.counts(), want);
    EXPECT_EQ(f.cluster.all("wc-counts-store-repartition").size(), 7u);
    EXPECT_EQ(f.cluster.all("wc-counts-store-changelog").size(), 7u);
    auto ids = f.thread_->tasks().task_ids();
    EXPECT_EQ(ids.size(), 4u);  // 0_0, 0_1, 1_0, 1_1
}

TEST(stream_thread, bounds_its_buffers_by_polling_less_never_by_pausing) {
    // librdkafka's pause() drops a partition's prefetched records, so full
    // buffers must not pause partitions: the thread polls only what
    // buffered.records.per.partition x partitions leaves room for.
    thread_fixture f(word_count_topology(store_type::in_memory), {{"buffered.records.per.partition", "5"}});
    f.start_with_topics({"lines", "counts"}, 2);
    for (int i = 0; i < 200; ++i) f.cluster.append("lines", "k" + std::to_string(i), "a b", i + 1, i % 2);
    for (int i = 0; i < 400; ++i) {
        f.thread_->run_once();
        size_t buffered = 0;
        for (const auto& id : f.thread_->tasks().task_ids()) buffered += f.thread_->tasks().task(id)->buffered();
        ASSERT_LE(buffered, 5u * 4u);  // lines-0/1 and the repartition topic's two partitions
        if (f.thread_->tasks().restoring()) continue;
        ASSERT_TRUE(f.consumer_->paused().empty()) << "round " << i;
        if (f.counts() == std::map<std::string, int64_t>{{"a", 200}, {"b", 200}}) break;
    }
    EXPECT_EQ(f.counts(), (std::map<std::string, int64_t>{{"a", 200}, {"b", 200}}));
    EXPECT_LE(f.consumer_->most_polled, 5u * 4u);
    EXPECT_GT(f.consumer_->most_polled, 5u);  // but it does take what fits
}

TEST(stream_thread, purges_the_committed_records_of_repartition_topics_after_a_commit) {
    // Kafka 3.8's StreamThread.maybeCommit: after a commit, at most every
    // repartition.purge.interval.ms, DeleteRecords up to each repartition
    // partition's committed offset; source topics are never purged.
    thread_fixture f(word_count_topology(store_type::in_memory),
                     {{"commit.interval.ms", "0"}, {"repartition.purge.interval.ms", "0"}});
    f.start_with_topics({"lines", "counts"}, 2);
    f.cluster.append("lines", "k1", "the cat and the hat", 1, 0);
    f.cluster.append("lines", "k2", "The end", 2, 1);
    for (int i = 0; i < 50 && f.counts().size() < 5; ++i) f.run(1);
    ASSERT_EQ(f.counts().size(), 5u);
    f.run(2);  // a commit (and a purge) after the last record was processed
    std::map<topic_partition, samsa::offset> want;
    for (const auto& r : f.cluster.all("wc-counts-store-repartition")) want[r.tp] = samsa::offset(r.offset() + 1);
    ASSERT_EQ(want.size(), 2u);
    std::lock_guard l(f.cluster.mutex);
    ASSERT_FALSE(f.cluster.purged.empty());
    EXPECT_EQ(f.cluster.purged.back(), want);
}

TEST(stream_thread, purges_repartition_topics_no_more_often_than_the_purge_interval) {
    thread_fixture f(word_count_topology(store_type::in_memory),
                     {{"commit.interval.ms", "0"}, {"repartition.purge.interval.ms", "3600000"}});
    f.start_with_topics({"lines", "counts"}, 2);
    f.cluster.append("lines", "k1", "the cat and the hat", 1, 0);
    for (int i = 0; i < 50 && f.counts().size() < 4; ++i) f.run(1);
    ASSERT_EQ(f.counts().size(), 4u);
    f.run(2);
    std::lock_guard l(f.cluster.mutex);
    EXPECT_TRUE(f.cluster.purged.empty());
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(stream_thread, commit_flushes_the_producer_then_commits_offsets_and_checkpoints_when_due) {
    thread_fixture f(word_count_topology(store_type::rocksdb));
    f.start_with_topics({"lines", "counts"}, 1);
    f.cluster.append("lines", "k", "a b a", 1);
    f.run(6);
    f.cluster.events.clear();
    ASSERT_TRUE(f.thread_->tasks().commit());
    std::vector<std::string> want{"producer.flush", "commit"};
    EXPECT_EQ(f.cluster.events, want);
    EXPECT_EQ(f.cluster.committed.at({"lines", 0}), samsa::offset(1));
    EXPECT_EQ(f.cluster.committed.at({"wc-counts-store-repartition", 0}), samsa::offset(3));
    // As Kafka: a regular commit neither flushes RocksDB nor checkpoints
    // until the changelogs moved more than 10,000 records.
    const auto checkpoint = f.task_dir("1_0") / ".checkpoint";
    EXPECT_FALSE(std::filesystem::exists(checkpoint));
    std::string many;
    for (int i = 0; i < 10001; ++i) many += "w" + std::to_string(i) + " ";
    f.cluster.append("lines", "k", many, 2);
    for (int i = 0; i < 1000 && f.cluster.all("wc-counts-store-changelog").size() < 10004; ++i) f.run(1);
    ASSERT_TRUE(f.thread_->tasks().commit());
    EXPECT_EQ(read_file(checkpoint), "0\n1\nwc-counts-store-changelog 0 10003\n");
    // Closing (and revoking) always checkpoints.
    f.cluster.append("lines", "k", "a", 3);
    f.run(6);
    f.thread_->tasks().close_all(true);
    EXPECT_EQ(read_file(checkpoint), "0\n1\nwc-counts-store-changelog 0 10004\n");
}

TEST(stream_thread, a_failed_offset_commit_writes_no_checkpoint) {
    // Kafka's order: offsets, then checkpoints. A checkpoint ahead of the
    // committed offsets would make a restart count the same records twice.
    thread_fixture f(word_count_topology(store_type::rocksdb));
    f.start_with_topics({"lines", "counts"}, 1);
    f.cluster.append("lines", "k", "a b a", 1);
    f.run(6);
    f.consumer_->fail_commits = true;
    EXPECT_FALSE(f.thread_->tasks().commit());
    f.thread_->tasks().close_all(true);
    EXPECT_FALSE(std::filesystem::exists(f.task_dir("1_0") / ".checkpoint"));
}

size_t count_event(const fake_cluster& c, const std::string& e) {
    return static_cast<size_t>(std::count(c.events.begin(), c.events.end(), e));
}

// exactly_once_v2 over the fakes: transactions begin lazily at the first
// send, the commit puts the offsets into the transaction (never a consumer
// commit), and no checkpoint is written while running.
TEST(stream_thread, exactly_once_commits_offsets_inside_the_transaction) {
    thread_fixture f(word_count_topology(store_type::rocksdb), {{"processing.guarantee", "exactly_once_v2"}});
    f.start_with_topics({"lines", "counts"}, 1);
    f.run(2);
    EXPECT_EQ(count_event(f.cluster, "txn.init"), 1u);
    EXPECT_EQ(count_event(f.cluster, "txn.begin"), 0u) << "nothing sent yet";
    f.cluster.append("lines", "k", "a b a", 1);
    f.run(6);
    EXPECT_EQ(count_event(f.cluster, "txn.begin"), 1u);
    f.cluster.events.clear();
    ASSERT_TRUE(f.thread_->tasks().commit());
    std::vector<std::string> want{"producer.flush", "txn.offsets", "txn.commit"};
    EXPECT_EQ(f.cluster.events, want);
    EXPECT_EQ(f.cluster.committed.at({"lines", 0}), samsa::offset(1));
    EXPECT_EQ(f.cluster.committed.at({"wc-counts-store-repartition", 0}), samsa::offset(3));
    EXPECT_FALSE(std::filesystem::exists(f.task_dir("1_0") / ".checkpoint"));
    // An idle commit opens no transaction.
    f.cluster.events.clear();
    ASSERT_TRUE(f.thread_->tasks().commit());
    EXPECT_EQ(count_event(f.cluster, "txn.begin"), 0u);
    EXPECT_EQ(count_event(f.cluster, "txn.commit"), 0u);
    f.thread_->tasks().close_all(true);
    EXPECT_TRUE(std::filesystem::exists(f.task_dir("1_0") / ".checkpoint")) << "a clean close checkpoints";
}

// Exactly-once, a commit at every run of the loop.
const std::map<std::string, std::string> eos_committing_every_run{{"processing.guarantee", "exactly_once_v2"},
                                                                 {"commit.interval.ms", "0"}};

// One partition each of lines and counts; "a b" read, counted and committed.
void start_counting_a_b(thread_fixture& f) {
    f.start_with_topics({"lines", "counts"}, 1);
    f.cluster.append("lines", "k", "a b", 1);
    f.run(6);
}

// A commit that fails aborts the transaction, rewinds the consumer to the
// committed offsets and rebuilds the tasks; the thread keeps running.
TEST(stream_thread, exactly_once_failed_commit_aborts_and_rebuilds_the_tasks) {
    thread_fixture f(word_count_topology(store_type::rocksdb), eos_committing_every_run);
    start_counting_a_b(f);
    ASSERT_GE(count_event(f.cluster, "txn.commit"), 1u);
    f.producer_->failing_topic = "counts";
    f.cluster.events.clear();
    f.cluster.append("lines", "k", "c", 2);
    for (int i = 0; i < 10 && count_event(f.cluster, "txn.abort") == 0; ++i) ASSERT_NO_THROW(f.run(1));
    EXPECT_EQ(count_event(f.cluster, "txn.abort"), 1u);
    EXPECT_EQ(count_event(f.cluster, "consumer.rewind"), 1u);
    EXPECT_EQ(f.thread_->tasks().task_ids().size(), 2u) << "tasks made again";
    f.producer_->failing_topic.clear();
    ASSERT_NO_THROW(f.run(10));
    EXPECT_EQ(f.cluster.committed.at({"lines", 0}), samsa::offset(2));
}

// A fenced producer is Kafka's TaskMigratedException: a new producer
// (init_transactions again), the tasks rebuilt; the thread keeps running.
TEST(stream_thread, exactly_once_fenced_producer_is_replaced) {
    thread_fixture f(word_count_topology(store_type::rocksdb), eos_committing_every_run);
    start_counting_a_b(f);
    f.producer_->fenced = true;
    f.cluster.append("lines", "k", "c", 2);
    for (int i = 0; i < 10 && count_event(f.cluster, "producer.created") == 0; ++i) ASSERT_NO_THROW(f.run(1));
    EXPECT_EQ(count_event(f.cluster, "txn.commit fenced"), 1u);
    EXPECT_EQ(count_event(f.cluster, "producer.created"), 1u);
    EXPECT_EQ(count_event(f.cluster, "txn.init"), 2u);
    EXPECT_EQ(count_event(f.cluster, "txn.abort"), 0u) << "a fenced producer cannot abort";
    ASSERT_NO_THROW(f.run(10));
    EXPECT_FALSE(f.producer_->fenced);
    EXPECT_EQ(f.cluster.committed.at({"lines", 0}), samsa::offset(2));
}

TEST(stream_thread, new_tasks_fetch_their_sink_topics_metadata_before_the_first_record) {
    // librdkafka partitions a record for a topic it holds no metadata for only
    // at its next topic scan (up to a second later): the first output would wait.
    thread_fixture f(word_count_topology(store_type::in_memory));
    f.start_with_topics({"lines", "counts"}, 1);
    f.run(2);
    ASSERT_FALSE(f.thread_->tasks().task_ids().empty());
    const auto& e = f.cluster.events;
    EXPECT_NE(std::find(e.begin(), e.end(), "producer.metadata counts"), e.end());
    EXPECT_NE(std::find(e.begin(), e.end(), "producer.metadata wc-counts-store-repartition"), e.end());
}

TEST(stream_thread, restores_a_store_from_its_changelog_before_processing) {
    thread_fixture f(word_count_topology(store_type::in_memory));
    f.cluster.create("lines", 2);
    f.cluster.create("counts", 2);
    f.cluster.create("wc-counts-store-changelog", 2);
    // A previous instance counted "cat" 41 times.
    int32_t p = murmur2_partition(bytes{'c', 'a', 't'}, 2);
    f.cluster.append("wc-counts-store-changelog", std::optional<int32_t>(p), bytes{'c', 'a', 't'},
                     serdes::int64().serialize("", 41), 5);
    f.start();
    f.cluster.append("lines", "k", "cat", 10);
    f.run(10);
    EXPECT_EQ(f.counts().at("cat"), 42);
}

TEST(stream_thread, record_caches_forward_once_per_key_when_the_task_commits) {
    thread_fixture f(word_count_topology(store_type::in_memory), record_caches_of_10_mib);
    f.start_with_topics({"lines", "counts"}, 1);
    f.cluster.append("lines", "k1", "a b a", 1);
    f.cluster.append("lines", "k2", "a c", 2);
    f.run(10);
    EXPECT_TRUE(f.cluster.all("counts").empty());  // all in the cache until the commit
    EXPECT_TRUE(f.cluster.all("wc-counts-store-changelog").empty());
    ASSERT_TRUE(f.thread_->tasks().commit());
    std::map<std::string, int64_t> want{{"a", 3}, {"b", 1}, {"c", 1}};
    EXPECT_EQ(f.counts(), want);
    EXPECT_EQ(f.cluster.all("counts").size(), 3u);  // one per word, not one per update (5)
    EXPECT_EQ(f.cluster.all("wc-counts-store-changelog").size(), 3u);
    // In the order of each key's last write, stamped with that write's record.
    std::vector<std::pair<std::string, int64_t>> order;
    for (const auto& r : f.cluster.all("counts")) order.emplace_back(decode_string(r.key), r.timestamp);
    EXPECT_EQ(order, (std::vector<std::pair<std::string, int64_t>>{{"b", 1}, {"a", 2}, {"c", 2}}));
}

TEST(stream_thread, a_full_record_cache_evicts_and_forwards_before_the_commit) {
    // An entry costs 90 bytes here (key 2 + value and timestamp 16 + 45 +
    // the repartition topic's name 27), so two fit in 200: the third word
    // evicts the eldest, which writes every dirty entry down and forwards it
    // (aa, bb, cc); dd evicts the clean bb and waits for the commit.
    thread_fixture f(word_count_topology(store_type::in_memory), {{"statestore.cache.max.bytes", "200"}});
    f.start_with_topics({"lines", "counts"}, 1);
    f.cluster.append("lines", "k1", "aa bb cc dd", 1);
    f.run(10);
    std::vector<std::string> forwarded;
    for (const auto& r : f.cluster.all("counts")) forwarded.push_back(decode_string(r.key));
    EXPECT_EQ(forwarded, (std::vector<std::string>{"aa", "bb", "cc"}));
    ASSERT_TRUE(f.thread_->tasks().commit());
    EXPECT_EQ(f.counts(), (std::map<std::string, int64_t>{{"aa", 1}, {"bb", 1}, {"cc", 1}, {"dd", 1}}));
}

TEST(stream_thread, a_cached_table_sends_the_old_value_of_the_last_commit_downstream) {
    // users -> group by city -> count. Two moves of one user between commits
    // reach the aggregation as one change: old city (as of the last commit)
    // to the newest one.
    streams_builder b;
    b.table("users", consumed<std::string, std::string>::with(serdes::string(), serdes::string()),
            materialized<std::string, std::string>::as("users-store").with_store_type(store_type::in_memory))
        .group_by([](const std::string& user, const std::string& city) { return key_value<std::string, std::string>{city, user}; },
                  grouped<std::string, std::string>::with(serdes::string(), serdes::string()))
        .count(named{}, materialized<std::string, int64_t>::as("per-city")
                            .with_store_type(store_type::in_memory)
                            .with_key_serde(serdes::string())
                            .with_value_serde(serdes::int64()))
        .to_stream()
        .to("cities", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    thread_fixture f(b.build(), record_caches_of_10_mib);
    f.start_with_topics({"users", "cities"}, 1);
    f.cluster.append("users", "ann", "lisbon", 1);
    f.run(6);
    ASSERT_TRUE(f.thread_->tasks().commit());
    for (int i = 0; i < 6; ++i) f.run(1);
    ASSERT_TRUE(f.thread_->tasks().commit());  // the count reaches cities
    EXPECT_EQ(f.counts("cities"), (std::map<std::string, int64_t>{{"lisbon", 1}}));
    f.cluster.append("users", "ann", "porto", 2);
    f.cluster.append("users", "ann", "rome", 3);
    f.run(6);
    ASSERT_TRUE(f.thread_->tasks().commit());
    f.run(6);
    ASSERT_TRUE(f.thread_->tasks().commit());
    // One subtract from lisbon and one add to rome; porto never appears.
    EXPECT_EQ(f.counts("cities"), (std::map<std::string, int64_t>{{"lisbon", 0}, {"rome", 1}}));
}

TEST(stream_thread, honours_stream_partitioners_of_sinks_and_repartition_topics) {
    // Every record to the last partition: the repartition sink asks with
    // the repartition topic's count (2), the output sink with out's (4).
    auto last = [](const std::string&, const std::optional<std::string>&, const std::optional<std::string>&,
                   int32_t n) -> std::optional<int32_t> { return n - 1; };
    streams_builder b;
    b.stream("in", consumed<std::string, std::string>::with(serdes::string(), serdes::string()))
        .repartition(repartitioned<std::string, std::string>::as("spread").with_stream_partitioner(last))
        .to("out", produced<std::string, std::string>::with(serdes::string(), serdes::string())
                       .with_stream_partitioner(last));
    thread_fixture f(b.build());
    f.cluster.create("in", 2);
    f.cluster.create("out", 4);
    f.start();
    for (int i = 0; i < 6; ++i) f.cluster.append("in", "k" + std::to_string(i), "v", i + 1, i % 2);
    for (int i = 0; i < 20 && f.cluster.all("out").size() < 6; ++i) f.run(1);
    auto repartitioned_records = f.cluster.all("wc-spread-repartition");
    ASSERT_EQ(repartitioned_records.size(), 6u);
    for (const auto& r : repartitioned_records) EXPECT_EQ(r.tp.partition, 1);
    auto out = f.cluster.all("out");
    ASSERT_EQ(out.size(), 6u);
    for (const auto& r : out) EXPECT_EQ(r.tp.partition, 3);
}

topology doubling_topology() {
    streams_builder b;
    b.stream("nums", consumed<std::string, int64_t>::with(serdes::string(), serdes::int64()))
        .map_values([](const int64_t& v) { return v * 2; })
        .to("out", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

void append_numbers(fake_cluster& c) {
    c.append("nums", std::optional<int32_t>(0), bytes{'a'}, serdes::int64().serialize("", 1), 1);
    c.append("nums", std::optional<int32_t>(0), bytes{'b'}, bytes{'x'}, 2);  // not 8 bytes
    c.append("nums", std::optional<int32_t>(0), bytes{'c'}, serdes::int64().serialize("", 3), 3);
}

TEST(stream_thread, log_and_continue_skips_records_it_cannot_deserialize) {
    thread_fixture f(doubling_topology(), {{"default.deserialization.exception.handler", "logAndContinue"}});
    f.cluster.create("nums", 1);
    f.cluster.create("out", 1);
    append_numbers(f.cluster);
    f.start();
    f.run(4);
    std::map<std::string, int64_t> want{{"a", 2}, {"c", 6}};
    EXPECT_EQ(f.counts("out"), want);
}

TEST(stream_thread, log_and_fail_stops_the_task) {
    thread_fixture f(doubling_topology());
    f.cluster.create("nums", 1);
    f.cluster.create("out", 1);
    append_numbers(f.cluster);
    f.start();
    try {
        f.run(4);
        FAIL() << "expected a task_failure";
    } catch (const task_failure& e) {
        EXPECT_NE(std::string(e.what()).find("deserialization error at nums-0@1"), std::string::npos) << e.what();
    }
}

// Counts per key in 10 ms windows, emitted when a window closes, written as
// "key@start" -> count. RocksDB: an in-memory window store drops a window
// as soon as stream time passes its retention (size + grace), before the
// aggregate looks for closed ones — as Kafka's InMemoryWindowStore does.
topology windowed_final_count_topology() {
    using str = std::string;
    streams_builder b;
    b.stream("events", consumed<str, str>::with(serdes::string(), serdes::string()))
        .group_by_key(grouped<str, str>::with(serdes::string(), serdes::string()))
        .windowed_by(time_windows::of_size_with_no_grace(10))
        .emit_strategy(emit_strategy::on_window_close())
        .count(named{}, materialized<str, int64_t>::as("final-counts")
                            .with_key_serde(serdes::string())
                            .with_value_serde(serdes::int64()))
        .to_stream()
        .map([](const std::optional<windowed<str>>& k, const std::optional<int64_t>& v) {
            return key_value<std::optional<str>, std::optional<str>>{
                k->key() + "@" + std::to_string(k->window().start()), v ? std::to_string(*v) : "null"};
        })
        .to("out", produced<str, str>::with(serdes::string(), serdes::string()));
    return b.build();
}

// Kafka Streams commits each input partition's time and the processors'
// metadata with its offset (TopicPartitionMetadata): a restarted task picks
// up its stream time and does not emit a closed window a second time.
TEST(stream_thread, a_restarted_task_keeps_its_stream_time_and_emits_no_closed_window_again) {
    thread_fixture f(windowed_final_count_topology(),
                     {{"__emit.interval.ms.kstreams.windowed.aggregation__", "0"}});
    f.start_with_topics({"events", "out"}, 1);
    f.cluster.append("events", "a", "x", 3);
    f.cluster.append("events", "a", "x", 15);  // closes [0,10)
    f.run(6);
    ASSERT_TRUE(f.thread_->tasks().commit());
    ASSERT_EQ(f.cluster.all("out").size(), 1u);
    const topic_partition events{"events", 0};
    EXPECT_EQ(f.cluster.committed.at(events), samsa::offset(2));
    EXPECT_EQ(topic_partition_metadata::decode(f.cluster.committed_metadata.at(events)),
              (topic_partition_metadata{15, {{"final-counts", 15}}}));

    f.thread_->tasks().close_all(true);
    f.thread_.reset();
    f.start();  // a new thread over the same cluster and state directory
    f.cluster.append("events", "b", "x", 16);
    f.run(8);
    ASSERT_TRUE(f.thread_->tasks().commit());
    std::vector<std::string> emitted;
    for (const auto& r : f.cluster.all("out")) emitted.push_back(decode_string(r.key) + "=" + decode_string(r.value));
    EXPECT_EQ(emitted, (std::vector<std::string>{"a@0=1"}));
    EXPECT_EQ(topic_partition_metadata::decode(f.cluster.committed_metadata.at(events)).partition_time, 16);
}

TEST(stream_thread, revocation_commits_and_closes_tasks_assignment_recreates_them) {
    thread_fixture f(word_count_topology(store_type::in_memory));
    f.start_with_topics({"lines", "counts"}, 2);
    f.cluster.append("lines", "k", "x y", 1, 0);
    f.run(6);
    EXPECT_EQ(f.thread_->tasks().task_ids().size(), 4u);
    f.cluster.events.clear();
    f.consumer_->reassign({{"lines", 1}, {"wc-counts-store-repartition", 1}});
    f.run(3);
    EXPECT_EQ(f.thread_->tasks().task_ids(), (std::vector<task_id>{{0, 1}, {1, 1}}));
    ASSERT_FALSE(f.cluster.events.empty());
    EXPECT_EQ(f.cluster.events.front(), "producer.flush");  // the revocation committed
    EXPECT_EQ(f.cluster.committed.at({"lines", 0}), samsa::offset(1));
    // Back to everything: in-memory stores are restored from the changelog.
    f.consumer_->reassign({{"lines", 0}, {"lines", 1}, {"wc-counts-store-repartition", 0},
                           {"wc-counts-store-repartition", 1}});
    f.cluster.append("lines", "k", "x", 2, 0);
    f.run(8);
    EXPECT_EQ(f.counts().at("x"), 2);
    EXPECT_EQ(f.counts().at("y"), 1);
}

// Windowed counts of words (10 ms tumbling windows) to "windowed" as
// "word@start" -> count (s10-wincache).
topology windowed_word_counts(bool caching) {
    auto m = materialized<std::string, int64_t>::as("windowed-counts")
                 .with_store_type(store_type::in_memory)
                 .with_key_serde(serdes::string())
                 .with_value_serde(serdes::int64());
    if (!caching) m.with_caching_disabled();
    streams_builder b;
    b.stream("lines", consumed<std::string, std::string>::with(serdes::string(), serdes::string()))
        .flat_map_values([](const std::string& v) { return split_words(v); })
        .group_by([](const std::string&, const std::string& w) { return w; },
                  grouped<std::string, std::string>::with(serdes::string(), serdes::string()))
        .windowed_by(time_windows::of_size_with_no_grace(10))
        .count(named{}, m)
        .to_stream()
        .map([](const std::optional<windowed<std::string>>& k, const std::optional<int64_t>& v) {
            return key_value<std::string, int64_t>{k->key() + "@" + std::to_string(k->window().start()), *v};
        })
        .to("windowed", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

std::vector<std::pair<std::string, int64_t>> windowed_updates(thread_fixture& f) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& r : f.cluster.all("windowed")) out.emplace_back(decode_string(r.key), decode_int64(r.value));
    return out;
}

TEST(stream_thread, a_cached_windowed_count_forwards_once_per_window_when_the_task_commits) {
    thread_fixture f(windowed_word_counts(true), record_caches_of_10_mib);
    f.start_with_topics({"lines", "windowed"}, 1);
    f.cluster.append("lines", "k1", "a b a", 1);
    f.cluster.append("lines", "k2", "a c", 2);
    f.cluster.append("lines", "k3", "a", 12);
    f.run(10);
    EXPECT_TRUE(f.cluster.all("windowed").empty());  // all in the cache until the commit
    EXPECT_TRUE(f.cluster.all("wc-windowed-counts-changelog").empty());
    ASSERT_TRUE(f.thread_->tasks().commit());
    // One per window key, in the order of their last writes.
    EXPECT_EQ(windowed_updates(f), (std::vector<std::pair<std::string, int64_t>>{
                                       {"b@0", 1}, {"a@0", 3}, {"c@0", 1}, {"a@10", 1}}));
    EXPECT_EQ(f.cluster.all("wc-windowed-counts-changelog").size(), 4u);
    f.cluster.append("lines", "k4", "a a", 13);
    f.run(10);
    ASSERT_TRUE(f.thread_->tasks().commit());
    EXPECT_EQ(windowed_updates(f).back(), (std::pair<std::string, int64_t>{"a@10", 3}));
    EXPECT_EQ(windowed_updates(f).size(), 5u);
}

TEST(stream_thread, an_uncached_windowed_count_forwards_every_update) {
    thread_fixture f(windowed_word_counts(false), record_caches_of_10_mib);
    f.start_with_topics({"lines", "windowed"}, 1);
    f.cluster.append("lines", "k1", "a b a", 1);
    f.run(10);
    ASSERT_TRUE(f.thread_->tasks().commit());
    EXPECT_EQ(windowed_updates(f),
              (std::vector<std::pair<std::string, int64_t>>{{"a@0", 1}, {"b@0", 1}, {"a@0", 2}}));
}

}  // namespace
}  // namespace samsa::streams
