// The group coordinator's fuzz targets (fuzz/group_targets.h) over their
// corpora: consumer-protocol subscriptions and `__consumer_offsets` records
// replayed into a coordinator. Seeds come from the codecs (offsets_records,
// the protocol writer); the broken ones are cut or lie about their lengths.

#include <gtest/gtest.h>

#include "consumer_offsets_framing.h"
#include "group_targets.h"
#include "samsa/broker/group/consumer_protocol.h"
#include "samsa/broker/group/offsets_records.h"
#include "samsa/protocol/wire.h"
#include "tests/fuzz/corpus_runner.h"

namespace samsa::fuzz {
namespace {

using namespace samsa::broker::group;
using testing::named_input;

struct owned_partitions {
    std::string topic;
    std::vector<int32_t> partitions;
};
template<class IO>
void serde(IO& io, owned_partitions& p) {
    io.field(p.topic);
    io.field(p.partitions);
}

// Kafka's ConsumerProtocolSubscription v0-v3 (non-flexible).
bytes subscription(int16_t version, std::vector<std::string> topics, std::optional<bytes> user_data) {
    byte_writer out;
    out.write_i16(version);
    protocol::protocol_writer w(out, version, /*flexible=*/false);
    w.field(topics);
    w.field(user_data);
    if (version >= 1) {
        std::vector<owned_partitions> owned{{"orders", {0, 2}}};
        w.field(owned);
    }
    if (version >= 2) w.field(int32_t{7});
    if (version >= 3) w.field(std::optional<std::string>("rack-a"));
    return out.release();
}

std::vector<named_input> subscription_seeds() {
    std::vector<named_input> out;
    for (int16_t v = 0; v <= 3; ++v) {
        out.emplace_back("valid-v" + std::to_string(v), subscription(v, {"orders", "mails"}, to_bytes("ud")));
    }
    out.emplace_back("valid-no-topics", subscription(0, {}, std::nullopt));
    bytes cut = subscription(1, {"orders"}, std::nullopt);
    cut.resize(cut.size() / 2);
    out.emplace_back("broken-cut", cut);
    out.emplace_back("broken-huge-count", bytes{0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 1, 'a'});
    out.emplace_back("broken-negative-version", bytes{0xff, 0xfe, 0, 0, 0, 0});
    return out;
}

offset_commit_value commit_value(int64_t off, std::string metadata) {
    offset_commit_value v;
    v.offset = off;
    v.leader_epoch = 3;
    v.metadata = std::move(metadata);
    v.commit_timestamp = 1'700'000'000'000;
    return v;
}

group_metadata_value stable_group(bool static_members) {
    group_metadata_value v;
    v.protocol_type = "consumer";
    v.generation = 4;
    v.protocol = "range";
    v.leader = "m1";
    v.current_state_timestamp = 1'700'000'000'000;
    for (int i = 1; i <= 2; ++i) {
        member_metadata_record m;
        m.member_id = "m" + std::to_string(i);
        if (static_members) m.group_instance_id = "instance-" + std::to_string(i);
        m.client_id = "client";
        m.client_host = "/127.0.0.1";
        m.rebalance_timeout = 30000;
        m.session_timeout = 10000;
        m.subscription = subscription(1, {"orders"}, std::nullopt);
        m.assignment = to_bytes("assignment");
        v.members.push_back(std::move(m));
    }
    return v;
}

std::vector<named_input> offsets_seeds() {
    const bytes commit_key = encode_key(offset_commit_key{"g", "orders", 0});
    const bytes group_key = encode_key(group_metadata_key{"g"});
    std::vector<named_input> out;
    // Whole inputs as one key or one value, for the decoders alone.
    out.emplace_back("valid-commit-key", commit_key);
    out.emplace_back("valid-group-key", group_key);
    out.emplace_back("valid-commit-value", encode_value(commit_value(5, "")));
    out.emplace_back("valid-group-value", encode_value(stable_group(true)));
    out.emplace_back("valid-empty-group-value", encode_value(group_metadata_value{"consumer", 2, {}, {}, -1, {}}));
    // Record lists, replayed.
    auto rec = [](bytes key, std::optional<bytes> value, bool transactional = false,
                  std::optional<bool> marker_after = std::nullopt) {
        return framed_offsets_record{std::move(key), std::move(value), transactional, marker_after};
    };
    out.emplace_back("valid-replay-commits",
                     frame_offsets_records({rec(commit_key, encode_value(commit_value(5, "m"))),
                                            rec(encode_key(offset_commit_key{"g", "orders", 1}),
                                                encode_value(commit_value(9, ""))),
                                            rec(commit_key, std::nullopt)}));
    out.emplace_back("valid-replay-stable-group",
                     frame_offsets_records({rec(group_key, encode_value(stable_group(false))),
                                            rec(commit_key, encode_value(commit_value(5, "")))}));
    out.emplace_back("valid-replay-static-group",
                     frame_offsets_records({rec(group_key, encode_value(stable_group(true))),
                                            rec(encode_key(group_metadata_key{"h"}), encode_value(stable_group(false))),
                                            rec(encode_key(group_metadata_key{"h"}), std::nullopt)}));
    out.emplace_back("valid-replay-transactional",
                     frame_offsets_records({rec(commit_key, encode_value(commit_value(5, "")), true, true),
                                            rec(commit_key, encode_value(commit_value(6, "")), true, false)}));
    bytes cut = encode_value(stable_group(true));
    cut.resize(cut.size() - 7);
    out.emplace_back("broken-group-value-cut", cut);
    bytes unknown = encode_value(commit_value(5, ""));
    unknown[1] = 9;  // version 9
    out.emplace_back("broken-commit-value-version", unknown);
    out.emplace_back("broken-replay-unknown-versions",
                     frame_offsets_records({rec(bytes{0, 7, 0, 1, 'g'}, encode_value(commit_value(1, ""))),
                                            rec(group_key, cut)}));
    return out;
}

TEST(group_fuzz_corpus, valid_subscriptions_decode) {
    for (const auto& [name, data] : subscription_seeds()) {
        if (name.starts_with("valid-")) {
            EXPECT_TRUE(subscribed_topics(data)) << name;
        }
    }
    EXPECT_EQ(subscribed_topics(subscription(3, {"a", "b"}, std::nullopt)), (std::vector<std::string>{"a", "b"}));
}

TEST(group_fuzz_corpus, consumer_subscription_survives_its_corpus) {
    testing::check_corpus("consumer_subscription_fuzz", consumer_subscription, subscription_seeds(), 5000, 1601);
}

TEST(group_fuzz_corpus, consumer_offsets_survives_its_corpus) {
    testing::check_corpus("consumer_offsets_fuzz", consumer_offsets, offsets_seeds(), 3000, 1602);
}

}  // namespace
}  // namespace samsa::fuzz
