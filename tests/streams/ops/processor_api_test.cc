// The Processor API: a processor with init/process/close, forwarding, record
// metadata, a state store, stream-time and wall-clock punctuation; both
// inside the DSL (kstream::process) and in a hand-built topology.
#include "driver_fixture.h"

namespace samsa::streams::test {
namespace {

// Counts per key in a store; emits the counts on stream-time punctuation and
// a heartbeat on wall-clock punctuation.
class counting_processor final : public processor<str, str, str, str> {
public:
    void init(processor_context<str, str>& ctx) override {
        ctx_ = &ctx;
        store_.emplace(ctx.get_key_value_store<str, int64_t>("counts", serdes::string(), serdes::int64()));
        ctx.schedule(std::chrono::milliseconds(10), punctuation_type::stream_time, [this](int64_t t) {
            for (auto it = store_->all(); it->has_next();) {
                auto kv = it->next();
                ctx_->forward(record<str, str>{kv.key, "count=" + std::to_string(kv.value), t, {}});
            }
        });
        ctx.schedule(std::chrono::milliseconds(100), punctuation_type::wall_clock_time, [this](int64_t t) {
            ctx_->forward(record<str, str>{str("tick"), std::to_string(t), t, {}});
        });
    }
    void process(const record<str, str>& r) override {
        const auto& m = ctx_->record_metadata();
        ASSERT_TRUE(m.has_value());
        last_topic = m->topic;
        last_offset = m->offset;
        store_->put(*r.key, store_->get(*r.key).value_or(0) + 1);
    }
    static inline std::string last_topic;
    static inline int64_t last_offset = -1;

private:
    processor_context<str, str>* ctx_ = nullptr;
    std::optional<key_value_store<str, int64_t>> store_;
};

TEST(processor_api, process_in_the_dsl_with_store_and_punctuators) {
    streams_builder b;
    b.add_state_store(stores::key_value_store_builder(stores::in_memory_key_value_store("counts")));
    b.stream("in", strings())
        .process<str, str>([] { return std::make_unique<counting_processor>(); }, {"counts"})
        .to("out");
    topology t = b.build();
    EXPECT_NE(t.describe().to_string().find("Processor: KSTREAM-PROCESSOR-0000000001 (stores: [counts])"),
              std::string::npos)
        << t.describe().to_string();
    driver_fixture f(std::move(t), "app");
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("a", "x", 3);  // stream time 3: the first punctuation (aligned to 0) fires
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", "count=1", 3}}));
    EXPECT_EQ(counting_processor::last_topic, "in");
    in.pipe_input("a", "x", 5);
    in.pipe_input("b", "x", 8);
    EXPECT_TRUE(out.is_empty());  // next punctuation at 10
    in.pipe_input("b", "x", 25);  // one punctuation however far time jumps
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", "count=2", 25}, {"b", "count=2", 25}}));
    EXPECT_EQ(counting_processor::last_offset, 3);
    in.pipe_input("b", "x", 27);  // next at 30
    EXPECT_TRUE(out.is_empty());

    f.driver.advance_wall_clock_time(std::chrono::milliseconds(99));
    EXPECT_TRUE(out.is_empty());
    f.driver.advance_wall_clock_time(std::chrono::milliseconds(1));
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"tick", "100", 100}}));
    // The store is logged to its changelog.
    EXPECT_EQ(f.output("app-counts-changelog").get_queue_size(), 5u);
}

class upper final : public processor<str, str, str, str> {
public:
    void init(processor_context<str, str>& ctx) override { ctx_ = &ctx; }
    void process(const record<str, str>& r) override {
        str v = *r.value;
        for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        ctx_->forward(r.with_value<str>(v), "sink");
    }

private:
    processor_context<str, str>* ctx_ = nullptr;
};

TEST(processor_api, hand_built_topology) {
    topology t;
    t.add_source<str, str>("source", {"in"}, serdes::string(), serdes::string())
        .add_processor<str, str, str, str>("upper", [] { return std::make_unique<upper>(); }, {"source"})
        .add_sink<str, str>("sink", "out", serdes::string(), serdes::string(), {"upper"});
    EXPECT_EQ(t.describe().to_string(),
              "Topologies:\n"
              "   Sub-topology: 0\n"
              "    Source: source (topics: [in])\n"
              "      --> upper\n"
              "    Processor: upper (stores: [])\n"
              "      --> sink\n"
              "      <-- source\n"
              "    Sink: sink (topic: out)\n"
              "      <-- upper\n\n");
    EXPECT_NE(t.to_dot().find("\"source\" -> \"upper\""), std::string::npos);
    driver_fixture f(std::move(t));
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("k", "abc", 1);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k", "ABC", 1}}));
}

TEST(processor_api, wrong_types_between_processors_fail_at_build) {
    topology t;
    t.add_source<str, int32_t>("source", {"in"}, serdes::string(), serdes::int32())
        .add_processor<str, str, str, str>("upper", [] { return std::make_unique<upper>(); }, {"source"});
    EXPECT_THROW(testing::topology_test_driver(std::move(t)), std::logic_error);
}

TEST(topology_checks, reused_names_and_topics_are_rejected) {
    topology t;
    t.add_source<str, str>("s", {"in"}, serdes::string(), serdes::string());
    EXPECT_THROW((t.add_source<str, str>("s", {"other"}, serdes::string(), serdes::string())), std::invalid_argument);
    EXPECT_THROW((t.add_source<str, str>("s2", {"in"}, serdes::string(), serdes::string())), std::invalid_argument);
    EXPECT_THROW((t.add_sink<str, str>("k", "out", serdes::string(), serdes::string(), {"missing"})),
                 std::invalid_argument);
}

TEST(topology_checks, runtime_information) {
    streams_builder b;
    auto t1 = b.table("t1", strings());
    auto t2 = b.table("t2", strings(), materialized<str, str>::as("t2-store").with_logging_disabled());
    t1.join(t2, [](const str& a, const str& c) { return a + c; }).to_stream().to("out");
    b.stream("s", strings()).group_by([](const str&, const str& v) { return v; }).count().to_stream().to("counts",
        produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    topology t = b.build();
    EXPECT_EQ(t.source_topics(),
              (std::set<str>{"t1", "t2", "s", "KSTREAM-AGGREGATE-STATE-STORE-0000000012-repartition"}));
    EXPECT_EQ(t.sink_topics(), (std::set<str>{"out", "counts", "KSTREAM-AGGREGATE-STATE-STORE-0000000012-repartition"}));
    EXPECT_EQ(t.changelog_topics("app"),
              (std::map<str, str>{{"t1-STATE-STORE-0000000000", "app-t1-STATE-STORE-0000000000-changelog"},
                                  {"KSTREAM-AGGREGATE-STATE-STORE-0000000012",
                                   "app-KSTREAM-AGGREGATE-STATE-STORE-0000000012-changelog"}}));
    ASSERT_EQ(t.copartition_groups().size(), 1u);
    EXPECT_EQ(t.copartition_groups()[0], (std::set<str>{"t1", "t2"}));
    // The aggregation's repartition topic follows its input's count.
    auto counts = t.validate_copartitioning({{"t1", 4}, {"t2", 4}, {"s", 7}});
    ASSERT_TRUE(counts) << counts.error().message;
    EXPECT_EQ(counts->at("KSTREAM-AGGREGATE-STATE-STORE-0000000012-repartition"), 7);
    auto bad = t.validate_copartitioning({{"t1", 4}, {"t2", 5}, {"s", 7}});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("t1 (4 partitions), t2 (5 partitions)"), std::string::npos)
        << bad.error().message;
    EXPECT_FALSE(t.validate_copartitioning({{"t1", 4}, {"t2", 4}}));  // "s" unknown
}

}  // namespace
}  // namespace samsa::streams::test
