// ktable::suppress in the test driver, with caching off, against Kafka
// Streams 3.8's rules (cases after SuppressScenarioTest and
// KTableSuppressProcessorTest): emission by stream time, one emission per
// key per wait, eviction by max_records / max_bytes, shut_down_when_full,
// tombstones, the suppressed table's value getter, names, the buffer's
// changelog (Kafka's version-3 format) and its restoration.
#include <limits>
#include <random>

#include "driver_fixture.h"
#include "samsa/bytes/big_endian.h"
#include "samsa/streams/errors.h"
#include "samsa/streams/serdes/windowed.h"
#include "samsa/streams/time_windowed_kstream.h"
#include "samsa/streams/state/in_memory_time_ordered_key_value_change_buffer.h"
#include "state/recording_changelog_sink.h"

namespace samsa::streams::test {
namespace {

using namespace std::chrono_literals;
using buffer = in_memory_time_ordered_key_value_change_buffer;

materialized<str, int64_t> counts_without_cache() {
    return materialized<str, int64_t>::with(serdes::string(), serdes::int64()).with_caching_disabled();
}

// A source table whose store has no cache (suppress materializes it).
ktable<str, str> uncached_table(streams_builder& b, const std::string& topic) {
    return b.table(topic, strings(), materialized<str, str>::as(store_type::in_memory).with_caching_disabled());
}

struct kvl {
    str key;
    std::optional<int64_t> value;
    int64_t timestamp;
    bool operator==(const kvl&) const = default;
};

std::ostream& operator<<(std::ostream& os, const kvl& r) {
    return os << "(" << r.key << ", " << (r.value ? std::to_string(*r.value) : "null") << ", " << r.timestamp << ")";
}

std::vector<kvl> drain_counts(testing::test_output_topic<str, int64_t>& out) {
    std::vector<kvl> v;
    for (auto& r : out.read_records_to_list()) v.push_back({r.key.value_or("null"), r.value, r.timestamp});
    return v;
}

// Kafka's SuppressScenarioTest program: counts of values, raw and suppressed.
struct value_counts {
    value_counts(const suppressed<str>& s) {
        streams_builder b;
        auto counts = uncached_table(b, "input")
                          .group_by([](const str& k, const str& v) { return key_value<str, str>{v, k}; })
                          .count(named{}, counts_without_cache());
        auto long_out = produced<str, int64_t>::with(serdes::string(), serdes::int64());
        counts.suppress(s).to_stream().to("output-suppressed", long_out);
        counts.to_stream().to("output-raw", long_out);
        f.emplace(b.build(), "suppress-scenario");
        input.emplace(f->input("input"));
        raw.emplace(f->driver.create_output_topic("output-raw", serdes::string(), serdes::int64()));
        suppressed_out.emplace(f->driver.create_output_topic("output-suppressed", serdes::string(), serdes::int64()));
    }
    std::optional<driver_fixture> f;
    std::optional<testing::test_input_topic<str, str>> input;
    std::optional<testing::test_output_topic<str, int64_t>> raw, suppressed_out;
};

TEST(suppress, zero_time_limit_emits_every_update_at_once) {
    value_counts t(suppressed<str>::until_time_limit(0ms, buffer_config::unbounded()));
    t.input->pipe_input("k1", "v1", 0);
    t.input->pipe_input("k1", "v2", 1);
    t.input->pipe_input("k2", "v1", 2);
    std::vector<kvl> expected{{"v1", 1, 0}, {"v1", 0, 1}, {"v2", 1, 1}, {"v1", 1, 2}};
    EXPECT_EQ(drain_counts(*t.raw), expected);
    EXPECT_EQ(drain_counts(*t.suppressed_out), expected);
}

TEST(suppress, time_limit_holds_updates_until_stream_time_passes_it) {
    value_counts t(suppressed<str>::until_time_limit(2ms, buffer_config::unbounded()));
    t.input->pipe_input("k1", "v1", 0);
    t.input->pipe_input("k1", "v2", 1);
    t.input->pipe_input("k2", "v1", 2);
    EXPECT_EQ(drain_counts(*t.raw), (std::vector<kvl>{{"v1", 1, 0}, {"v1", 0, 1}, {"v2", 1, 1}, {"v1", 1, 2}}));
    // v1 was first buffered at 0: at stream time 2 its latest update goes out,
    // once; v2 (buffered at 1) waits.
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"v1", 1, 2}}));
    t.input->pipe_input("tick", "tick", 3);
    EXPECT_EQ(drain_counts(*t.raw), (std::vector<kvl>{{"tick", 1, 3}}));
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"v2", 1, 1}}));
    t.input->pipe_input("tick", "tick", 4);
    // (Whether the re-keying sends one update or a subtract and an add for
    // an unchanged key is the aggregation's business; suppress sees the
    // same count either way.)
    EXPECT_EQ(drain_counts(*t.raw).back(), (kvl{"tick", 1, 4}));
    // tick was first buffered at 3; updating it did not restart its wait,
    // and stream time 4 is not past 3 + 2.
    EXPECT_TRUE(t.suppressed_out->is_empty());
    t.input->pipe_input("tock", "tock", 5);
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"tick", 1, 4}}));
}

TEST(suppress, time_limit_is_stream_time_not_wall_clock) {
    value_counts t(suppressed<str>::until_time_limit(10ms, buffer_config::unbounded()));
    t.input->pipe_input("k1", "v1", 100);
    t.f->driver.advance_wall_clock_time(1h);
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{}));
    // An older record does not move stream time; it waits from its own
    // timestamp, and one already past the limit goes out at once.
    t.input->pipe_input("k2", "v2", 95);
    t.input->pipe_input("k4", "v4", 50);
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"v4", 1, 50}}));
    t.input->pipe_input("k3", "v3", 105);
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"v2", 1, 95}}));
    t.input->pipe_input("k5", "v5", 110);
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"v1", 1, 100}}));
}

TEST(suppress, max_records_emits_the_oldest_early) {
    value_counts t(suppressed<str>::until_time_limit(std::chrono::milliseconds::max(),
                                                     buffer_config::max_records(1).emit_early_when_full()));
    t.input->pipe_input("k1", "v1", 0);
    t.input->pipe_input("k1", "v2", 1);
    t.input->pipe_input("k2", "v1", 2);
    EXPECT_EQ(drain_counts(*t.raw), (std::vector<kvl>{{"v1", 1, 0}, {"v1", 0, 1}, {"v2", 1, 1}, {"v1", 1, 2}}));
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"v1", 0, 1}, {"v2", 1, 1}}));
    t.input->pipe_input("x", "x", 3);
    EXPECT_EQ(drain_counts(*t.raw), (std::vector<kvl>{{"x", 1, 3}}));
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"v1", 1, 2}}));
}

TEST(suppress, max_records_is_eager_by_default) {
    value_counts t(suppressed<str>::until_time_limit(1h, buffer_config::max_records(1)));
    t.input->pipe_input("k1", "v1", 0);
    t.input->pipe_input("k2", "v2", 1);
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"v1", 1, 0}}));
}

// Entry sizes by Kafka's estimate for a table read from topic "in":
// 8 (buffer time) + key + prior + old (when not equal to prior) + new +
// context (8 timestamp + 8 offset + 4 partition + 2 topic chars).
TEST(suppress, max_bytes_counts_kafkas_size_estimate) {
    streams_builder b;
    uncached_table(b, "in")
        .suppress(suppressed<str>::until_time_limit(1h, buffer_config::max_bytes(64).emit_early_when_full()))
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("a", "1", 0);  // 8 + 1 + 0 + 0 + 1 + 22 = 32
    in.pipe_input("b", "1", 1);  // 32: 64 in all, not over
    EXPECT_TRUE(out.is_empty());
    in.pipe_input("c", "1", 2);  // 96 > 64: the oldest (a) goes
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", "1", 0}}));
    in.pipe_input("b", "22", 3);  // b: old "1", new "22" -> 34; 66 > 64: b goes
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"b", "22", 3}}));
    in.pipe_input("d", "1", 4);  // c 32 + d 32 = 64
    EXPECT_TRUE(out.is_empty());
    // A header adds its key's chars and value's bytes: 32 + 1 + 3 = 36.
    in.pipe_input("e", "1", 5, record_headers{record_header{"h", to_bytes("xyz")}});
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"c", "1", 2}, {"d", "1", 4}}));
}

TEST(suppress, shut_down_when_full_fails_the_task) {
    streams_builder b;
    uncached_table(b, "in")
        .suppress(suppressed<str>::until_time_limit(1h, buffer_config::max_records(1).shut_down_when_full()))
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    in.pipe_input("a", "1", 0);
    in.pipe_input("a", "2", 1);  // the same key: still one record
    try {
        in.pipe_input("b", "1", 2);
        FAIL() << "a full buffer under shut_down_when_full must throw";
    } catch (const streams_exception& e) {
        // a: prior "" none, old "1", new "2" -> 8+1+0+1+1+22 = 33; b: 32.
        EXPECT_EQ(std::string(e.what()),
                  "KTABLE-SUPPRESS-0000000003 buffer exceeded its max capacity. Currently [2/1] records and [65/" +
                      std::to_string(std::numeric_limits<int64_t>::max()) + "] bytes.");
    }
    EXPECT_TRUE(f.output("out").is_empty());
}

TEST(suppress, max_bytes_shut_down_when_full) {
    streams_builder b;
    uncached_table(b, "in")
        .suppress(suppressed<str>::until_time_limit(1h, buffer_config::max_bytes(40).shut_down_when_full()))
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    in.pipe_input("a", "1", 0);
    EXPECT_THROW(in.pipe_input("b", "1", 1), streams_exception);
}

TEST(suppress, time_limit_emits_tombstones) {
    streams_builder b;
    uncached_table(b, "in")
        .suppress(suppressed<str>::until_time_limit(10ms, buffer_config::unbounded()))
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("a", "1", 0);
    in.pipe_input("a", std::nullopt, 1);
    in.pipe_input("b", "1", 2);
    in.pipe_input("b", "2", 3);
    in.pipe_input("tick", "t", 12);
    // a's latest update is its deletion: suppress keeps and emits it.
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", std::nullopt, 1}, {"b", "2", 3}}));
}

TEST(suppress, keeps_the_headers_and_timestamp_of_the_latest_update) {
    streams_builder b;
    uncached_table(b, "in")
        .suppress(suppressed<str>::until_time_limit(5ms, buffer_config::unbounded()))
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("a", "1", 0, record_headers{record_header{"n", to_bytes("first")}});
    in.pipe_input("a", "2", 2, record_headers{record_header{"n", to_bytes("second")}, record_header{"z", std::nullopt}});
    in.pipe_input("b", "1", 5);
    auto r = out.read_record();
    EXPECT_EQ(r.key, "a");
    EXPECT_EQ(r.value, "2");
    EXPECT_EQ(r.timestamp, 2);
    EXPECT_EQ(r.headers, (record_headers{record_header{"n", to_bytes("second")}, record_header{"z", std::nullopt}}));
    EXPECT_TRUE(out.is_empty());
}

// The suppressed table, read by a stream-table join, shows what it last
// emitted: a held-back key reads as its prior value (Kafka's
// priorValueForBuffered), an emitted one as the table upstream.
TEST(suppress, value_getter_shows_the_prior_value_of_buffered_keys) {
    streams_builder b;
    auto table = uncached_table(b, "table").suppress(suppressed<str>::until_time_limit(10ms, buffer_config::unbounded()));
    b.stream("stream", strings()).left_join(table, [](const str& s, const opt& t) { return s + "+" + t.value_or("null"); })
        .to("joined");
    driver_fixture f(b.build());
    auto t = f.input("table");
    auto s = f.input("stream");
    auto joined = f.output("joined");
    t.pipe_input("a", "1", 0);
    s.pipe_input("a", "x", 1);  // a buffered, nothing emitted before it: no row
    t.pipe_input("tick", "t", 10);
    s.pipe_input("a", "y", 10);  // a emitted at 10: the upstream row
    t.pipe_input("a", "2", 11);
    s.pipe_input("a", "z", 12);  // a buffered again: its prior value is "1"
    EXPECT_EQ(drain(joined), (std::vector<kvt>{{"a", "x+null", 1}, {"a", "y+1", 10}, {"a", "z+1", 12}}));
}

// A suppressed table feeding a re-grouping: the emitted changes carry their
// old values (the parent is asked for them), so the count moves a key from
// one group to the other only when suppress lets the change out.
TEST(suppress, emitted_changes_carry_old_values_downstream) {
    streams_builder b;
    uncached_table(b, "in")
        .suppress(suppressed<str>::until_time_limit(10ms, buffer_config::unbounded()))
        .group_by([](const str& k, const str& v) { return key_value<str, str>{v, k}; })
        .count(named{}, counts_without_cache())
        .to_stream()
        .to("out", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.driver.create_output_topic("out", serdes::string(), serdes::int64());
    in.pipe_input("a", "x", 0);
    in.pipe_input("b", "y", 10);  // a (buffered at 0) goes out
    EXPECT_EQ(drain_counts(out), (std::vector<kvl>{{"x", 1, 0}}));
    in.pipe_input("a", "z", 11);
    EXPECT_TRUE(out.is_empty());
    in.pipe_input("c", "w", 21);  // b (at 10), then a (at 11): x -> z
    EXPECT_EQ(drain_counts(out), (std::vector<kvl>{{"y", 1, 10}, {"x", 0, 11}, {"z", 1, 11}}));
}

TEST(suppress, names_processor_and_store_as_kafka) {
    streams_builder b;
    b.table("in", strings())
        .suppress(suppressed<str>::until_time_limit(1ms, buffer_config::unbounded()))
        .to_stream()
        .to("out");
    b.table("in2", strings())
        .suppress(suppressed<str>::until_time_limit(1ms, buffer_config::unbounded()).with_name("my-suppress"))
        .to_stream()
        .to("out2");
    std::string d = b.build().describe().to_string();
    // The source table is materialized for the buffer's old values; the
    // processor takes its index before the store; a named suppression's
    // store is <name>-store and takes no index.
    EXPECT_NE(d.find("Processor: KTABLE-SUPPRESS-0000000003 (stores: [KTABLE-SUPPRESS-STATE-STORE-0000000004])\n"
                     "      --> KTABLE-TOSTREAM-0000000005\n"
                     "      <-- KTABLE-SOURCE-0000000002\n"),
              std::string::npos)
        << d;
    EXPECT_NE(d.find("Processor: my-suppress (stores: [my-suppress-store])\n"
                     "      --> KTABLE-TOSTREAM-0000000010\n"),
              std::string::npos)
        << d;
    EXPECT_NE(d.find("Processor: KTABLE-SOURCE-0000000002 (stores: [in-STATE-STORE-0000000000])"), std::string::npos)
        << d;
}

TEST(suppress, logs_the_buffer_in_kafkas_format_at_commit) {
    streams_builder b;
    uncached_table(b, "in")
        .suppress(suppressed<str>::until_time_limit(5ms, buffer_config::unbounded()).with_name("sup"))
        .to_stream()
        .to("out");
    driver_fixture f(b.build(), "app");
    auto in = f.input("in");
    auto changelog = f.driver.create_output_topic("app-sup-store-changelog", serdes::string(), serdes::bytes());
    in.pipe_input("a", "1", 3);
    auto r = changelog.read_record();
    EXPECT_EQ(r.key, "a");
    EXPECT_EQ(r.headers, (record_headers{record_header{"v", bytes{3}}}));
    // context: ts 3, offset 0, topic "in", partition 0, no headers; prior
    // null, old null, new "1"; buffer time 3.
    bytes expected;
    auto i64 = [&](int64_t v) {
        uint8_t b8[8];
        put_be64(b8, static_cast<uint64_t>(v));
        expected.insert(expected.end(), b8, b8 + 8);
    };
    auto i32 = [&](int32_t v) {
        uint8_t b4[4];
        put_be32(b4, static_cast<uint32_t>(v));
        expected.insert(expected.end(), b4, b4 + 4);
    };
    i64(3), i64(0), i32(2), expected.push_back('i'), expected.push_back('n'), i32(0), i32(0);
    i32(-1), i32(-1), i32(1), expected.push_back('1'), i64(3);
    EXPECT_EQ(r.value, expected);
    EXPECT_TRUE(changelog.is_empty());
    // Updated, then emitted at 8: the update is logged, then a tombstone.
    in.pipe_input("a", "2", 4);
    auto update = buffer::deserialize(*changelog.read_record().value);
    EXPECT_EQ(update.first.prior_value, std::nullopt);
    EXPECT_EQ(update.first.old_value, to_bytes("1"));
    EXPECT_EQ(update.first.new_value, to_bytes("2"));
    EXPECT_EQ(update.first.context.timestamp, 4);
    EXPECT_EQ(update.first.context.offset, 1);
    EXPECT_EQ(update.second, 3);  // the buffer time does not move
    in.pipe_input("b", "1", 8);
    auto logged = changelog.read_records_to_list();
    ASSERT_EQ(logged.size(), 2u);
    EXPECT_EQ(logged[0].key, "a");
    EXPECT_EQ(logged[0].value, std::nullopt);
    EXPECT_EQ(logged[1].key, "b");
    EXPECT_EQ(f.output("out").read_value(), "2");
}

TEST(suppress, logging_can_be_disabled) {
    streams_builder b;
    uncached_table(b, "in")
        .suppress(suppressed<str>::until_time_limit(5ms, buffer_config::unbounded().with_logging_disabled())
                      .with_name("sup"))
        .to_stream()
        .to("out");
    driver_fixture f(b.build(), "app");
    f.input("in").pipe_input("a", "1", 3);
    EXPECT_EQ(f.output("out").get_queue_size(), 0u);
    for (const auto& topic : f.driver.produced_topic_names()) EXPECT_EQ(topic.find("sup-store"), std::string::npos);
    EXPECT_FALSE(f.driver.state_store("sup-store").persistent());
}

// A reference model of Kafka's rules for until_time_limit over a source
// table from topic "in" (no headers), written as plainly as possible: a list
// of entries scanned linearly, sizes summed from scratch.
struct reference_suppression {
    struct entry {
        str key;
        int64_t time;
        opt prior, old_value, new_value;
        int64_t timestamp;
    };
    int64_t wait, max_records, max_bytes;
    bool shut_down;
    std::map<str, str> table;
    std::vector<entry> entries;
    int64_t stream_time = -1;
    std::vector<kvt> out;

    static int64_t len(const opt& v) { return v ? static_cast<int64_t>(v->size()) : 0; }
    int64_t bytes_used() const {
        int64_t sum = 0;
        for (const auto& e : entries) {
            sum += 8 + static_cast<int64_t>(e.key.size()) + len(e.prior) + len(e.new_value) + 22;
            if (e.old_value && e.old_value != e.prior) sum += len(e.old_value);
        }
        return sum;
    }
    size_t oldest() const {
        size_t best = 0;
        for (size_t i = 1; i < entries.size(); ++i) {
            const auto& a = entries[i];
            const auto& b = entries[best];
            if (a.time < b.time || (a.time == b.time && a.key < b.key)) best = i;
        }
        return best;
    }
    void emit_oldest() {
        size_t i = oldest();
        out.push_back({entries[i].key, entries[i].new_value, entries[i].timestamp});
        entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
    }
    // Returns false where Kafka would shut down.
    bool update(const str& key, const opt& value, int64_t ts) {
        opt old;
        if (auto it = table.find(key); it != table.end()) old = it->second;
        if (value) table[key] = *value;
        else table.erase(key);
        stream_time = std::max(stream_time, ts);
        auto it = std::find_if(entries.begin(), entries.end(), [&](const entry& e) { return e.key == key; });
        if (it == entries.end()) entries.push_back({key, ts, old, old, value, ts});
        else it->old_value = old, it->new_value = value, it->timestamp = ts;
        while (!entries.empty() && entries[oldest()].time <= stream_time - wait) emit_oldest();
        auto over = [&] { return static_cast<int64_t>(entries.size()) > max_records || bytes_used() > max_bytes; };
        if (!over()) return true;
        if (shut_down) return false;
        while (!entries.empty() && over()) emit_oldest();
        return true;
    }
};

// Random updates (out-of-order timestamps, tombstones, a few keys so they
// repeat) under random buffer configs: the operator's output equals the
// model's, record for record.
TEST(suppress, random_updates_match_the_reference_model) {
    std::mt19937 rng(20261202);
    int shut_downs = 0;
    size_t emitted = 0;
    for (int round = 0; round < 40; ++round) {
        int64_t wait = std::uniform_int_distribution<int64_t>(0, 30)(rng);
        int kind = round % 4;
        int64_t max_records = kind == 1 ? std::uniform_int_distribution<int64_t>(1, 4)(rng) : buffer_config::no_limit;
        int64_t max_bytes = kind == 2 ? std::uniform_int_distribution<int64_t>(30, 120)(rng) : buffer_config::no_limit;
        bool shut_down = kind == 3;
        if (shut_down) max_records = 3;
        buffer_config config = kind == 0   ? static_cast<buffer_config>(buffer_config::unbounded())
                               : kind == 1 ? static_cast<buffer_config>(buffer_config::max_records(max_records))
                               : kind == 2 ? static_cast<buffer_config>(buffer_config::max_bytes(max_bytes))
                                           : static_cast<buffer_config>(
                                                 buffer_config::max_records(max_records).shut_down_when_full());
        streams_builder b;
        uncached_table(b, "in")
            .suppress(suppressed<str>::until_time_limit(std::chrono::milliseconds(wait), config))
            .to_stream()
            .to("out");
        driver_fixture f(b.build());
        auto in = f.input("in");
        auto out = f.output("out");
        reference_suppression model{wait, max_records, max_bytes, shut_down};
        int64_t time = 0;
        for (int i = 0; i < 60; ++i) {
            str key = "k" + std::to_string(std::uniform_int_distribution<int>(0, 7)(rng));
            opt value;
            if (std::uniform_int_distribution<int>(0, 5)(rng) != 0) {
                value = str(std::uniform_int_distribution<size_t>(1, 6)(rng), static_cast<char>('a' + i % 26));
            }
            time += std::uniform_int_distribution<int64_t>(0, 6)(rng);
            int64_t ts = std::max<int64_t>(0, time - std::uniform_int_distribution<int64_t>(0, 12)(rng));
            bool model_ok = model.update(key, value, ts);
            if (!model_ok) {
                EXPECT_THROW(in.pipe_input(key, value, ts), streams_exception) << "round " << round << " step " << i;
                ++shut_downs;
                break;
            }
            ASSERT_NO_THROW(in.pipe_input(key, value, ts)) << "round " << round << " step " << i;
        }
        emitted += model.out.size();
        EXPECT_EQ(drain(out), model.out) << "round " << round << " wait " << wait << " kind " << kind;
    }
    // The rounds did exercise emission and shutting down.
    EXPECT_GT(emitted, 400u);
    EXPECT_GT(shut_downs, 3);
}

// ---- until_window_closes ----

using wkey = windowed<str>;

str window_string(const wkey& k) {
    return k.key() + "@" + std::to_string(k.window().start()) + "/" + std::to_string(k.window().end());
}

// Final results of a windowed count: key "k@start/end", value the count.
struct final_counts {
    template<class Windows>
    explicit final_counts(Windows windows) {
        streams_builder b;
        auto counts = b.stream("input", strings())
                          .group_by_key()
                          .windowed_by(windows)
                          .count(named{}, materialized<str, int64_t>{}.with_caching_disabled());
        // Takes key and value as optionals, so tombstones are re-keyed too.
        auto keyed = [](const std::optional<wkey>& k, const std::optional<int64_t>&) { return window_string(*k); };
        auto long_out = produced<str, int64_t>::with(serdes::string(), serdes::int64());
        counts.to_stream().select_key(keyed).to("output-raw", long_out);
        counts.suppress(suppressed<wkey>::until_window_closes(buffer_config::unbounded()))
            .to_stream()
            .select_key(keyed)
            .to("output-suppressed", long_out);
        f.emplace(b.build(), "final-results");
        input.emplace(f->input("input"));
        raw.emplace(f->driver.create_output_topic("output-raw", serdes::string(), serdes::int64()));
        suppressed_out.emplace(f->driver.create_output_topic("output-suppressed", serdes::string(), serdes::int64()));
    }
    std::optional<driver_fixture> f;
    std::optional<testing::test_input_topic<str, str>> input;
    std::optional<testing::test_output_topic<str, int64_t>> raw, suppressed_out;
};

// Kafka's SuppressScenarioTest.shouldSupportFinalResultsForTimeWindows.
TEST(suppress_window, tumbling_count_emits_one_final_result_per_window) {
    final_counts t(time_windows::of_size_and_grace(2, 1));
    t.input->pipe_input("k1", "v1", 0);
    t.input->pipe_input("k1", "v1", 1);
    t.input->pipe_input("k1", "v1", 2);
    t.input->pipe_input("k1", "v1", 1);
    t.input->pipe_input("k1", "v1", 0);
    t.input->pipe_input("k1", "v1", 5);
    t.input->pipe_input("k1", "v1", 0);  // late: the windowed count drops it
    EXPECT_EQ(drain_counts(*t.raw), (std::vector<kvl>{{"k1@0/2", 1, 0},
                                                      {"k1@0/2", 2, 1},
                                                      {"k1@2/4", 1, 2},
                                                      {"k1@0/2", 3, 1},
                                                      {"k1@0/2", 4, 1},
                                                      {"k1@4/6", 1, 5}}));
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"k1@0/2", 4, 1}, {"k1@2/4", 1, 2}}));
}

// Many keys and windows, out of order within the grace: every window that
// closes gives exactly one record, its last count, once stream time reaches
// end + grace, in buffer-time (window end) then key-bytes order.
TEST(suppress_window, hopping_count_final_results_in_window_end_order) {
    final_counts t(time_windows::of_size_and_grace(10, 5).advance_by(5));
    t.input->pipe_input("b", "x", 3);   // [0,10) [-5,5) -> windows start >= 0: [0,10)
    t.input->pipe_input("a", "x", 7);   // [0,10) [5,15)
    t.input->pipe_input("a", "x", 12);  // [5,15) [10,20)
    t.input->pipe_input("b", "x", 4);   // [0,10) again
    EXPECT_TRUE(t.suppressed_out->is_empty());
    t.input->pipe_input("c", "x", 15);  // stream time 15: windows ending at 10 close
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"a@0/10", 1, 7}, {"b@0/10", 2, 4}}));
    t.input->pipe_input("c", "x", 19);
    EXPECT_TRUE(t.suppressed_out->is_empty());
    t.input->pipe_input("c", "x", 40);
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"a@5/15", 2, 12},
                                                                 {"a@10/20", 1, 12},
                                                                 {"c@10/20", 2, 19},
                                                                 {"c@15/25", 2, 19}}));
}

// Kafka's SuppressScenarioTest.shouldSupportFinalResultsForSessionWindows:
// the wait is grace + inactivity gap, and the tombstones of merged-away
// sessions are dropped.
TEST(suppress_window, session_count_final_results_drop_merged_away_sessions) {
    final_counts t(session_windows::of_inactivity_gap_and_grace(5, 0));
    t.input->pipe_input("k1", "v1", 0);
    t.input->pipe_input("k1", "v1", 5);
    t.input->pipe_input("k1", "v1", 1);
    t.input->pipe_input("k2", "v1", 11);
    t.input->pipe_input("k1", "v1", 5);  // late
    t.input->pipe_input("k1", "v1", 30);
    EXPECT_EQ(drain_counts(*t.raw), (std::vector<kvl>{{"k1@0/0", 1, 0},
                                                      {"k1@0/0", std::nullopt, 0},
                                                      {"k1@0/5", 2, 5},
                                                      {"k1@0/5", std::nullopt, 5},
                                                      {"k1@0/5", 3, 5},
                                                      {"k2@11/11", 1, 11},
                                                      {"k1@30/30", 1, 30}}));
    EXPECT_EQ(drain_counts(*t.suppressed_out), (std::vector<kvl>{{"k1@0/5", 3, 5}, {"k2@11/11", 1, 11}}));
}

TEST(suppress_window, named_final_results_topology) {
    streams_builder b;
    b.stream("in", strings())
        .group_by_key()
        .windowed_by(time_windows::of_size_with_no_grace(10))
        .count()
        .suppress(suppressed<wkey>::until_window_closes(buffer_config::max_records(5).shut_down_when_full())
                      .with_name("final"))
        .to_stream()
        .select_key([](const wkey& k, const int64_t&) { return k.key(); })
        .to("out", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    topology topo = b.build();
    std::string d = topo.describe().to_string();
    EXPECT_NE(d.find("Processor: final (stores: [final-store])"), std::string::npos) << d;
    driver_fixture f(std::move(topo), "app");
    auto in = f.input("in");
    // (a stream source reads the topic)
    for (int i = 0; i < 5; ++i) in.pipe_input("k" + std::to_string(i), "v", 1);
    // A sixth window over max_records(5): strict configs never emit early.
    EXPECT_THROW(in.pipe_input("k5", "v", 2), streams_exception);
}

// Any ktable<windowed<K>, V> fed by a windowed computation works: here a
// table of windowed keys read from a topic, marked with a grace as a
// windowed aggregation marks its node.
TEST(suppress_window, works_on_any_windowed_table) {
    streams_builder b;
    auto ks = serdes::time_windowed<str>(serdes::string(), 10);
    auto table = b.table("win", consumed<wkey, str>::with(ks, serdes::string()),
                         materialized<wkey, str>::as(store_type::in_memory).with_caching_disabled());
    table.internal_state().node->window_grace_ms = 5;
    table.suppress(suppressed<wkey>::until_window_closes(buffer_config::unbounded()))
        .to_stream()
        .select_key([](const wkey& k, const str&) { return window_string(k); })
        .to("out");
    driver_fixture f(b.build());
    auto in = f.driver.create_input_topic("win", ks, serdes::string());
    auto out = f.output("out");
    auto w = [](int64_t start) { return wkey{"k", window::time(start, start + 10)}; };
    in.pipe_input(w(0), "1", 1);
    in.pipe_input(w(0), "2", 3);
    in.pipe_input(w(10), "1", 12);
    EXPECT_TRUE(out.is_empty());  // window end 10 + grace 5 > stream time 12
    in.pipe_input(w(10), "2", 15);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k@0/10", "2", 3}}));
    in.pipe_input(w(20), "1", 21);
    in.pipe_input(w(20), std::nullopt, 22);  // the window's row deleted
    in.pipe_input(w(50), "1", 35);
    // [10,20) closes with its last value; [20,30)'s final state is a
    // tombstone, which a final-results suppression drops.
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k@10/20", "2", 15}}));
}

TEST(suppress_window, needs_a_windowed_computation_upstream) {
    streams_builder b;
    auto ks = serdes::time_windowed<str>(serdes::string(), 10);
    auto table = b.table("win", consumed<wkey, str>::with(ks, serdes::string()));
    try {
        table.suppress(suppressed<wkey>::until_window_closes(buffer_config::unbounded()));
        FAIL() << "until_window_closes without a windowed aggregation upstream must throw";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()),
                  "Invalid topology: Window close time is only defined for windowed computations. Got "
                  "[root->KTABLE-SOURCE-0000000002].");
    }
}

// The buffer rebuilt from its changelog holds what the first one held: the
// same entries, buffer times, prior values and eviction order.
TEST(suppression_buffer, restores_from_its_changelog) {
    testing::recording_changelog_sink sink;
    testing::test_records records;
    store_context ctx;
    ctx.application_id = "app";
    ctx.changelog = &sink;
    ctx.records = &records;
    buffer first("buf", true);
    ASSERT_TRUE(first.init(ctx));
    buffered_record_context c{7, 3, "in", 0, {record_header{"h", to_bytes("v")}}};
    auto bv = [](const char* s) { return std::optional<bytes_view>(as_bytes(s)); };
    first.put(10, as_bytes("k1"), std::nullopt, bv("a"), c);
    first.put(5, as_bytes("k2"), bv("old"), bv("b"), c);
    first.put(20, as_bytes("k1"), bv("a"), bv("aa"), c);  // keeps time 10, prior null
    first.put(6, as_bytes("k3"), bv("x"), std::nullopt, c);
    first.flush_cache();
    // Evict k2; the commit logs its tombstone.
    first.evict_while([&] { return first.min_timestamp() <= 5; }, [](const buffer::eviction&) {});
    first.flush_cache();
    ASSERT_EQ(sink.records.size(), 4u);
    EXPECT_EQ(sink.records.back().key, to_bytes("k2"));
    EXPECT_EQ(sink.records.back().value, std::nullopt);

    buffer second("buf", true);
    ASSERT_TRUE(second.init(ctx));
    for (const auto& r : sink.records) {
        second.restore(r.key, r.value ? std::optional<bytes_view>(*r.value) : std::nullopt, r.timestamp);
    }
    EXPECT_EQ(second.num_records(), 2);
    EXPECT_EQ(second.buffer_size(), first.buffer_size());
    EXPECT_EQ(second.min_timestamp(), 6);
    EXPECT_EQ(second.get(as_bytes("k1")), first.get(as_bytes("k1")));
    EXPECT_EQ(second.get(as_bytes("k3")), first.get(as_bytes("k3")));
    ASSERT_TRUE(second.prior_value_for_buffered(as_bytes("k1")).has_value());
    EXPECT_FALSE(second.prior_value_for_buffered(as_bytes("k1"))->has_value());
    EXPECT_FALSE(second.prior_value_for_buffered(as_bytes("k2")).has_value());
    // Restoring logs nothing.
    size_t logged = sink.records.size();
    second.flush_cache();
    EXPECT_EQ(sink.records.size(), logged);
    std::vector<std::string> order;
    second.evict_while([] { return true; }, [&](const buffer::eviction& e) {
        order.push_back(std::string(as_chars(e.key)));
        EXPECT_EQ(e.context, c);
    });
    EXPECT_EQ(order, (std::vector<std::string>{"k3", "k1"}));
    EXPECT_EQ(second.num_records(), 0);
    EXPECT_EQ(second.buffer_size(), 0);
}

TEST(suppression_buffer, old_equal_to_prior_is_written_once) {
    buffer::buffer_value v;
    v.prior_value = to_bytes("p");
    v.old_value = to_bytes("p");
    v.new_value = to_bytes("n");
    v.context = buffered_record_context{1, 2, "t", 0, {}};
    bytes data = buffer::serialize(v, 9);
    // context 8+8+4+1+4+4, prior 4+1, old sentinel -2, new 4+1, time 8
    ASSERT_EQ(data.size(), 29u + 5 + 4 + 5 + 8);
    EXPECT_EQ(get_be32(data.data() + 29 + 5), static_cast<uint32_t>(-2));
    auto [back, time] = buffer::deserialize(data);
    EXPECT_EQ(back, v);
    EXPECT_EQ(time, 9);
    data.push_back(0);
    EXPECT_THROW(buffer::deserialize(data), state_store_error);
    EXPECT_THROW(buffer::deserialize(bytes{1, 2, 3}), state_store_error);
}

}  // namespace
}  // namespace samsa::streams::test
