// The streams fuzz targets (fuzz/streams_targets.h) over their corpora: the
// change<V> serde of repartition topics and a task's `.checkpoint` file.
// Seeds are written by the serde and by checkpoint_file::write; the broken
// ones are cut or carry a length past their end.

#include <gtest/gtest.h>

#include "samsa/streams/detail/ops/change_serde.h"
#include "samsa/streams/internal/runtime/checkpoint_file.h"
#include "samsa/streams/serdes/primitive.h"
#include "scratch_dir.h"
#include "streams_targets.h"
#include "tests/fuzz/corpus_runner.h"

namespace samsa::fuzz {
namespace {

using streams::change;
using testing::named_input;

constexpr std::string_view topic = "app-repartition";

std::vector<named_input> change_seeds() {
    auto text = streams::internal::change_serde(streams::serdes::string());
    auto ints = streams::internal::change_serde(streams::serdes::int32());
    std::vector<named_input> out;
    out.emplace_back("valid-new-only", text.serialize(topic, {std::string("new"), std::nullopt}));
    out.emplace_back("valid-old-only", text.serialize(topic, {std::nullopt, std::string("old")}));
    out.emplace_back("valid-both", text.serialize(topic, {std::string("new"), std::string("old")}));
    out.emplace_back("valid-both-empty", text.serialize(topic, {std::string(), std::string()}));
    out.emplace_back("valid-neither", text.serialize(topic, {}));
    out.emplace_back("valid-ints", ints.serialize(topic, {41, 42}));
    out.emplace_back("broken-both-length-past-end", bytes{3, 0, 0, 1, 0, 'x'});
    out.emplace_back("broken-both-cut-length", bytes{3, 0, 0});
    out.emplace_back("broken-empty", bytes{});
    return out;
}

std::vector<named_input> checkpoint_seeds() {
    auto dir = scratch_dir() / "seeds";
    std::filesystem::create_directories(dir);
    auto written = [&](std::map<streams::internal::topic_partition, offset> offsets) {
        streams::internal::checkpoint_file f(dir / ".checkpoint");
        EXPECT_TRUE(f.write(offsets));
        return testing::read_whole(f.path());
    };
    std::vector<named_input> out;
    out.emplace_back("valid-empty", written({}));
    out.emplace_back("valid-two", written({{{"app-counts-changelog", 1}, offset(41)}, {{"app-totals-changelog", 1}, offset(7)}}));
    out.emplace_back("broken-count", to_bytes("0\n2\napp-counts-changelog 1 41\n"));
    out.emplace_back("broken-count-not-a-number", to_bytes("0\n99999999999999999999\n"));
    out.emplace_back("broken-entry", to_bytes("0\n1\napp-counts-changelog one 41\n"));
    return out;
}

TEST(streams_fuzz_corpus, valid_changes_decode) {
    auto text = streams::internal::change_serde(streams::serdes::string());
    for (const auto& [name, data] : change_seeds()) {
        if (name.starts_with("valid-") && name != "valid-ints") {
            EXPECT_NO_THROW((void)text.deserialize(topic, data)) << name;
        }
    }
    EXPECT_EQ(text.deserialize(topic, text.serialize(topic, {std::string("n"), std::string("o")})),
              (change<std::string>{std::string("n"), std::string("o")}));
}

// Found by change_serde_fuzz: a record whose flags byte has bits other than
// the two value bits (corpus crash-unknown-flags), or flags 0 followed by
// bytes (crash-bytes-after-empty-change), decoded as an empty change that
// the aggregation downstream would take for "no old, no new value".
TEST(streams_fuzz_corpus, change_with_unknown_flags_or_stray_bytes_is_malformed) {
    auto text = streams::internal::change_serde(streams::serdes::string());
    EXPECT_THROW((void)text.deserialize(topic, bytes{4}), streams::serde_error);
    EXPECT_THROW((void)text.deserialize(topic, bytes{0xff, 'a'}), streams::serde_error);
    EXPECT_THROW((void)text.deserialize(topic, bytes{0, 'j', 'u', 'n', 'k'}), streams::serde_error);
    EXPECT_EQ(text.deserialize(topic, bytes{0}), change<std::string>{});
}

TEST(streams_fuzz_corpus, change_serde_survives_its_corpus) {
    testing::check_corpus("change_serde_fuzz", change_serde, change_seeds(), 6000, 1606);
}

TEST(streams_fuzz_corpus, streams_checkpoint_survives_its_corpus) {
    testing::check_corpus("streams_checkpoint_fuzz", streams_checkpoint, checkpoint_seeds(), 1500, 1607);
}

}  // namespace
}  // namespace samsa::fuzz
