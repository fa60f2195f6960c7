// DescribeCluster (api key 60) through a raw socket, v0 and v1, against
// Kafka 3.8's answers: this node as the only broker and the controller, the
// cluster id Metadata gives, the endpoint-type errors, and the cluster's
// authorized operations (all, none, or not asked). No installed client sends
// DescribeCluster: confluent-kafka-python 1.7 / librdkafka 2.0.2 predate it,
// and kafkajs' and kafka-python's describeCluster() send Metadata.

#include <gtest/gtest.h>

#include <algorithm>

#include "samsa/protocol/messages/api_versions.h"
#include "samsa/protocol/messages/describe_cluster.h"
#include "samsa/protocol/messages/metadata.h"
#include "tests/broker/api_fixture.h"

namespace samsa::broker::testing {
namespace {

using protocol::error_code;

constexpr int32_t bit(int op) { return 1 << op; }
// AclOperation codes of AclEntry.supportedOperations(CLUSTER).
constexpr int32_t all_cluster_ops = bit(5) | bit(7) | bit(8) | bit(9) | bit(10) | bit(11) | bit(12);

protocol::describe_cluster_request describe_cluster(bool with_operations, int8_t endpoint_type = 1) {
    protocol::describe_cluster_request r;
    r.include_cluster_authorized_operations = with_operations;
    r.endpoint_type = endpoint_type;
    return r;
}

class describe_cluster_api : public api_fixture {};

TEST_F(describe_cluster_api, api_versions_advertises_v0_to_v1) {
    auto r = call<protocol::api_versions_response>(protocol::api_versions_request{"raw", "1.0"}, 3);
    auto it = std::find_if(r.api_keys.begin(), r.api_keys.end(),
                           [](const auto& k) { return k.api_key == protocol::api_key::describe_cluster; });
    ASSERT_NE(it, r.api_keys.end());
    EXPECT_EQ(it->min_version, 0);
    EXPECT_EQ(it->max_version, 1);
}

TEST_F(describe_cluster_api, names_this_node_as_broker_and_controller_at_every_version) {
    protocol::metadata_request m;
    m.topics.emplace();
    auto meta = call<protocol::metadata_response>(m, 12);
    ASSERT_EQ(meta.brokers.size(), 1u);
    for (int16_t v : {0, 1}) {
        auto r = call<protocol::describe_cluster_response>(describe_cluster(false), v);
        EXPECT_EQ(r.error_code, error_code::none) << "v" << v;
        EXPECT_FALSE(r.error_message.has_value());
        EXPECT_EQ(r.cluster_id, meta.cluster_id);
        EXPECT_FALSE(r.cluster_id.empty());
        EXPECT_EQ(r.controller_id, meta.brokers[0].node_id);
        ASSERT_EQ(r.brokers.size(), 1u);
        EXPECT_EQ(r.brokers[0].broker_id, meta.brokers[0].node_id);
        EXPECT_EQ(r.brokers[0].host, "127.0.0.1");
        EXPECT_EQ(r.brokers[0].port, port());
        EXPECT_FALSE(r.brokers[0].rack.has_value());
        EXPECT_EQ(r.cluster_authorized_operations, protocol::authorized_operations_unknown);  // not asked
        if (v == 1) {
            EXPECT_EQ(r.endpoint_type, 1);
        }
    }
}

TEST_F(describe_cluster_api, without_an_authorizer_every_cluster_operation_is_allowed) {
    auto r = call<protocol::describe_cluster_response>(describe_cluster(true), 1);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.cluster_authorized_operations, all_cluster_ops);
}

TEST_F(describe_cluster_api, a_broker_does_not_describe_controllers_nor_unknown_endpoint_types) {
    auto controllers = call<protocol::describe_cluster_response>(describe_cluster(false, 2), 1);
    EXPECT_EQ(controllers.error_code, error_code::mismatched_endpoint_type);
    EXPECT_TRUE(controllers.error_message.has_value());
    EXPECT_TRUE(controllers.brokers.empty());
    auto unknown = call<protocol::describe_cluster_response>(describe_cluster(false, 7), 1);
    EXPECT_EQ(unknown.error_code, error_code::unsupported_endpoint_type);
    EXPECT_TRUE(unknown.brokers.empty());
}

class describe_cluster_acl : public api_fixture {
protected:
    std::vector<std::string> overrides() const override {
        std::vector<std::string> o = {"authorizer.class.name=kafka.security.authorizer.AclAuthorizer"};
        if (super_user_) o.push_back("super.users=User:ANONYMOUS");
        return o;
    }
    bool super_user_ = false;
};

// Kafka answers the node list to anyone; the operations are 0 without
// Describe on the cluster.
TEST_F(describe_cluster_acl, without_describe_on_the_cluster_the_operations_are_zero) {
    auto r = call<protocol::describe_cluster_response>(describe_cluster(true), 1);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.brokers.size(), 1u);
    EXPECT_EQ(r.cluster_authorized_operations, 0);
    auto not_asked = call<protocol::describe_cluster_response>(describe_cluster(false), 0);
    EXPECT_EQ(not_asked.cluster_authorized_operations, protocol::authorized_operations_unknown);
}

TEST_F(describe_cluster_acl, a_super_user_may_do_everything_on_the_cluster) {
    stop();
    super_user_ = true;
    start();
    auto r = call<protocol::describe_cluster_response>(describe_cluster(true), 0);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.cluster_authorized_operations, all_cluster_ops);
}

}  // namespace
}  // namespace samsa::broker::testing
