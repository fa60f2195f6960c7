// The change-logging layer sends exactly the writes that reach it, with
// tombstones for deletes, to <application.id>-<store>-changelog on the task's
// partition; restoration does not log.

#include <gtest/gtest.h>

#include "recording_changelog_sink.h"
#include "samsa/streams/state/change_logging_key_value_store.h"
#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/state/value_and_timestamp.h"

namespace samsa::streams {
namespace {

using testing::changelog_record;
using testing::recording_changelog_sink;

bytes b(std::string_view s) { return to_bytes(s); }
std::optional<bytes_view> v(const bytes& x) { return bytes_view(x); }

class change_logging_test : public ::testing::Test {
protected:
    template<class Layer>
    std::unique_ptr<Layer> make() {
        auto layer = std::make_unique<Layer>(std::make_unique<in_memory_key_value_store>("counts"));
        store_context context;
        context.application_id = "app";
        context.partition = 3;
        context.changelog = &sink_;
        context.records = &records_;
        EXPECT_TRUE(layer->init(context).has_value());
        return layer;
    }
    changelog_record record(std::string_view key, std::optional<bytes> value, int64_t ts) {
        return {"app-counts-changelog", 3, b(key), std::move(value), ts};
    }

    recording_changelog_sink sink_;
    testing::test_records records_ = testing::with_time(100);
};

TEST_F(change_logging_test, logs_every_write_and_tombstones_for_deletes) {
    auto s = make<change_logging_key_value_store>();
    EXPECT_EQ(s->changelog_topic(), "app-counts-changelog");
    s->put(b("a"), v(b("1")));
    records_.set_time(101);
    s->put(b("a"), std::nullopt);
    records_.set_time(102);
    EXPECT_EQ(s->put_if_absent(b("b"), v(b("2"))), std::nullopt);
    EXPECT_EQ(s->put_if_absent(b("b"), v(b("3"))), b("2"));  // wrote nothing, logs nothing
    EXPECT_EQ(s->remove(b("b")), b("2"));
    std::vector<bytes_entry> batch{{b("c"), b("4")}, {b("d"), std::nullopt}};
    s->put_all(batch);
    EXPECT_EQ(sink_.records, (std::vector<changelog_record>{
                                 record("a", b("1"), 100),
                                 record("a", std::nullopt, 101),
                                 record("b", b("2"), 102),
                                 record("b", std::nullopt, 102),
                                 record("c", b("4"), 102),
                                 record("d", std::nullopt, 102),
                             }));
    EXPECT_EQ(s->get(b("c")), b("4"));  // and the layer below has them
}

TEST_F(change_logging_test, reads_and_restores_do_not_log) {
    auto s = make<change_logging_key_value_store>();
    s->restore(b("a"), v(b("1")), 7);
    EXPECT_EQ(s->get(b("a")), b("1"));
    auto it = s->all();
    EXPECT_TRUE(it->has_next());
    EXPECT_TRUE(sink_.records.empty());
}

TEST_F(change_logging_test, init_without_sink_fails) {
    change_logging_key_value_store s(std::make_unique<in_memory_key_value_store>("x"));
    store_context context;
    status st = s.init(context);
    ASSERT_FALSE(st.has_value());
    EXPECT_EQ(st.error().code, errc::invalid_argument);
}

TEST_F(change_logging_test, timestamped_layer_logs_raw_value_with_its_timestamp) {
    auto s = make<change_logging_timestamped_key_value_store>();
    bytes stored = timestamped_format::encode(b("v"), 42);
    EXPECT_EQ(stored, (bytes{0, 0, 0, 0, 0, 0, 0, 42, 'v'}));
    s->put(b("k"), v(stored));
    records_.set_time(50);
    s->remove(b("k"));
    EXPECT_EQ(sink_.records, (std::vector<changelog_record>{
                                 record("k", b("v"), 42),
                                 record("k", std::nullopt, 50),
                             }));
}

TEST_F(change_logging_test, timestamped_layer_restores_the_stored_format) {
    auto s = make<change_logging_timestamped_key_value_store>();
    s->restore(b("k"), v(b("v")), 42);
    EXPECT_EQ(s->get(b("k")), (bytes{0, 0, 0, 0, 0, 0, 0, 42, 'v'}));
    s->restore(b("k"), std::nullopt, 43);
    EXPECT_EQ(s->get(b("k")), std::nullopt);
    EXPECT_TRUE(sink_.records.empty());
}

}  // namespace
}  // namespace samsa::streams
