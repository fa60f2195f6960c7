// `samsa acls` and `samsa quotas` against the real samsa-broker: ACLs added,
// listed (JSON), enforced and removed through the CLI; quotas altered and
// described.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/security/acl_client.h"
#include "tests/support/broker_process.h"
#include "tests/support/run_command.h"

namespace samsa::e2e::security {
namespace {

using namespace std::chrono_literals;

test_support::command_result samsa(const test_support::broker_process& broker, std::vector<std::string> args) {
    auto bin = test_support::default_broker_binary().parent_path() / "samsa";
    args.insert(args.begin(), bin.string());
    args.insert(args.begin() + 3, {"--bootstrap-server", broker.bootstrap()});
    test_support::command_options o;
    o.timeout = 30s;
    return test_support::run_command(args, o);
}

TEST(security_cli, acls_add_list_remove) {
    test_support::broker_options o;
    o.overrides = {{"authorizer.class.name", "kafka.security.authorizer.AclAuthorizer"},
                   {"super.users", "User:ANONYMOUS"}};
    test_support::broker_process broker(o);
    ASSERT_TRUE(broker.start()) << broker.failure();
    auto add = samsa(broker, {"acls", "add", "--allow-principal", "User:alice", "--operation", "Read", "--operation",
                              "Describe", "--topic", "orders"});
    ASSERT_EQ(add.exit_code, 0) << add.describe();
    auto add2 = samsa(broker, {"acls", "add", "--deny-principal", "User:*", "--operation", "Write", "--topic", "audit-",
                               "--resource-pattern-type", "prefixed"});
    ASSERT_EQ(add2.exit_code, 0) << add2.describe();
    auto list = samsa(broker, {"acls", "list", "--format", "json"});
    ASSERT_EQ(list.exit_code, 0) << list.describe();
    auto j = nlohmann::json::parse(list.out);
    EXPECT_EQ(j.size(), 3u) << list.out;
    auto match = samsa(broker, {"acls", "list", "--topic", "audit-log", "--resource-pattern-type", "match", "--format", "json"});
    ASSERT_EQ(match.exit_code, 0) << match.describe();
    auto m = nlohmann::json::parse(match.out);
    ASSERT_EQ(m.size(), 1u) << match.out;
    EXPECT_EQ(m[0]["permission"], "Deny");
    EXPECT_EQ(m[0]["pattern_type"], "Prefixed");
    auto bad = samsa(broker, {"acls", "add", "--allow-principal", "alice", "--topic", "t"});
    EXPECT_EQ(bad.exit_code, 1) << bad.describe();
    auto remove = samsa(broker, {"acls", "remove", "--topic", "orders"});
    ASSERT_EQ(remove.exit_code, 0) << remove.describe();
    EXPECT_NE(remove.out.find("Removed ACL"), std::string::npos);
    list = samsa(broker, {"acls", "list", "--format", "json"});
    EXPECT_EQ(nlohmann::json::parse(list.out).size(), 1u) << list.out;
}

TEST(security_cli, quotas_alter_and_describe) {
    test_support::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    auto alter = samsa(broker, {"quotas", "alter", "--user", "alice", "--client-defaults", "--add-config",
                                "producer_byte_rate=1048576,consumer_byte_rate=2097152"});
    ASSERT_EQ(alter.exit_code, 0) << alter.describe();
    auto bad = samsa(broker, {"quotas", "alter", "--user", "alice", "--add-config", "fly_rate=1"});
    EXPECT_EQ(bad.exit_code, 1) << bad.describe();
    auto d = samsa(broker, {"quotas", "describe", "--user", "alice", "--format", "json"});
    ASSERT_EQ(d.exit_code, 0) << d.describe();
    auto j = nlohmann::json::parse(d.out);
    ASSERT_EQ(j.size(), 1u) << d.out;
    EXPECT_EQ(j[0]["values"]["producer_byte_rate"], 1048576.0);
    EXPECT_TRUE(j[0]["entity"]["client-id"].is_null());
    auto del = samsa(broker, {"quotas", "alter", "--user", "alice", "--client-defaults", "--delete-config",
                              "producer_byte_rate,consumer_byte_rate"});
    ASSERT_EQ(del.exit_code, 0) << del.describe();
    d = samsa(broker, {"quotas", "describe", "--format", "json"});
    EXPECT_EQ(nlohmann::json::parse(d.out).size(), 0u) << d.out;
}

}  // namespace
}  // namespace samsa::e2e::security
