// Metadata's authorized operations (v8+) against the real samsa-broker: the
// bit set Kafka computes from the ACLs (1 << AclOperation code for each
// operation the resource type supports and the sender may do), INT32_MIN
// when not asked for or when the topic is not describable, 0 for the
// cluster without Describe, everything without an authorizer.

#include <gtest/gtest.h>

#include <memory>

#include "samsa/protocol/messages/metadata.h"
#include "tests/e2e/security/acl_client.h"
#include "tests/support/auto_create.h"
#include "tests/support/broker_process.h"

namespace samsa::e2e::security {
namespace {

using protocol::error_code;
using namespace codes;

constexpr int32_t bit(int8_t op) { return 1 << op; }
// AclEntry.supportedOperations, as Kafka 3.8 lists them.
constexpr int32_t all_topic_ops = bit(read) | bit(write) | bit(create) | bit(describe) | bit(remove) | bit(alter) |
                                  bit(describe_configs) | bit(alter_configs);
constexpr int8_t cluster_action = 9;
constexpr int32_t all_cluster_ops = bit(create) | bit(cluster_action) | bit(describe_configs) | bit(alter_configs) |
                                    bit(idempotent_write) | bit(alter) | bit(describe);

protocol::metadata_response metadata(raw_client& c, std::vector<std::string> names, bool ask, int16_t version = 9,
                                     bool auto_create = false) {
    protocol::metadata_request r;
    r.topics.emplace();
    for (auto& n : names) r.topics->push_back({samsa::uuid{}, n});
    r.allow_auto_topic_creation = auto_create;
    r.include_cluster_authorized_operations = ask;
    r.include_topic_authorized_operations = ask;
    return call<protocol::metadata_response>(c, r, version);
}

class authorized_operations : public ::testing::Test {
protected:
    void start(bool with_authorizer) {
        test_support::broker_options o;
        if (with_authorizer)
            o.overrides = {{"authorizer.class.name", "kafka.security.authorizer.AclAuthorizer"},
                           {"super.users", "User:ANONYMOUS"}};
        broker_ = std::make_unique<test_support::broker_process>(o);
        ASSERT_TRUE(broker_->start()) << broker_->failure();
    }
    void restart(bool super_user) {
        auto& o = broker_->options().overrides;
        std::erase_if(o, [](const auto& kv) { return kv.first == "super.users"; });
        if (super_user) o.emplace_back("super.users", "User:ANONYMOUS");
        ASSERT_TRUE(broker_->restart()) << broker_->failure();
    }
    void grant(std::vector<protocol::acl_creation> acls) {
        raw_client c(broker_->port());
        auto r = create_acls(c, std::move(acls));
        for (const auto& x : r.results) ASSERT_EQ(x.error_code, error_code::none) << x.error_message.value_or("");
    }
    void TearDown() override {
        if (HasFailure() && broker_) std::cerr << broker_->log_tail() << "\n";
    }
    std::unique_ptr<test_support::broker_process> broker_;
};

TEST_F(authorized_operations, without_an_authorizer_everything_the_type_supports) {
    start(false);
    raw_client c(broker_->port());
    // Auto-created in the background: answered at once, with the operations.
    auto first = metadata(c, {"orders"}, true, 10, true);
    ASSERT_EQ(first.topics.size(), 1u);
    EXPECT_EQ(first.topics[0].error_code, error_code::leader_not_available);
    EXPECT_EQ(first.topics[0].topic_authorized_operations, all_topic_ops);
    auto made = test_support::metadata_until_created(c, {"orders"});
    ASSERT_TRUE(made) << made.error().message;
    auto m = metadata(c, {"orders"}, true, 10, true);
    ASSERT_EQ(m.topics.size(), 1u);
    EXPECT_EQ(m.topics[0].error_code, error_code::none);
    EXPECT_EQ(m.topics[0].topic_authorized_operations, all_topic_ops);
    EXPECT_EQ(m.cluster_authorized_operations, all_cluster_ops);
    auto not_asked = metadata(c, {"orders"}, false);
    EXPECT_EQ(not_asked.topics[0].topic_authorized_operations, protocol::authorized_operations_unknown);
    EXPECT_EQ(not_asked.cluster_authorized_operations, protocol::authorized_operations_unknown);
    auto v7 = metadata(c, {"orders"}, true, 7);
    EXPECT_EQ(v7.topics[0].topic_authorized_operations, protocol::authorized_operations_unknown);
}

TEST_F(authorized_operations, follow_the_acls_of_the_sender) {
    start(true);
    {
        raw_client c(broker_->port());
        auto m = metadata(c, {"orders", "secret"}, true, 9, true);  // a super user creates both
        ASSERT_EQ(m.topics.size(), 2u);
        EXPECT_EQ(m.topics[0].topic_authorized_operations, all_topic_ops);
        EXPECT_EQ(m.cluster_authorized_operations, all_cluster_ops);
        auto made = test_support::metadata_until_created(c, {"orders", "secret"});
        ASSERT_TRUE(made) << made.error().message;
    }
    grant({acl(topic, "orders", literal, "User:ANONYMOUS", read),
           acl(topic, "ord", prefixed, "User:ANONYMOUS", alter_configs),
           acl(topic, "orders", literal, "User:*", write, deny)});
    restart(false);
    {
        raw_client c(broker_->port());
        auto m = metadata(c, {"orders", "secret"}, true);
        ASSERT_EQ(m.topics.size(), 2u);
        const auto& orders = m.topics[0].name == "orders" ? m.topics[0] : m.topics[1];
        const auto& secret = m.topics[0].name == "orders" ? m.topics[1] : m.topics[0];
        EXPECT_EQ(orders.error_code, error_code::none);
        // Read implies Describe, AlterConfigs implies DescribeConfigs; the DENY removes Write.
        EXPECT_EQ(orders.topic_authorized_operations,
                  bit(read) | bit(describe) | bit(alter_configs) | bit(describe_configs));
        EXPECT_EQ(secret.error_code, error_code::topic_authorization_failed);
        EXPECT_EQ(secret.topic_authorized_operations, protocol::authorized_operations_unknown);
        EXPECT_EQ(m.cluster_authorized_operations, 0);  // no Describe on the cluster
    }
    restart(true);
    grant({acl(cluster, "kafka-cluster", literal, "User:ANONYMOUS", idempotent_write),
           acl(cluster, "kafka-cluster", literal, "User:ANONYMOUS", describe)});
    restart(false);
    raw_client c(broker_->port());
    auto m = metadata(c, {"orders"}, true, 10);
    EXPECT_EQ(m.cluster_authorized_operations, bit(idempotent_write) | bit(describe));
}

}  // namespace
}  // namespace samsa::e2e::security
