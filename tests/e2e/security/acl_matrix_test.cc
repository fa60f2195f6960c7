// The ACL matrix against the real samsa-broker (authorizer.class.name set,
// allow.everyone.if.no.acl.found off): for each API a producer, consumer,
// group member and admin use, what a principal without the right ACL gets
// (Kafka 3.8's exact error, and nothing about the resource: no topic names,
// no offsets), then the same request once the ACL is there; deny beating
// allow; ACLs surviving a restart; the ACL APIs' own errors.
//
// Parametrized by principal: PLAINTEXT connections are User:ANONYMOUS; on a
// SASL_PLAINTEXT listener User:alice logs in with PLAIN, and at the end
// User:bob, on the same listener, must be refused what alice was granted.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>

#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/delete_topics.h"
#include "samsa/protocol/messages/describe_configs.h"
#include "samsa/protocol/messages/describe_groups.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/find_coordinator.h"
#include "samsa/protocol/messages/init_producer_id.h"
#include "samsa/protocol/messages/join_group.h"
#include "samsa/protocol/messages/list_groups.h"
#include "samsa/protocol/messages/list_offsets.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/offset_commit.h"
#include "samsa/protocol/messages/offset_fetch.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/protocol/messages/sasl_authenticate.h"
#include "samsa/protocol/messages/sasl_handshake.h"
#include "samsa/record/records.h"
#include "tests/e2e/security/acl_client.h"
#include "tests/support/auto_create.h"
#include "tests/support/broker_process.h"
#include "tests/support/sasl_plain.h"

namespace samsa::e2e::security {
namespace {

using protocol::error_code;
using namespace codes;

struct matrix_principal {
    std::string label;      // test name suffix
    std::string principal;  // "User:ANONYMOUS"
    // Broker settings the principal's listener needs (besides listeners).
    std::vector<std::pair<std::string, std::string>> overrides;
    std::function<std::unique_ptr<raw_client>(uint16_t port)> connect;
    std::string listener_name = "PLAINTEXT";
    // Another principal on the same listener (none on PLAINTEXT: everyone is
    // ANONYMOUS there): at the end it must be refused what `principal` got.
    std::function<std::unique_ptr<raw_client>(uint16_t port)> connect_other;
};

void PrintTo(const matrix_principal& p, std::ostream* os) { *os << p.principal; }

// A raw connection authenticated with SASL PLAIN (SaslHandshake v1, SaslAuthenticate v2).
std::unique_ptr<raw_client> sasl_plain_client(uint16_t port, const std::string& user, const std::string& password) {
    auto c = std::make_unique<raw_client>(port);
    auto auth = test_support::plain_login(*c, user, password);
    if (!auth)
        ADD_FAILURE() << "PLAIN login of " << user << ": " << auth.error().message;
    else
        EXPECT_EQ(auth->error_code, protocol::error_code::none) << auth->error_message.value_or("");
    return c;
}

std::vector<matrix_principal> matrix_principals() {
    const auto sasl = test_support::sasl_plaintext_broker_options({{"alice", "alice-secret"}, {"bob", "bob-secret"}});
    return {{"anonymous_plaintext", "User:ANONYMOUS", {}, [](uint16_t port) {
                 return std::make_unique<raw_client>(port);
             }},
            {"sasl_plain_alice",
             "User:alice",
             sasl.overrides,
             [](uint16_t port) { return sasl_plain_client(port, "alice", "alice-secret"); },
             sasl.listener_name,
             [](uint16_t port) { return sasl_plain_client(port, "bob", "bob-secret"); }}};
}

bytes make_batch(int n) {
    record::record_batch_builder builder;
    // Now: an old timestamp would let retention (7 days) delete the records mid-test.
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
    for (int i = 0; i < n; ++i) builder.add("k" + std::to_string(i), "v" + std::to_string(i), timestamp_ms(now.count() + i));
    return builder.build();
}

class acl_matrix : public ::testing::TestWithParam<matrix_principal> {
protected:
    void SetUp() override {
        test_support::broker_options o;
        o.overrides = {{"authorizer.class.name", "kafka.security.authorizer.AclAuthorizer"},
                       {"super.users", GetParam().principal},
                       {"num.partitions", "1"}};
        for (const auto& kv : GetParam().overrides) o.overrides.push_back(kv);
        o.listener_name = GetParam().listener_name;
        broker_ = std::make_unique<test_support::broker_process>(o);
        ASSERT_TRUE(broker_->start()) << broker_->failure();
    }
    void TearDown() override {
        if (HasFailure() && broker_) std::cerr << broker_->log_tail() << "\n";
    }

    std::unique_ptr<raw_client> connect() { return GetParam().connect(broker_->port()); }
    const std::string& me() const { return GetParam().principal; }

    // The next start without super.users: from then on only ACLs count.
    void restart_without_super_user() {
        auto& o = broker_->options().overrides;
        std::erase_if(o, [](const auto& kv) { return kv.first == "super.users"; });
        ASSERT_TRUE(broker_->restart()) << broker_->failure();
    }

    void grant(raw_client& c, std::vector<protocol::acl_creation> acls) {
        auto r = create_acls(c, std::move(acls));
        for (const auto& x : r.results) ASSERT_EQ(x.error_code, error_code::none) << x.error_message.value_or("");
    }

    std::unique_ptr<test_support::broker_process> broker_;
};

protocol::metadata_response metadata(raw_client& c, std::optional<std::vector<std::string>> names, bool auto_create = false) {
    protocol::metadata_request r;
    if (names) {
        r.topics.emplace();
        for (auto& n : *names) r.topics->push_back({samsa::uuid{}, n});
    }
    r.allow_auto_topic_creation = auto_create;
    return call<protocol::metadata_response>(c, r, 9);
}

const protocol::metadata_response_topic* find_topic(const protocol::metadata_response& m, const std::string& name) {
    for (const auto& t : m.topics)
        if (t.name == name) return &t;
    return nullptr;
}

protocol::partition_produce_response produce(raw_client& c, const std::string& topic,
                                             std::optional<std::string> transactional_id = std::nullopt) {
    bytes batch = make_batch(2);
    protocol::produce_request r;
    r.acks = 1;
    r.timeout_ms = 5000;
    r.transactional_id = std::move(transactional_id);
    r.topic_data.push_back({topic, {{partition_id(0), protocol::raw_records(batch)}}});
    auto resp = call<protocol::produce_response>(c, r, 8);
    if (resp.responses.empty() || resp.responses[0].partition_responses.empty()) return {};
    return resp.responses[0].partition_responses[0];
}

protocol::fetch_partition_data fetch(raw_client& c, const std::string& topic) {
    protocol::fetch_request r;
    r.max_wait_ms = 0;
    r.min_bytes = 0;
    protocol::fetch_partition p;
    p.partition = partition_id(0);
    p.fetch_offset = offset(0);
    p.partition_max_bytes = 1 << 20;
    r.topics.push_back({topic, {p}});
    auto resp = call<protocol::fetch_response>(c, r, 11);
    if (resp.responses.empty() || resp.responses[0].partitions.empty()) return {};
    return resp.responses[0].partitions[0];
}

protocol::list_offsets_partition_response latest_offset(raw_client& c, const std::string& topic) {
    protocol::list_offsets_request r;
    protocol::list_offsets_partition p;
    p.partition_index = partition_id(0);
    p.timestamp = timestamp_ms(-1);
    r.topics.push_back({topic, {p}});
    auto resp = call<protocol::list_offsets_response>(c, r, 5);
    if (resp.topics.empty() || resp.topics[0].partitions.empty()) return {};
    return resp.topics[0].partitions[0];
}

protocol::creatable_topic_result create_topic(raw_client& c, const std::string& name) {
    protocol::create_topics_request r;
    protocol::creatable_topic t;
    t.name = name;
    t.num_partitions = 1;
    t.replication_factor = 1;
    r.topics.push_back(t);
    auto resp = call<protocol::create_topics_response>(c, r, 5);
    return resp.topics.empty() ? protocol::creatable_topic_result{} : resp.topics[0];
}

error_code delete_topic(raw_client& c, const std::string& name) {
    protocol::delete_topics_request r;
    r.topic_names = {name};
    r.timeout_ms = 5000;
    auto resp = call<protocol::delete_topics_response>(c, r, 4);
    return resp.responses.empty() ? error_code::unknown_server_error : resp.responses[0].error_code;
}

error_code describe_configs(raw_client& c, protocol::config_resource_type type, const std::string& name) {
    protocol::describe_configs_request r;
    r.resources.push_back({type, name, std::nullopt});
    auto resp = call<protocol::describe_configs_response>(c, r, 2);
    if (resp.results.empty()) return error_code::unknown_server_error;
    if (resp.results[0].error_code != error_code::none) {
        EXPECT_TRUE(resp.results[0].configs.empty());
    }
    return resp.results[0].error_code;
}

protocol::find_coordinator_response find_coordinator(raw_client& c, const std::string& key, protocol::coordinator_type type) {
    protocol::find_coordinator_request r;
    r.key = key;
    r.key_type = type;
    return call<protocol::find_coordinator_response>(c, r, 3);
}

error_code join_group(raw_client& c, const std::string& group) {
    protocol::join_group_request r;
    r.group_id = group;
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = 10000;
    r.protocol_type = "consumer";
    r.protocols.push_back({"range", bytes{}});
    return call<protocol::join_group_response>(c, r, 5).error_code;
}

error_code commit_offset(raw_client& c, const std::string& group, const std::string& topic, int64_t at) {
    protocol::offset_commit_request r;
    r.group_id = group;
    protocol::offset_commit_request_partition p;
    p.partition_index = partition_id(0);
    p.committed_offset = offset(at);
    r.topics.push_back({topic, {p}});
    auto resp = call<protocol::offset_commit_response>(c, r, 7);
    if (resp.topics.empty() || resp.topics[0].partitions.empty()) return error_code::unknown_server_error;
    return resp.topics[0].partitions[0].error_code;
}

protocol::offset_fetch_response fetch_offsets(raw_client& c, const std::string& group, const std::string& topic) {
    protocol::offset_fetch_request r;
    r.group_id = group;
    r.topics.emplace();
    r.topics->push_back({topic, {0}});
    return call<protocol::offset_fetch_response>(c, r, 7);
}

protocol::described_group describe_group(raw_client& c, const std::string& group) {
    protocol::describe_groups_request r;
    r.groups = {group};
    auto resp = call<protocol::describe_groups_response>(c, r, 4);
    return resp.groups.empty() ? protocol::described_group{} : resp.groups[0];
}

std::vector<std::string> list_groups(raw_client& c) {
    auto resp = call<protocol::list_groups_response>(c, protocol::list_groups_request{}, 3);
    std::vector<std::string> out;
    for (const auto& g : resp.groups) out.push_back(g.group_id);
    std::sort(out.begin(), out.end());
    return out;
}

protocol::init_producer_id_response init_producer_id(raw_client& c, std::optional<std::string> transactional_id) {
    protocol::init_producer_id_request r;
    r.transactional_id = std::move(transactional_id);
    r.transaction_timeout_ms = 60000;
    return call<protocol::init_producer_id_response>(c, r, 2);
}

TEST_P(acl_matrix, each_api_answers_kafkas_error_until_the_acl_exists) {
    // As a super user: the ACLs that let the principal manage ACLs, a topic
    // with two records, committed offsets of two groups.
    {
        auto c = connect();
        grant(*c, {acl(cluster, "kafka-cluster", literal, me(), alter)});
        ASSERT_EQ(create_topic(*c, "t").error_code, error_code::none);
        ASSERT_EQ(create_topic(*c, "hidden").error_code, error_code::none);
        ASSERT_EQ(produce(*c, "t").error_code, error_code::none);
        ASSERT_EQ(commit_offset(*c, "g1", "t", 1), error_code::none);
        ASSERT_EQ(commit_offset(*c, "other", "t", 1), error_code::none);
    }
    restart_without_super_user();
    auto c = connect();
    ASSERT_TRUE(c->connected());

    // The ACL outlived the restart.
    auto described = describe_acls(*c, any_filter());
    ASSERT_EQ(described.error_code, error_code::none);
    ASSERT_EQ(described.resources.size(), 1u);
    EXPECT_EQ(described.resources[0].resource_name, "kafka-cluster");

    // --- Nothing granted on topics, groups, transactional ids.
    auto all = metadata(*c, std::nullopt);
    EXPECT_TRUE(all.topics.empty()) << "topics leak to a principal without Describe";
    auto named = metadata(*c, std::vector<std::string>{"t", "missing"});
    ASSERT_EQ(named.topics.size(), 2u);
    for (const auto& t : named.topics) {
        EXPECT_EQ(t.error_code, error_code::topic_authorization_failed) << t.name.value_or("");
        EXPECT_TRUE(t.partitions.empty());
    }
    auto p = produce(*c, "t");
    EXPECT_EQ(p.error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(p.base_offset, offset(-1));
    EXPECT_EQ(produce(*c, "missing").error_code, error_code::topic_authorization_failed);
    auto f = fetch(*c, "t");
    EXPECT_EQ(f.error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(f.high_watermark, offset(-1));
    EXPECT_EQ(f.records.view().size(), 0u);
    auto lo = latest_offset(*c, "t");
    EXPECT_EQ(lo.error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(lo.offset, offset(-1));
    EXPECT_EQ(create_topic(*c, "new").error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(delete_topic(*c, "t"), error_code::topic_authorization_failed);
    EXPECT_EQ(describe_configs(*c, protocol::config_resource_type::topic, "t"), error_code::topic_authorization_failed);
    EXPECT_EQ(describe_configs(*c, protocol::config_resource_type::broker, "1"),
              error_code::cluster_authorization_failed);
    EXPECT_EQ(find_coordinator(*c, "g1", protocol::coordinator_type::group).error_code,
              error_code::group_authorization_failed);
    EXPECT_EQ(find_coordinator(*c, "tx", protocol::coordinator_type::transaction).error_code,
              error_code::transactional_id_authorization_failed);
    EXPECT_EQ(join_group(*c, "g1"), error_code::group_authorization_failed);
    EXPECT_EQ(commit_offset(*c, "g1", "t", 2), error_code::group_authorization_failed);
    auto of = fetch_offsets(*c, "g1", "t");
    EXPECT_EQ(of.error_code, error_code::group_authorization_failed);
    EXPECT_TRUE(of.topics.empty());
    auto dg = describe_group(*c, "g1");
    EXPECT_EQ(dg.error_code, error_code::group_authorization_failed);
    EXPECT_TRUE(dg.members.empty());
    EXPECT_EQ(init_producer_id(*c, std::nullopt).error_code, error_code::cluster_authorization_failed);
    EXPECT_EQ(init_producer_id(*c, "tx").error_code, error_code::transactional_id_authorization_failed);
    EXPECT_EQ(produce(*c, "t", "tx").error_code, error_code::transactional_id_authorization_failed);

    // --- Describe on the topic: visible, offsets readable, still no writes or reads.
    grant(*c, {acl(topic, "t", literal, me(), describe)});
    all = metadata(*c, std::nullopt);
    ASSERT_EQ(all.topics.size(), 1u);
    EXPECT_EQ(all.topics[0].name, "t");
    named = metadata(*c, std::vector<std::string>{"t", "hidden"});
    ASSERT_NE(find_topic(named, "t"), nullptr);
    EXPECT_EQ(find_topic(named, "t")->error_code, error_code::none);
    EXPECT_EQ(find_topic(named, "t")->partitions.size(), 1u);
    EXPECT_EQ(find_topic(named, "hidden")->error_code, error_code::topic_authorization_failed);
    lo = latest_offset(*c, "t");
    EXPECT_EQ(lo.error_code, error_code::none);
    EXPECT_EQ(lo.offset, offset(2));
    EXPECT_EQ(produce(*c, "t").error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(fetch(*c, "t").error_code, error_code::topic_authorization_failed);

    // --- Write: produce works; an idempotent producer may start (Write on a topic, KIP-679).
    grant(*c, {acl(topic, "t", literal, me(), write)});
    p = produce(*c, "t");
    EXPECT_EQ(p.error_code, error_code::none);
    EXPECT_EQ(p.base_offset, offset(2));
    EXPECT_EQ(init_producer_id(*c, std::nullopt).error_code, error_code::none);

    // --- Read: fetch returns the records; a DENY for everyone wins over it.
    grant(*c, {acl(topic, "t", literal, me(), read)});
    f = fetch(*c, "t");
    EXPECT_EQ(f.error_code, error_code::none);
    EXPECT_EQ(f.high_watermark, offset(4));
    EXPECT_GT(f.records.view().size(), 0u);
    grant(*c, {acl(topic, "t", literal, "User:*", read, deny)});
    EXPECT_EQ(fetch(*c, "t").error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(produce(*c, "t").error_code, error_code::none) << "a deny of Read must not deny Write";

    // --- Groups by prefix: Describe finds the coordinator and reads offsets,
    // but joining needs Read.
    grant(*c, {acl(group, "g", prefixed, me(), describe)});
    EXPECT_EQ(find_coordinator(*c, "g1", protocol::coordinator_type::group).error_code, error_code::none);
    EXPECT_EQ(find_coordinator(*c, "other", protocol::coordinator_type::group).error_code,
              error_code::group_authorization_failed);
    of = fetch_offsets(*c, "g1", "t");
    EXPECT_EQ(of.error_code, error_code::none);
    ASSERT_EQ(of.topics.size(), 1u);
    EXPECT_EQ(of.topics[0].partitions[0].committed_offset, offset(1));
    of = fetch_offsets(*c, "g1", "hidden");
    ASSERT_EQ(of.topics.size(), 1u);
    EXPECT_EQ(of.topics[0].partitions[0].error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(of.topics[0].partitions[0].committed_offset, offset(-1));
    EXPECT_EQ(describe_group(*c, "g1").error_code, error_code::none);
    EXPECT_EQ(join_group(*c, "g1"), error_code::group_authorization_failed);
    grant(*c, {acl(group, "g1", literal, me(), read)});
    EXPECT_EQ(commit_offset(*c, "g1", "hidden", 0), error_code::topic_authorization_failed);
    // OffsetCommit needs Read on the topic too: the DENY above refuses it.
    EXPECT_EQ(commit_offset(*c, "g1", "t", 3), error_code::topic_authorization_failed);
    delete_acls(*c, {exact(acl(topic, "t", literal, "User:*", read, deny))});
    EXPECT_EQ(commit_offset(*c, "g1", "t", 3), error_code::none);
    EXPECT_EQ(fetch(*c, "t").error_code, error_code::none);

    // --- Transactional id: Write on it.
    grant(*c, {acl(transactional_id, "tx", literal, me(), write)});
    EXPECT_EQ(find_coordinator(*c, "tx", protocol::coordinator_type::transaction).error_code, error_code::none);
    EXPECT_EQ(init_producer_id(*c, "tx").error_code, error_code::none);

    // --- Creating topics: Create on a prefix; auto-creation by Metadata too.
    EXPECT_EQ(create_topic(*c, "app-1").error_code, error_code::topic_authorization_failed);
    grant(*c, {acl(topic, "app-", prefixed, me(), create), acl(topic, "app-", prefixed, me(), describe)});
    EXPECT_EQ(create_topic(*c, "app-1").error_code, error_code::none);
    auto auto_created = metadata(*c, std::vector<std::string>{"app-auto"}, true);
    ASSERT_EQ(auto_created.topics.size(), 1u);
    // Made in the background: the client asks again.
    EXPECT_EQ(auto_created.topics[0].error_code, error_code::leader_not_available);
    auto made = test_support::metadata_until_created(*c, {"app-auto"});
    EXPECT_TRUE(made) << made.error().message;
    // Describe without Create: no auto-creation, TOPIC_AUTHORIZATION_FAILED.
    grant(*c, {acl(topic, "d-", prefixed, me(), describe)});
    auto no_create = metadata(*c, std::vector<std::string>{"d-auto"}, true);
    ASSERT_EQ(no_create.topics.size(), 1u);
    EXPECT_EQ(no_create.topics[0].error_code, error_code::topic_authorization_failed);
    auto still_missing = metadata(*c, std::vector<std::string>{"d-auto"}, false);
    EXPECT_EQ(still_missing.topics[0].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(delete_topic(*c, "app-1"), error_code::topic_authorization_failed);

    // --- ListGroups: only groups the principal may Describe (Alter on the
    // cluster implies Describe there, which would show all: drop it last).
    auto removed = delete_acls(*c, {exact(acl(cluster, "kafka-cluster", literal, me(), alter))});
    ASSERT_EQ(removed.filter_results.size(), 1u);
    EXPECT_EQ(removed.filter_results[0].matching_acls.size(), 1u);
    EXPECT_EQ(list_groups(*c), std::vector<std::string>{"g1"});
    EXPECT_EQ(create_acls(*c, {acl(topic, "x", literal, me(), read)}).results[0].error_code,
              error_code::cluster_authorization_failed);
    EXPECT_EQ(describe_acls(*c, any_filter()).error_code, error_code::cluster_authorization_failed);
    EXPECT_EQ(delete_acls(*c, {any_filter()}).filter_results[0].error_code, error_code::cluster_authorization_failed);

    // --- Another authenticated principal gets none of it.
    if (!GetParam().connect_other) return;
    auto other = GetParam().connect_other(broker_->port());
    auto theirs = metadata(*other, std::vector<std::string>{"t"});
    ASSERT_EQ(theirs.topics.size(), 1u);
    EXPECT_EQ(theirs.topics[0].error_code, error_code::topic_authorization_failed);
    EXPECT_TRUE(metadata(*other, std::nullopt).topics.empty());
    EXPECT_EQ(produce(*other, "t").error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(fetch(*other, "t").error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(list_groups(*other), std::vector<std::string>{});
    EXPECT_EQ(describe_acls(*other, any_filter()).error_code, error_code::cluster_authorization_failed);
}

INSTANTIATE_TEST_SUITE_P(principals, acl_matrix, ::testing::ValuesIn(matrix_principals()),
                         [](const auto& info) { return info.param.label; });

}  // namespace
}  // namespace samsa::e2e::security
