// The runtime's parts without a broker: configuration, partition group
// ordering, checkpoint files, state directory locks, topology metadata
// (sub-topologies, internal topics, tasks from an assignment) and the
// start-up checks against a fake admin client.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "samsa/streams/internal/runtime/checkpoint_file.h"
#include "samsa/streams/internal/runtime/topic_partition_metadata.h"
#include "samsa/streams/internal/runtime/internal_topic_manager.h"
#include "samsa/streams/internal/runtime/partition_group.h"
#include "samsa/streams/internal/runtime/state_directory.h"
#include "samsa/streams/internal/runtime/stream_record_collector.h"
#include "samsa/streams/internal/runtime/topology_metadata.h"
#include "samsa/streams/streams_config.h"
#include "tests/streams/runtime/fake_clients.h"
#include "tests/streams/runtime/word_count.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams {
namespace {

using namespace internal;
using namespace testing_fakes;

using test_support::temp_dir;

TEST(streams_config, defaults_and_prefixes) {
    auto c = streams_config::parse({{"application.id", "app"},
                                    {"bootstrap.servers", "b:1"},
                                    {"num.stream.threads", "3"},
                                    {"consumer.fetch.wait.max.ms", "10"},
                                    {"restore.consumer.fetch.wait.max.ms", "20"},
                                    {"producer.linger.ms", "5"},
                                    {"admin.socket.timeout.ms", "1000"},
                                    {"default.deserialization.exception.handler", "logAndContinue"}});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->application_id, "app");
    EXPECT_EQ(c->num_stream_threads, 3);
    EXPECT_EQ(c->commit_interval, std::chrono::milliseconds(30000));
    EXPECT_EQ(c->consumer.at("fetch.wait.max.ms"), "10");
    EXPECT_EQ(c->restore_consumer.at("fetch.wait.max.ms"), "20");
    EXPECT_EQ(c->producer.at("linger.ms"), "5");
    EXPECT_EQ(c->admin.at("socket.timeout.ms"), "1000");
    EXPECT_EQ(c->on_deserialization_error, deserialization_handler_response::continue_processing);
    EXPECT_EQ(c->replication_factor, -1);
}

TEST(streams_config, errors_name_the_property) {
    auto missing = streams_config::parse({{"bootstrap.servers", "b:1"}});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("application.id"), std::string::npos);
    auto guarantee = streams_config::parse(
        {{"application.id", "a"}, {"bootstrap.servers", "b"}, {"processing.guarantee", "exactly_once_v3"}});
    ASSERT_FALSE(guarantee);
    EXPECT_EQ(guarantee.error().code, errc::invalid_argument);
    EXPECT_NE(guarantee.error().message.find("processing.guarantee"), std::string::npos);
    auto bad = streams_config::parse({{"application.id", "a"}, {"bootstrap.servers", "b"}, {"commit.interval.ms", "x"}});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("commit.interval.ms"), std::string::npos);
}

// Kafka 3.8's StreamsConfig: exactly_once_v2, and the deprecated
// exactly_once / exactly_once_beta still accepted (here run as v2); commit
// interval 100 ms by default under exactly-once, 30 s otherwise, an explicit
// value kept either way.
TEST(streams_config, exactly_once_v2_and_the_deprecated_names_as_kafka_3_8) {
    for (const char* name : {"exactly_once_v2", "exactly_once", "exactly_once_beta"}) {
        auto c = streams_config::parse(
            {{"application.id", "a"}, {"bootstrap.servers", "b"}, {"processing.guarantee", name}});
        ASSERT_TRUE(c) << name << ": " << c.error().message;
        EXPECT_EQ(c->guarantee, processing_guarantee::exactly_once_v2) << name;
        EXPECT_EQ(c->commit_interval, std::chrono::milliseconds(100)) << name;
    }
    auto alos = streams_config::parse(
        {{"application.id", "a"}, {"bootstrap.servers", "b"}, {"processing.guarantee", "at_least_once"}});
    ASSERT_TRUE(alos);
    EXPECT_EQ(alos->guarantee, processing_guarantee::at_least_once);
    EXPECT_EQ(alos->commit_interval, std::chrono::milliseconds(30000));
    auto set = streams_config::parse({{"application.id", "a"},
                                      {"bootstrap.servers", "b"},
                                      {"commit.interval.ms", "2500"},
                                      {"processing.guarantee", "exactly_once_v2"}});
    ASSERT_TRUE(set);
    EXPECT_EQ(set->commit_interval, std::chrono::milliseconds(2500));
    for (const char* bad : {"none", "EXACTLY_ONCE_V2", "exactly_once_v1", ""}) {
        auto c = streams_config::parse(
            {{"application.id", "a"}, {"bootstrap.servers", "b"}, {"processing.guarantee", bad}});
        ASSERT_FALSE(c) << bad;
        EXPECT_NE(c.error().message.find("processing.guarantee"), std::string::npos) << bad;
    }
}

consumed_record rec(const std::string& topic, int32_t p, int64_t off, int64_t ts) {
    return consumed_record::copy_of(topic, p, samsa::offset(off), std::nullopt, std::nullopt, ts);
}

TEST(consumed_record, a_copy_owns_its_bytes_and_its_views_survive_moves) {
    std::string topic = "orders";
    consumed_record r = consumed_record::copy_of(topic, 2, samsa::offset(7), bytes{'k'}, std::nullopt, 5);
    topic = "changed";  // the record keeps its own copy of the name
    std::vector<consumed_record> queue;
    queue.push_back(std::move(r));
    queue.reserve(64);  // moves the record again
    consumed_record moved = std::move(queue.front());
    EXPECT_EQ(moved.tp, partition_ref("orders", 2));
    ASSERT_TRUE(moved.key.has_value());
    EXPECT_EQ(std::vector<uint8_t>(moved.key->begin(), moved.key->end()), bytes{'k'});
    EXPECT_FALSE(moved.value.has_value());  // a null value stays null, not empty
    EXPECT_EQ(moved.offset, samsa::offset(7));
}

TEST(partition_ref, finds_topic_partitions_by_view_in_their_own_order) {
    std::map<topic_partition, int, partition_less> m{{{"a", 1}, 1}, {{"ab", 0}, 2}, {{"b", 0}, 3}};
    std::string name = "ab";
    EXPECT_EQ(m.find(partition_ref(name, 0))->second, 2);
    EXPECT_EQ(m.find(partition_ref("ab", 1)), m.end());
    // The same order as topic_partition's own: by topic, then partition.
    std::vector<topic_partition> keys;
    for (const auto& [tp, v] : m) keys.push_back(tp);
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    partition_group g({{"x", 0}, {"x", 1}});
    EXPECT_EQ(g.index_of(partition_ref("x", 1)), 1u);
    EXPECT_FALSE(g.index_of(partition_ref("y", 0)));
}

// A producer that holds sends and reports them when told, in any order,
// with the offset given: the collector's view of delivery reports.
class reporting_producer final : public record_producer {
public:
    status send(const produced_record& r, delivery_listener& listener) override {
        sent.push_back({std::string(r.topic), r.partition.value_or(0)});
        listener_ = &listener;
        return ok();
    }
    void report(const topic_partition& tp, int64_t offset) {
        delivery_report d;
        d.tp = partition_ref(tp);
        d.offset = samsa::offset(offset);
        listener_->on_delivery(d);
    }
    void poll() override {}
    status flush(std::chrono::milliseconds) override { return ok(); }
    result<int32_t> partition_count(const std::string&, std::chrono::milliseconds) override { return 1; }
    std::vector<topic_partition> sent;

private:
    delivery_listener* listener_ = nullptr;
};

TEST(stream_record_collector, keeps_the_highest_delivered_offset_per_partition_across_interleaved_reports) {
    reporting_producer producer;
    stream_record_collector collector(producer, production_handler_response::fail);
    const std::string changelog = "app-store-changelog";
    produced_record r;
    r.topic = changelog;
    collector.send(std::move(r));
    const topic_partition a{changelog, 0}, b{changelog, 1}, c{"app-other-changelog", 0};
    // Runs of one partition, a switch, a late lower offset, and back: the
    // entry found last time must not be taken for another partition's.
    producer.report(a, 5);
    producer.report(a, 6);
    producer.report(b, 2);
    producer.report(a, 4);
    producer.report(c, 9);
    producer.report(b, 3);
    EXPECT_EQ(collector.last_offset(a), samsa::offset(6));
    EXPECT_EQ(collector.last_offset(b), samsa::offset(3));
    EXPECT_EQ(collector.last_offset(c), samsa::offset(9));
    EXPECT_EQ(collector.last_offset(topic_partition{changelog, 2}), std::nullopt);
    // An abort forgets the offsets, and the next report starts them again.
    ASSERT_TRUE(collector.abort_transaction(std::chrono::milliseconds(10)));
    EXPECT_EQ(collector.last_offset(a), std::nullopt);
    producer.report(a, 7);
    EXPECT_EQ(collector.last_offset(a), samsa::offset(7));
    EXPECT_EQ(collector.last_offset(b), std::nullopt);
}

TEST(partition_group, hands_out_records_in_timestamp_order_across_partitions) {
    partition_group g({{"a", 0}, {"b", 0}});
    g.add(rec("a", 0, 0, 5));
    g.add(rec("a", 0, 1, 9));
    g.add(rec("b", 0, 0, 7));
    g.add(rec("a", 0, 2, 1));  // out of order within a: stays behind 9
    std::vector<std::pair<std::string, int64_t>> got;
    while (auto r = g.next()) got.emplace_back(r->tp.topic, r->offset());
    std::vector<std::pair<std::string, int64_t>> want{{"a", 0}, {"b", 0}, {"a", 1}, {"a", 2}};
    EXPECT_EQ(got, want);
    EXPECT_EQ(g.stream_time(), 9);
    EXPECT_TRUE(g.empty());
}

TEST(partition_group, ties_follow_javas_priority_queue_as_kafka_does) {
    // Queues with equal head timestamps leave in the order they joined the
    // heap (became non-empty), whatever their names.
    partition_group g({{"a", 0}, {"a", 1}});
    g.add(rec("a", 1, 0, 3));
    g.add(rec("a", 0, 0, 3));
    EXPECT_EQ(g.next()->tp.partition, 1);
    EXPECT_EQ(g.next()->tp.partition, 0);
    EXPECT_FALSE(g.next());
    // Three queues: java.util.PriorityQueue's sift order, not FIFO. Heap
    // after offering x, y, z (all at 1): [x, y, z]; poll x: z moves to the
    // root and stays (y is not smaller): [z, y]; x rejoins: [z, y, x]; poll
    // z: x moves to the root and stays: [x, y].
    partition_group h({{"x", 0}, {"y", 0}, {"z", 0}});
    h.add(rec("x", 0, 0, 1));
    h.add(rec("x", 0, 1, 1));
    h.add(rec("y", 0, 0, 1));
    h.add(rec("z", 0, 0, 1));
    std::vector<std::string> order;
    while (auto r = h.next()) order.emplace_back(r->tp.topic);
    EXPECT_EQ(order, (std::vector<std::string>{"x", "z", "x", "y"}));
}

TEST(checkpoint_file, round_trips_in_kafka_text_format) {
    temp_dir dir("runtime-ckpt");
    checkpoint_file f(dir / ".checkpoint");
    auto empty = f.read();
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    std::map<topic_partition, samsa::offset> offsets{{{"app-s-changelog", 1}, samsa::offset(41)},
                                                     {{"app-t-changelog", 1}, samsa::offset(7)}};
    ASSERT_TRUE(f.write(offsets));
    std::ifstream in(dir / ".checkpoint");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "0\n2\napp-s-changelog 1 41\napp-t-changelog 1 7\n");
    auto back = f.read();
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, offsets);
    EXPECT_FALSE(std::filesystem::exists(dir / ".checkpoint.tmp"));
    std::ofstream(dir / ".checkpoint") << "0\n2\nonly-one 0 1\n";
    auto bad = f.read();
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::corrupt);
}

// Kafka 3.8's OffsetCheckpoint.read rules, for files Kafka or a damaged disk wrote.
TEST(checkpoint_file, reads_as_kafka_does_lines_past_the_count_negative_offsets_and_offset_unknown) {
    temp_dir dir("runtime-ckpt-rules");
    checkpoint_file f(dir / ".checkpoint");
    auto read_text = [&](const std::string& text) {
        std::ofstream(dir / ".checkpoint", std::ios::trunc) << text;
        return f.read();
    };
    auto is_corrupt = [](const auto& r) { return !r && r.error().code == errc::corrupt; };
    EXPECT_TRUE(is_corrupt(read_text("0\n1\na 0 1\nb 0 2\n"))) << "an entry past the count";
    EXPECT_TRUE(is_corrupt(read_text("0\n-1\n"))) << "a negative count";
    EXPECT_TRUE(is_corrupt(read_text("0\n2\na 0 1\na 0 2\n"))) << "a partition twice";
    EXPECT_TRUE(is_corrupt(read_text("0\n1x\na 0 1\n"))) << "a count with trailing bytes";
    EXPECT_TRUE(is_corrupt(read_text("0\n1\na 0 1 extra\n")));
    EXPECT_TRUE(is_corrupt(read_text("1\n0\n"))) << "an unknown version";
    // A negative offset is skipped and not counted; OFFSET_UNKNOWN (-4) is
    // counted but gives no offset (the store restores from the start).
    auto skipped = read_text("0\n3\na 0 -1\nb 0 -4\nc 1 9\n");
    ASSERT_TRUE(skipped) << skipped.error().message;
    EXPECT_EQ(*skipped, (std::map<topic_partition, samsa::offset>{{{"c", 1}, samsa::offset(9)}}));
}

TEST(state_directory, a_task_directory_is_locked_by_one_owner) {
    temp_dir dir("runtime-lock");
    state_directory sd(dir.path(), "app");
    auto first = sd.lock("0_1");
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_TRUE(std::filesystem::exists(dir / "app" / "0_1" / ".lock"));
    auto second = sd.lock("0_1");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, errc::already_exists);
    EXPECT_TRUE(sd.lock("0_2"));
    first->reset();
    EXPECT_TRUE(sd.lock("0_1"));
}

TEST(task_id, prints_and_parses_as_kafka) {
    EXPECT_EQ((task_id{1, 2}).to_string(), "1_2");
    EXPECT_EQ(task_id::parse("3_14"), (task_id{3, 14}));
    EXPECT_FALSE(task_id::parse("3-14"));
    EXPECT_FALSE(task_id::parse("3_x"));
}

TEST(topology_metadata, word_count_has_two_subtopologies_and_two_internal_topics) {
    topology t = word_count_topology();
    auto counts = t.validate_copartitioning({{"lines", 3}});
    ASSERT_TRUE(counts) << counts.error().message;
    auto m = topology_metadata::build(t, "wc", *counts);
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->subtopologies().size(), 2u);
    EXPECT_EQ(m->subtopologies()[0].source_topics, std::set<std::string>{"lines"});
    EXPECT_EQ(m->subtopologies()[1].source_topics, std::set<std::string>{"wc-counts-store-repartition"});
    EXPECT_EQ(m->subtopologies()[1].stores, std::vector<std::string>{"counts-store"});
    EXPECT_EQ(m->subtopologies()[1].partitions, 3);
    std::map<std::string, new_topic> internal;
    for (auto& nt : m->internal_topics(1)) internal[nt.name] = nt;
    ASSERT_EQ(internal.size(), 2u);
    EXPECT_EQ(internal.at("wc-counts-store-repartition").partitions, 3);
    EXPECT_EQ(internal.at("wc-counts-store-repartition").configs.at("cleanup.policy"), "delete");
    // Kafka 3.8's RepartitionTopicConfig: no time limit (purged instead), 50 MiB segments.
    EXPECT_EQ(internal.at("wc-counts-store-repartition").configs.at("retention.ms"), "-1");
    EXPECT_EQ(internal.at("wc-counts-store-repartition").configs.at("segment.bytes"), "52428800");
    EXPECT_EQ(internal.at("wc-counts-store-changelog").partitions, 3);
    EXPECT_EQ(internal.at("wc-counts-store-changelog").configs.at("cleanup.policy"), "compact");
    EXPECT_EQ(internal.at("wc-counts-store-changelog").replication_factor, 1);
    EXPECT_TRUE(m->is_repartition_topic("wc-counts-store-repartition"));
    EXPECT_FALSE(m->is_repartition_topic("lines"));
    EXPECT_FALSE(m->is_repartition_topic("wc-counts-store-changelog"));
}

topology join_topology() {
    streams_builder b;
    auto c = consumed<std::string, std::string>::with(serdes::string(), serdes::string());
    auto table = b.table("right", c);
    b.stream("left", c).join(table, [](const std::string& l, const std::string& r) { return l + r; }).to("out");
    return b.build();
}

TEST(topology_metadata, tasks_need_all_their_copartitioned_partitions) {
    topology t = join_topology();
    auto counts = t.validate_copartitioning({{"left", 2}, {"right", 2}});
    ASSERT_TRUE(counts);
    auto m = topology_metadata::build(t, "j", *counts);
    ASSERT_TRUE(m);
    auto ok_tasks = m->tasks_for({{"left", 1}, {"right", 1}});
    ASSERT_TRUE(ok_tasks) << ok_tasks.error().message;
    ASSERT_EQ(ok_tasks->size(), 1u);
    EXPECT_EQ(ok_tasks->begin()->first, (task_id{0, 1}));
    auto split = m->tasks_for({{"left", 1}, {"right", 0}});
    ASSERT_FALSE(split);
    EXPECT_NE(split.error().message.find("was assigned only part of its partitions"), std::string::npos)
        << split.error().message;
}

streams_config config_for(const std::string& app) {
    auto c = streams_config::parse({{"application.id", app}, {"bootstrap.servers", "fake:1"}});
    return *c;
}

TEST(prepare_topics, missing_source_topics_are_named) {
    fake_cluster cluster;
    fake_admin admin(cluster);
    auto p = prepare_topics(admin, join_topology(), config_for("j"));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, errc::not_found);
    EXPECT_NE(p.error().message.find("Missing source topics: [left, right]"), std::string::npos) << p.error().message;
}

TEST(prepare_topics, copartitioning_errors_name_topics_and_counts) {
    fake_cluster cluster;
    cluster.create("left", 2);
    cluster.create("right", 3);
    fake_admin admin(cluster);
    auto p = prepare_topics(admin, join_topology(), config_for("j"));
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("left (2 partitions)"), std::string::npos) << p.error().message;
    EXPECT_NE(p.error().message.find("right (3 partitions)"), std::string::npos) << p.error().message;
}

TEST(prepare_topics, creates_internal_topics_idempotently_and_checks_counts) {
    fake_cluster cluster;
    cluster.create("lines", 2);
    fake_admin admin(cluster);
    auto p = prepare_topics(admin, word_count_topology(), config_for("wc"));
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(cluster.partitions.at("wc-counts-store-repartition"), 2);
    EXPECT_EQ(cluster.partitions.at("wc-counts-store-changelog"), 2);
    auto again = prepare_topics(admin, word_count_topology(), config_for("wc"));
    ASSERT_TRUE(again) << again.error().message;

    fake_cluster wrong;
    wrong.create("lines", 2);
    wrong.create("wc-counts-store-changelog", 5);
    fake_admin wrong_admin(wrong);
    auto bad = prepare_topics(wrong_admin, word_count_topology(), config_for("wc"));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("wc-counts-store-changelog has 5 partitions"), std::string::npos)
        << bad.error().message;
}

// Another instance creating the same internal topics at the same moment: our
// CreateTopics hears TOPIC_ALREADY_EXISTS while the broker still makes the
// partitions, so the first Metadata answers do not list them.
class admin_creating_elsewhere final : public admin_client {
public:
    admin_creating_elsewhere(fake_cluster& c, int hidden_answers) : inner_(c), hidden_(hidden_answers) {}
    result<std::map<std::string, int>> partition_counts(const std::set<std::string>& topics,
                                                        std::chrono::milliseconds timeout) override {
        auto counts = inner_.partition_counts(topics, timeout);
        if (counts && created_ && hidden_ > 0) {
            --hidden_;
            ++hidden_answers_given;
            std::erase_if(*counts, [](const auto& kv) { return kv.first.starts_with("wc-"); });
        }
        return counts;
    }
    status create_topics(const std::vector<new_topic>& topics, std::chrono::milliseconds timeout) override {
        created_ = true;
        return inner_.create_topics(topics, timeout);
    }
    int hidden_answers_given = 0;

private:
    fake_admin inner_;
    int hidden_;
    bool created_ = false;
};

TEST(prepare_topics, asks_again_until_internal_topics_made_elsewhere_are_visible) {
    fake_cluster cluster;
    cluster.create("lines", 2);
    admin_creating_elsewhere admin(cluster, 3);
    auto p = prepare_topics(admin, word_count_topology(), config_for("wc"));
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(admin.hidden_answers_given, 3);

    // Never visible: an error within the bound, naming the topics.
    fake_cluster other;
    other.create("lines", 2);
    admin_creating_elsewhere never(other, 1000000);
    auto config = config_for("wc");
    config.request_timeout = std::chrono::milliseconds(300);
    auto gone = prepare_topics(never, word_count_topology(), config);
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, errc::not_found);
    EXPECT_NE(gone.error().message.find("wc-counts-store-repartition"), std::string::npos) << gone.error().message;
}

// Kafka Streams 3.8's TopicPartitionMetadata: the expected strings are what
// Java's encode() gives for the same values (version byte, big-endian
// partition time, then the processor metadata entries), base64.
TEST(topic_partition_metadata, encodes_as_kafka_streams_does) {
    EXPECT_EQ((topic_partition_metadata{1234, {}}).encode(), "AgAAAAAAAATS");
    EXPECT_EQ((topic_partition_metadata{-1, {{"store", 99}}}).encode(), "Av//////////AAAAAQAAAAVzdG9yZQAAAAAAAABj");
}

TEST(topic_partition_metadata, decodes_both_versions_and_round_trips) {
    EXPECT_EQ(topic_partition_metadata::decode("AgAAAAAAAATS"), (topic_partition_metadata{1234, {}}));
    EXPECT_EQ(topic_partition_metadata::decode("AQAAAAAAAABN"), (topic_partition_metadata{77, {}}));
    topic_partition_metadata m{5, {{"a", 1}, {"bb", -7}, {"c-store", 1'700'000'000'000}}};
    EXPECT_EQ(topic_partition_metadata::decode(m.encode()), m);
}

TEST(topic_partition_metadata, unreadable_metadata_reads_as_none) {
    const topic_partition_metadata none;
    EXPECT_EQ(topic_partition_metadata::decode(""), none);
    EXPECT_EQ(topic_partition_metadata::decode("not base64!"), none);
    EXPECT_EQ(topic_partition_metadata::decode("AwAAAAAAAATS"), none);   // version 3
    EXPECT_EQ(topic_partition_metadata::decode("AgAAAA=="), none);       // cut short
    // A count larger than the entries that follow, and a negative key length.
    EXPECT_EQ(topic_partition_metadata::decode("Av//////////AAAAAgAAAAVzdG9yZQAAAAAAAABj"), none);
    EXPECT_EQ(topic_partition_metadata::decode("Av//////////AAAAAf////8="), none);
}

TEST(topic_partition_metadata, processor_metadata_merges_to_the_larger_value) {
    std::map<std::string, int64_t> into{{"a", 5}, {"b", 9}};
    merge_processor_metadata(into, {{"a", 7}, {"b", 2}, {"c", 1}});
    EXPECT_EQ(into, (std::map<std::string, int64_t>{{"a", 7}, {"b", 9}, {"c", 1}}));
}

}  // namespace
}  // namespace samsa::streams
