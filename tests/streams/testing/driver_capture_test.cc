// The test driver's record routing (s15-hE): records captured from the task
// are kept for output topics and those of repartition topics are queued back
// into the task; topics are found by the address of their names first, and
// the commit after each record asks for a checkpoint only when a changelog
// moved. These tests pin what a test sees through all of that.
#include <filesystem>
#include <random>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/streams/streams_builder.h"
#include "samsa/streams/testing/topology_test_driver.h"

namespace samsa::streams {
namespace {

using str = std::string;

consumed<str, str> strings() { return consumed<str, str>::with(serdes::string(), serdes::string()); }

// words re-keyed by value, counted: the count reads a repartition topic.
topology repartitioned_count(store_type stores = store_type::in_memory) {
    streams_builder b;
    b.stream("words", strings())
        .select_key([](const str&, const str& v) { return v; })
        .group_by_key(grouped<str, str>::with(serdes::string(), serdes::string()))
        .count(named{}, materialized<str, int64_t>::as(stores))
        .to_stream()
        .to("counts", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

// lines split into words, each keyed by itself, through a repartition
// topic ("app-words-repartition") to "out"; a word starting with "boom"
// throws after the repartition topic, so what follows it in a line stays
// buffered in the task.
topology words_that_throw_on_boom() {
    streams_builder b;
    b.stream("lines", strings())
        .flat_map([](const str&, const str& v) {
            // "boom-1 second-record-value-2" -> two records, keyed by word.
            std::vector<key_value<str, str>> out;
            size_t at = 0;
            while (at <= v.size()) {
                size_t end = v.find(' ', at);
                if (end == str::npos) end = v.size();
                out.push_back({v.substr(at, end - at), v.substr(at, end - at)});
                at = end + 1;
            }
            return out;
        })
        .repartition(repartitioned<str, str>::as("words"))
        .peek([](const str&, const str& v) {
            if (v.rfind("boom", 0) == 0) throw std::runtime_error("boom");
        })
        .to("out");
    return b.build();
}

const str repartition_topic = "app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition";

TEST(driver_capture, a_repartition_record_is_read_once_and_equal_to_what_the_task_processed) {
    testing::topology_test_driver driver(repartitioned_count(), {{"application.id", "app"}});
    auto words = driver.create_input_topic("words", serdes::string(), serdes::string());
    words.pipe_input("k1", "a", 10);
    words.pipe_input("k2", "b", 20, record_headers{{"h", std::optional<bytes>(to_bytes("x"))}});
    words.pipe_input("k3", "a", 30);

    auto names = driver.produced_topic_names();
    ASSERT_NE(std::find(names.begin(), names.end(), repartition_topic), names.end());
    auto first = driver.create_output_topic(repartition_topic, serdes::string(), serdes::string());
    auto second = driver.create_output_topic(repartition_topic, serdes::string(), serdes::string());
    auto records = first.read_records_to_list();
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0], (testing::test_record<str, str>{"a", "a", 10, {}}));
    EXPECT_EQ(records[1], (testing::test_record<str, str>{"b", "b", 20, {{"h", std::optional<bytes>(to_bytes("x"))}}}));
    EXPECT_EQ(records[2], (testing::test_record<str, str>{"a", "a", 30, {}}));
    // One queue per topic: what one reader took is gone for the other.
    EXPECT_TRUE(first.is_empty());
    EXPECT_TRUE(second.is_empty());

    // And the task read each of them exactly once.
    auto counts = driver.create_output_topic("counts", serdes::string(), serdes::int64());
    auto out = counts.read_key_values_to_list();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].key, "a");
    EXPECT_EQ(out[0].value, 1);
    EXPECT_EQ(out[1].key, "b");
    EXPECT_EQ(out[1].value, 1);
    EXPECT_EQ(out[2].key, "a");
    EXPECT_EQ(out[2].value, 2);
    auto store = driver.get_key_value_store<str, int64_t>("KSTREAM-AGGREGATE-STATE-STORE-0000000002");
    EXPECT_EQ(store.get("a"), 2);
}

TEST(driver_capture, records_captured_before_the_output_topic_is_made_are_read_by_it) {
    testing::topology_test_driver driver(repartitioned_count(), {{"application.id", "app"}});
    auto words = driver.create_input_topic("words", serdes::string(), serdes::string());
    for (int i = 0; i < 5; ++i) words.pipe_input("k", "w" + std::to_string(i % 2), i);
    auto counts = driver.create_output_topic("counts", serdes::string(), serdes::int64());
    EXPECT_EQ(counts.get_queue_size(), 5u);
    words.pipe_input("k", "w0", 9);
    EXPECT_EQ(counts.get_queue_size(), 6u);
    auto last = counts.read_key_values_to_list().back();
    EXPECT_EQ(last.key, "w0");
    EXPECT_EQ(last.value, 4);
    // The changelog is captured too, one record per update.
    auto changelog = driver.create_output_topic("app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog",
                                                serdes::string(), serdes::bytes());
    EXPECT_EQ(changelog.get_queue_size(), 6u);
}

// Topics are found by the address of the name's characters first: a name
// that reuses the address of another (a short string in the same object)
// must still be found by what it says.
TEST(driver_capture, a_topic_name_at_the_address_of_another_is_routed_by_its_text) {
    streams_builder b;
    b.stream("aaaa", strings()).map_values([](const str& v) { return "from-a:" + v; }).to("out");
    b.stream("bbbb", strings()).map_values([](const str& v) { return "from-b:" + v; }).to("out");
    testing::topology_test_driver driver(b.build(), {{"application.id", "app"}});
    auto out = driver.create_output_topic("out", serdes::string(), serdes::string());

    auto pipe = [&](const str& topic, const str& value) {
        internal::raw_record r;
        r.value = to_bytes(value);
        driver.pipe_raw(topic, std::move(r));
    };
    str topic = "aaaa";
    pipe(topic, "1");
    topic.assign("bbbb");  // same object, same size: same characters' address
    pipe(topic, "2");
    topic.assign("cccc");
    EXPECT_THROW(pipe(topic, "3"), std::invalid_argument);
    EXPECT_THROW(pipe(topic, "3"), std::invalid_argument);  // still unknown the second time
    topic.assign("aaaa");
    pipe(topic, "4");
    EXPECT_EQ(out.read_value(), "from-a:1");
    EXPECT_EQ(out.read_value(), "from-b:2");
    EXPECT_EQ(out.read_value(), "from-a:4");
    EXPECT_TRUE(out.is_empty());
}

// A record read back from a repartition topic views the bytes the output
// queue keeps (no copy for the task). A failure can leave such records
// buffered in the task; the test may then read the queue, freeing those
// bytes, before it pipes again and the task processes them: they must
// have been copied first, and come out as they were written.
TEST(driver_capture, records_left_buffered_by_a_failure_keep_their_bytes_when_the_queue_is_read) {
    testing::topology_test_driver driver(words_that_throw_on_boom(), {{"application.id", "app"}});
    auto lines = driver.create_input_topic("lines", serdes::string(), serdes::string());
    auto words = driver.create_output_topic("app-words-repartition", serdes::string(), serdes::string());
    auto out = driver.create_output_topic("out", serdes::string(), serdes::string());

    // The first word's record throws; the second stays in the task.
    EXPECT_THROW(lines.pipe_input("k", "boom-1 second-record-value-2", 1), std::runtime_error);
    EXPECT_TRUE(out.is_empty());
    // Reading the repartition topic frees what it kept.
    ASSERT_EQ(words.get_queue_size(), 2u);
    EXPECT_EQ(words.read_value(), "boom-1");
    EXPECT_EQ(words.read_value(), "second-record-value-2");
    // Bytes of the same sizes, allocated again, with other contents.
    lines.pipe_input("k", "xxxxxx yyyyyyyyyyyyyyyyyyyyy", 2);

    auto got = out.read_records_to_list();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0], (testing::test_record<str, str>{"second-record-value-2", "second-record-value-2", 1, {}}));
    EXPECT_EQ(got[1], (testing::test_record<str, str>{"xxxxxx", "xxxxxx", 2, {}}));
    EXPECT_EQ(got[2], (testing::test_record<str, str>{"yyyyyyyyyyyyyyyyyyyyy", "yyyyyyyyyyyyyyyyyyyyy", 2, {}}));
}

// A piped record's bytes are kept by the driver only until the next one is
// piped (s17-hE): one left buffered behind a failing record must be copied,
// or the next pipe frees what it views.
TEST(driver_capture, a_piped_record_left_buffered_by_a_failure_keeps_its_bytes_when_the_next_is_piped) {
    testing::topology_test_driver driver(words_that_throw_on_boom(), {{"application.id", "app"}});
    auto lines = driver.create_input_topic("lines", serdes::string(), serdes::string());
    auto out = driver.create_output_topic("out", serdes::string(), serdes::string());

    // "boom-2" stays buffered (at time 1) after "boom-1" throws.
    EXPECT_THROW(lines.pipe_input("k", "boom-1 boom-2", 1), std::runtime_error);
    // The piped record waits behind it (time 5), which throws again.
    EXPECT_THROW(lines.pipe_input("k", "first-piped-record-value", 5), std::runtime_error);
    // Bytes of the same size, piped next, with other contents.
    lines.pipe_input("k", "other-piped-record-value", 6);

    auto got = out.read_records_to_list();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], (testing::test_record<str, str>{"first-piped-record-value", "first-piped-record-value", 5, {}}));
    EXPECT_EQ(got[1], (testing::test_record<str, str>{"other-piped-record-value", "other-piped-record-value", 6, {}}));
}

// The commit after each record skips the checkpoint test while no changelog
// moved; a checkpoint must still be written once the changelogs moved more
// than 10,000 records since the last one (Kafka's checkpoint delta).
TEST(driver_capture, a_checkpoint_is_written_once_the_changelogs_moved_enough) {
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("samsa-capture-test-" + std::to_string(rd()));
    {
        testing::topology_test_driver driver(repartitioned_count(store_type::rocksdb),
                                             {{"application.id", "app"}, {"state.dir", dir.string()}});
        auto words = driver.create_input_topic("words", serdes::string(), serdes::string());
        const auto checkpoint = dir / "app" / "0_0" / ".checkpoint";
        for (int i = 0; i < 100; ++i) words.pipe_input("k", "w" + std::to_string(i), i);
        EXPECT_FALSE(std::filesystem::exists(checkpoint));
        for (int i = 100; i < 10'002; ++i) words.pipe_input("k", "w" + std::to_string(i), i);
        EXPECT_TRUE(std::filesystem::exists(checkpoint));
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace samsa::streams
