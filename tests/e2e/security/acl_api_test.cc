// CreateAcls / DescribeAcls / DeleteAcls against the real samsa-broker:
// through librdkafka's admin API (what `samsa acls` and other librdkafka
// tools send), and raw for Kafka's validation errors, filters and
// SECURITY_DISABLED; then a librdkafka producer refused by the ACLs.

#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <string>

#include "tests/e2e/security/acl_client.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::e2e::security {
namespace {

using namespace std::chrono_literals;
using protocol::error_code;
using namespace codes;

test_support::broker_options acl_broker(bool super_anonymous) {
    test_support::broker_options o;
    o.overrides = {{"authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"}};
    if (super_anonymous) o.overrides.push_back({"super.users", "User:ANONYMOUS"});
    return o;
}

// One admin client for a test; every wait bounded.
class rd_admin {
public:
    explicit rd_admin(const std::string& bootstrap) {
        char err[512];
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
        rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        queue_ = rd_kafka_queue_new(rk_);
    }
    ~rd_admin() {
        rd_kafka_queue_destroy(queue_);
        rd_kafka_destroy(rk_);
    }
    rd_kafka_t* rk() { return rk_; }
    rd_kafka_queue_t* queue() { return queue_; }

    // The result event of `type`, or nullptr after 20 s.
    rd_kafka_event_t* wait(rd_kafka_event_type_t type) {
        auto deadline = std::chrono::steady_clock::now() + 20s;
        while (std::chrono::steady_clock::now() < deadline) {
            rd_kafka_event_t* ev = rd_kafka_queue_poll(queue_, 500);
            if (!ev) continue;
            if (rd_kafka_event_type(ev) == type) return ev;
            rd_kafka_event_destroy(ev);
        }
        return nullptr;
    }

private:
    rd_kafka_t* rk_ = nullptr;
    rd_kafka_queue_t* queue_ = nullptr;
};

rd_kafka_AclBinding_t* binding(rd_kafka_ResourceType_t type, const char* name, rd_kafka_ResourcePatternType_t pattern,
                               const char* principal, rd_kafka_AclOperation_t op,
                               rd_kafka_AclPermissionType_t perm = RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW) {
    char err[512];
    auto* b = rd_kafka_AclBinding_new(type, name, pattern, principal, "*", op, perm, err, sizeof err);
    EXPECT_NE(b, nullptr) << err;
    return b;
}

// CreateAcls through librdkafka; the per-binding error codes.
std::vector<rd_kafka_resp_err_t> rd_create(rd_admin& a, std::vector<rd_kafka_AclBinding_t*> acls) {
    rd_kafka_CreateAcls(a.rk(), acls.data(), acls.size(), nullptr, a.queue());
    rd_kafka_AclBinding_destroy_array(acls.data(), acls.size());
    std::vector<rd_kafka_resp_err_t> out;
    rd_kafka_event_t* ev = a.wait(RD_KAFKA_EVENT_CREATEACLS_RESULT);
    if (!ev) {
        ADD_FAILURE() << "no CreateAcls result";
        return out;
    }
    EXPECT_EQ(rd_kafka_event_error(ev), RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_event_error_string(ev);
    size_t n = 0;
    const rd_kafka_acl_result_t** results = rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(ev), &n);
    for (size_t i = 0; i < n; ++i) {
        const rd_kafka_error_t* e = rd_kafka_acl_result_error(results[i]);
        out.push_back(e ? rd_kafka_error_code(e) : RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    rd_kafka_event_destroy(ev);
    return out;
}

struct seen_acl {
    int type;
    std::string name;
    int pattern;
    std::string principal;
    int op;
    int perm;
    bool operator<(const seen_acl& o) const { return std::tie(type, name, pattern, principal, op, perm) < std::tie(o.type, o.name, o.pattern, o.principal, o.op, o.perm); }
    bool operator==(const seen_acl&) const = default;
};

seen_acl seen(const rd_kafka_AclBinding_t* b) {
    return {rd_kafka_AclBinding_restype(b), rd_kafka_AclBinding_name(b), rd_kafka_AclBinding_resource_pattern_type(b),
            rd_kafka_AclBinding_principal(b), rd_kafka_AclBinding_operation(b),
            rd_kafka_AclBinding_permission_type(b)};
}

// DescribeAcls through librdkafka (an error code, and the bindings sorted).
std::pair<rd_kafka_resp_err_t, std::vector<seen_acl>> rd_describe(rd_admin& a, rd_kafka_ResourceType_t type,
                                                                  const char* name,
                                                                  rd_kafka_ResourcePatternType_t pattern) {
    char err[512];
    auto* f = rd_kafka_AclBindingFilter_new(type, name, pattern, nullptr, nullptr, RD_KAFKA_ACL_OPERATION_ANY,
                                            RD_KAFKA_ACL_PERMISSION_TYPE_ANY, err, sizeof err);
    EXPECT_NE(f, nullptr) << err;
    rd_kafka_DescribeAcls(a.rk(), f, nullptr, a.queue());
    rd_kafka_AclBinding_destroy(f);
    rd_kafka_event_t* ev = a.wait(RD_KAFKA_EVENT_DESCRIBEACLS_RESULT);
    if (!ev) return {RD_KAFKA_RESP_ERR__TIMED_OUT, {}};
    std::vector<seen_acl> out;
    rd_kafka_resp_err_t e = rd_kafka_event_error(ev);
    if (!e) {
        size_t n = 0;
        const rd_kafka_AclBinding_t** acls = rd_kafka_DescribeAcls_result_acls(rd_kafka_event_DescribeAcls_result(ev), &n);
        for (size_t i = 0; i < n; ++i) out.push_back(seen(acls[i]));
    }
    rd_kafka_event_destroy(ev);
    std::sort(out.begin(), out.end());
    return {e, out};
}

// DeleteAcls through librdkafka with one filter: the bindings it removed.
std::vector<seen_acl> rd_delete(rd_admin& a, rd_kafka_ResourceType_t type, const char* name,
                                rd_kafka_ResourcePatternType_t pattern, rd_kafka_AclOperation_t op) {
    char err[512];
    auto* f = rd_kafka_AclBindingFilter_new(type, name, pattern, nullptr, nullptr, op, RD_KAFKA_ACL_PERMISSION_TYPE_ANY,
                                            err, sizeof err);
    EXPECT_NE(f, nullptr) << err;
    rd_kafka_DeleteAcls(a.rk(), &f, 1, nullptr, a.queue());
    rd_kafka_AclBinding_destroy(f);
    rd_kafka_event_t* ev = a.wait(RD_KAFKA_EVENT_DELETEACLS_RESULT);
    std::vector<seen_acl> out;
    if (!ev) {
        ADD_FAILURE() << "no DeleteAcls result";
        return out;
    }
    size_t n = 0;
    const rd_kafka_DeleteAcls_result_response_t** responses =
        rd_kafka_DeleteAcls_result_responses(rd_kafka_event_DeleteAcls_result(ev), &n);
    EXPECT_EQ(n, 1u);
    if (n == 1) {
        EXPECT_EQ(rd_kafka_DeleteAcls_result_response_error(responses[0]), nullptr);
        size_t m = 0;
        const rd_kafka_AclBinding_t** acls = rd_kafka_DeleteAcls_result_response_matching_acls(responses[0], &m);
        for (size_t i = 0; i < m; ++i) out.push_back(seen(acls[i]));
    }
    rd_kafka_event_destroy(ev);
    std::sort(out.begin(), out.end());
    return out;
}

TEST(acl_api, librdkafka_admin_creates_describes_and_deletes_acls_that_survive_a_restart) {
    test_support::broker_process broker(acl_broker(true));
    ASSERT_TRUE(broker.start()) << broker.failure();
    {
        rd_admin a(broker.bootstrap());
        auto errors = rd_create(a, {binding(RD_KAFKA_RESOURCE_TOPIC, "orders", RD_KAFKA_RESOURCE_PATTERN_LITERAL,
                                            "User:alice", RD_KAFKA_ACL_OPERATION_READ),
                                    binding(RD_KAFKA_RESOURCE_TOPIC, "ord", RD_KAFKA_RESOURCE_PATTERN_PREFIXED,
                                            "User:bob", RD_KAFKA_ACL_OPERATION_WRITE,
                                            RD_KAFKA_ACL_PERMISSION_TYPE_DENY),
                                    binding(RD_KAFKA_RESOURCE_GROUP, "app-", RD_KAFKA_RESOURCE_PATTERN_PREFIXED,
                                            "User:alice", RD_KAFKA_ACL_OPERATION_READ),
                                    binding(RD_KAFKA_RESOURCE_TOPIC, "*", RD_KAFKA_RESOURCE_PATTERN_LITERAL, "User:*",
                                            RD_KAFKA_ACL_OPERATION_DESCRIBE)});
        EXPECT_EQ(errors, std::vector<rd_kafka_resp_err_t>(4, RD_KAFKA_RESP_ERR_NO_ERROR));
        // MATCH: what applies to topic "orders": the literal, the prefix and the wildcard.
        auto [e, match] = rd_describe(a, RD_KAFKA_RESOURCE_TOPIC, "orders", RD_KAFKA_RESOURCE_PATTERN_MATCH);
        EXPECT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR);
        EXPECT_EQ(match.size(), 3u);
        auto [e2, groups] = rd_describe(a, RD_KAFKA_RESOURCE_GROUP, nullptr, RD_KAFKA_RESOURCE_PATTERN_ANY);
        ASSERT_EQ(groups.size(), 1u);
        EXPECT_EQ(groups[0], (seen_acl{RD_KAFKA_RESOURCE_GROUP, "app-", RD_KAFKA_RESOURCE_PATTERN_PREFIXED,
                                       "User:alice", RD_KAFKA_ACL_OPERATION_READ, RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW}));
    }
    ASSERT_TRUE(broker.restart()) << broker.failure();
    rd_admin a(broker.bootstrap());
    auto [e, all] = rd_describe(a, RD_KAFKA_RESOURCE_ANY, nullptr, RD_KAFKA_RESOURCE_PATTERN_ANY);
    EXPECT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(all.size(), 4u) << "ACLs lost in the restart";
    auto removed = rd_delete(a, RD_KAFKA_RESOURCE_TOPIC, nullptr, RD_KAFKA_RESOURCE_PATTERN_ANY,
                             RD_KAFKA_ACL_OPERATION_ANY);
    EXPECT_EQ(removed.size(), 3u);
    auto [e3, left] = rd_describe(a, RD_KAFKA_RESOURCE_ANY, nullptr, RD_KAFKA_RESOURCE_PATTERN_ANY);
    EXPECT_EQ(left.size(), 1u);
}

TEST(acl_api, a_librdkafka_producer_without_write_gets_topic_authorization_failed) {
    test_support::broker_process broker(acl_broker(true));
    ASSERT_TRUE(broker.start()) << broker.failure();
    ASSERT_TRUE(test_support::create_topic(broker.bootstrap(), "open", 1));
    ASSERT_TRUE(test_support::create_topic(broker.bootstrap(), "locked", 1));
    {
        rd_admin a(broker.bootstrap());
        auto errors = rd_create(a, {binding(RD_KAFKA_RESOURCE_TOPIC, "open", RD_KAFKA_RESOURCE_PATTERN_LITERAL,
                                            "User:ANONYMOUS", RD_KAFKA_ACL_OPERATION_WRITE),
                                    binding(RD_KAFKA_RESOURCE_TOPIC, "locked", RD_KAFKA_RESOURCE_PATTERN_LITERAL,
                                            "User:ANONYMOUS", RD_KAFKA_ACL_OPERATION_DESCRIBE)});
        EXPECT_EQ(errors, std::vector<rd_kafka_resp_err_t>(2, RD_KAFKA_RESP_ERR_NO_ERROR));
    }
    broker.options().overrides = acl_broker(false).overrides;
    ASSERT_TRUE(broker.restart()) << broker.failure();
    auto ok = test_support::produce(broker.bootstrap(), "open", test_support::make_records(5, 1, "v"),
                                    {{"enable.idempotence", "true"}}, 20s);
    EXPECT_TRUE(ok) << (ok ? "" : ok.error().message);
    auto refused = test_support::produce(broker.bootstrap(), "locked", test_support::make_records(1, 1, "v"),
                                         {{"message.timeout.ms", "5000"}}, 20s);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("uthoriz"), std::string::npos) << refused.error().message;
}

TEST(acl_api, kafkas_validation_errors_and_filters) {
    test_support::broker_process broker(acl_broker(true));
    ASSERT_TRUE(broker.start()) << broker.failure();
    raw_client c(broker.port());
    auto r = create_acls(c, {acl(topic, "t", match, "User:a", read), acl(cluster, "my-cluster", literal, "User:a", alter),
                             acl(topic, "t", literal, "alice", read), acl(topic, "", literal, "User:a", read),
                             acl(topic, "t", literal, "User:a", 1 /* ANY */), acl(topic, "t", literal, "User:a", read, 1),
                             acl(topic, "t", literal, "User:a", read)});
    ASSERT_EQ(r.results.size(), 7u);
    for (size_t i = 0; i < 6; ++i) EXPECT_EQ(r.results[i].error_code, error_code::invalid_request) << i;
    EXPECT_EQ(r.results[1].error_message.value_or(""), "The only valid name for the CLUSTER resource is kafka-cluster");
    EXPECT_EQ(r.results[6].error_code, error_code::none);
    // v0 has no pattern type: LITERAL.
    auto v0 = create_acls(c, {acl(group, "g", prefixed, "User:a", read)}, 0);
    EXPECT_EQ(v0.results[0].error_code, error_code::none);
    auto d = describe_acls(c, {group, "g", literal, std::nullopt, std::nullopt, 1, 1}, 1);
    ASSERT_EQ(d.resources.size(), 1u);
    EXPECT_EQ(d.resources[0].pattern_type, literal);
    // An UNKNOWN field in a filter.
    EXPECT_EQ(describe_acls(c, {topic, std::nullopt, any, std::nullopt, std::nullopt, 0, 1}).error_code,
              error_code::invalid_request);
    auto del = delete_acls(c, {{topic, std::nullopt, any, std::nullopt, std::nullopt, 0, 1},
                               {any, std::nullopt, any, "User:a", std::nullopt, 1, 1}});
    ASSERT_EQ(del.filter_results.size(), 2u);
    EXPECT_EQ(del.filter_results[0].error_code, error_code::invalid_request);
    EXPECT_EQ(del.filter_results[1].error_code, error_code::none);
    EXPECT_EQ(del.filter_results[1].matching_acls.size(), 2u);
    EXPECT_TRUE(describe_acls(c, any_filter()).resources.empty());
}

TEST(acl_api, without_an_authorizer_the_acl_apis_answer_security_disabled) {
    test_support::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    raw_client c(broker.port());
    EXPECT_EQ(create_acls(c, {acl(topic, "t", literal, "User:a", read)}).results[0].error_code,
              error_code::security_disabled);
    EXPECT_EQ(describe_acls(c, any_filter()).error_code, error_code::security_disabled);
    EXPECT_EQ(delete_acls(c, {any_filter()}).filter_results[0].error_code, error_code::security_disabled);
}

}  // namespace
}  // namespace samsa::e2e::security
