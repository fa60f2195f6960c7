// Records move through processors (issue 12, a lean record path): an
// operator that owns the record it was handed moves its key, value and
// headers into what it forwards, and a record forwarded to several children
// reaches each of them whole (copies for all but the last child, which gets
// the record itself), in the order the children were added, as Kafka's.
#include "driver_fixture.h"

#include "samsa/streams/processor/processor.h"

namespace samsa::streams::test {
namespace {

// A value that counts its copies (moves are free): what the record path
// must not do to a value it only passes on.
struct counted {
    str text;
    static inline int copies = 0;

    explicit counted(str t) : text(std::move(t)) {}
    counted(const counted& o) : text(o.text) { ++copies; }
    counted(counted&& o) noexcept = default;
    counted& operator=(const counted& o) {
        text = o.text;
        ++copies;
        return *this;
    }
    counted& operator=(counted&& o) noexcept = default;
};

serde<counted> counted_serde() {
    return serde<counted>{
        [](std::string_view, const counted& c) { return to_bytes(c.text); },
        [](std::string_view, bytes_view b) { return counted(str(b.begin(), b.end())); },
    };
}

consumed<str, counted> counted_values() { return consumed<str, counted>::with(serdes::string(), counted_serde()); }
produced<str, counted> counted_out() { return produced<str, counted>::with(serdes::string(), counted_serde()); }

std::vector<std::pair<str, str>> drain_counted(testing::test_output_topic<str, counted>& out) {
    std::vector<std::pair<str, str>> v;
    for (auto& r : out.read_records_to_list()) v.emplace_back(r.key.value_or("null"), r.value ? r.value->text : "null");
    return v;
}

TEST(record_path, a_one_child_chain_of_stateless_operators_never_copies_the_value) {
    streams_builder b;
    b.stream("in", counted_values())
        .filter([](const str&, const counted& v) { return !v.text.empty(); })
        .map_values([](const counted& v) { return counted(v.text + "!"); })
        .select_key([](const str&, const counted& v) { return v.text; })
        .filter_not([](const str& k, const counted&) { return k == "drop!"; })
        .peek([](const str&, const counted&) {})
        .map([](const str& k, const counted& v) { return key_value<str, counted>{v.text + "@" + k, counted(k)}; })
        .flat_map_values([](const counted& v) {
            std::vector<counted> out;
            out.emplace_back(v.text + "#");
            return out;
        })
        .to("out", counted_out());
    driver_fixture f(b.build());
    auto in = f.driver.create_input_topic("in", serdes::string(), counted_serde());
    auto out = f.driver.create_output_topic("out", serdes::string(), counted_serde());

    counted::copies = 0;
    in.pipe_input(str("a"), counted("x"), 1);
    in.pipe_input(str("b"), counted("drop"), 2);
    in.pipe_input(str("c"), counted("y"), 3);
    EXPECT_EQ(counted::copies, 0);
    EXPECT_EQ(drain_counted(out), (std::vector<std::pair<str, str>>{{"x!@x!", "x!#"}, {"y!@y!", "y!#"}}));
}

TEST(record_path, a_stream_table_join_hands_the_stream_value_to_a_by_value_joiner) {
    streams_builder b;
    auto table = b.table("table", strings());
    b.stream("in", counted_values())
        .join(table, [](counted v, const str& t) { return counted(std::move(v.text) + "+" + t); })
        .to("out", counted_out());
    driver_fixture f(b.build());
    f.input("table").pipe_input("k", "t", 1);
    auto in = f.driver.create_input_topic("in", serdes::string(), counted_serde());
    auto out = f.driver.create_output_topic("out", serdes::string(), counted_serde());

    counted::copies = 0;
    in.pipe_input(str("k"), counted("v"), 2);
    EXPECT_EQ(counted::copies, 0);
    EXPECT_EQ(drain_counted(out), (std::vector<std::pair<str, str>>{{"k", "v+t"}}));
}

// A table's row made for the lookup (a table-table join's result) is moved
// into a joiner that takes it by value; a row read from a store is only lent
// (copied into such a joiner), so every later lookup still finds it whole.
TEST(record_path, a_by_value_joiner_takes_rows_made_per_lookup_and_copies_stored_ones) {
    streams_builder b;
    auto left = b.table("left", strings());
    auto right = b.table("right", strings());
    auto joined = left.join(right, [](const str& l, const str& r) { return counted(l + "&" + r); });
    b.stream("in", counted_values())
        .join(joined, [](counted v, counted t) { return counted(std::move(v.text) + "+" + std::move(t.text)); })
        .to("out", counted_out());
    b.stream("in2", strings()).join(left, [](str v, str l) { return v + "+" + l; }).to("out2");
    driver_fixture f(b.build());
    f.input("left").pipe_input("k", "l", 1);
    f.input("right").pipe_input("k", "r", 1);
    auto in = f.driver.create_input_topic("in", serdes::string(), counted_serde());
    auto out = f.driver.create_output_topic("out", serdes::string(), counted_serde());
    auto in2 = f.input("in2");
    auto out2 = f.output("out2");

    counted::copies = 0;
    in.pipe_input(str("k"), counted("a"), 2);
    in.pipe_input(str("k"), counted("b"), 3);
    EXPECT_EQ(counted::copies, 0);
    EXPECT_EQ(drain_counted(out), (std::vector<std::pair<str, str>>{{"k", "a+l&r"}, {"k", "b+l&r"}}));
    in2.pipe_input("k", "x", 4);
    in2.pipe_input("k", "y", 5);
    EXPECT_EQ(drain(out2), (std::vector<kvt>{{"k", "x+l", 4}, {"k", "y+l", 5}}));
}

// Both children of one node see the whole record, key, value and headers,
// though each moves what it is handed; the first child added runs first.
TEST(record_path, a_record_forwarded_to_two_children_reaches_both_whole_in_order) {
    std::vector<str> order;
    streams_builder b;
    auto s = b.stream("in", strings()).map_values([](const str& v) { return v + "."; });
    s.peek([&](const str&, const str&) { order.push_back("first"); })
        .select_key([](const str& k, const str& v) { return k + v; })
        .to("first");
    s.peek([&](const str&, const str&) { order.push_back("second"); })
        .map_values([](const str& v) { return v + "2"; })
        .to("second");
    driver_fixture f(b.build());
    auto first = f.output("first"), second = f.output("second");
    record_headers headers{record_header{"h", to_bytes("hv")}};
    f.input("in").pipe_input("key", "value", 5, headers);

    auto a = first.read_records_to_list();
    auto c = second.read_records_to_list();
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(a[0].key, "keyvalue.");
    EXPECT_EQ(a[0].value, "value.");
    EXPECT_EQ(a[0].headers, headers);
    EXPECT_EQ(c[0].key, "key");
    EXPECT_EQ(c[0].value, "value.2");
    EXPECT_EQ(c[0].timestamp, 5);
    EXPECT_EQ(c[0].headers, headers);
    EXPECT_EQ(order, (std::vector<str>{"first", "second"}));
}

// The Processor API keeps Kafka's process(const record&): a processor that
// forwards the record it was given, and then reads it, still sees it whole.
class forward_then_read final : public processor<str, str, str, str> {
public:
    explicit forward_then_read(std::vector<str>& seen) : seen_(&seen) {}
    void init(processor_context<str, str>& ctx) override { ctx_ = &ctx; }
    void process(const record<str, str>& r) override {
        ctx_->forward(r);
        ctx_->forward(r.with_value<str>(*r.value + "-again"));
        seen_->push_back(r.key.value_or("null") + "=" + r.value.value_or("null"));
    }

private:
    processor_context<str, str>* ctx_ = nullptr;
    std::vector<str>* seen_;
};

TEST(record_path, a_user_processor_keeps_the_record_it_forwarded) {
    std::vector<str> seen;
    streams_builder b;
    auto s = b.stream("in", strings()).process<str, str>([&] { return std::make_unique<forward_then_read>(seen); });
    s.map_values([](const str& v) { return v + "1"; }).to("a");
    s.to("b");
    driver_fixture f(b.build());
    auto a = f.output("a"), out_b = f.output("b");
    f.input("in").pipe_input("k", "v", 1);
    EXPECT_EQ(drain(a), (std::vector<kvt>{{"k", "v1", 1}, {"k", "v-again1", 1}}));
    EXPECT_EQ(drain(out_b), (std::vector<kvt>{{"k", "v", 1}, {"k", "v-again", 1}}));
    EXPECT_EQ(seen, (std::vector<str>{"k=v"}));
}

}  // namespace
}  // namespace samsa::streams::test
