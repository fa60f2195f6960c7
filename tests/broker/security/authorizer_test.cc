// The authorizer's rules, against Kafka 3.8's AclAuthorizer /
// StandardAuthorizer: resource matching (literal, wildcard, prefixed),
// principal and host matching, deny wins, implied operations, super users,
// allow.everyone.if.no.acl.found, authorize_any (authorizeByResourceType),
// filters, and the ACL file surviving a reopen.

#include <filesystem>

#include <gtest/gtest.h>

#include "samsa/broker/security/authz/acl_store.h"
#include "samsa/broker/security/authz/authorizer.h"
#include "tests/support/temp_dir.h"

namespace samsa::broker::security::authz {
namespace {

session who(std::string user, std::string host = "10.0.0.1") {
    session s;
    s.principal.name = std::move(user);
    s.client_host = std::move(host);
    return s;
}

acl_binding acl(resource_type type, std::string name, pattern_type pattern, std::string principal, operation op,
                permission perm = permission::allow, std::string host = "*") {
    return {{type, std::move(name), pattern}, {std::move(principal), std::move(host), op, perm}};
}

std::unique_ptr<authorizer> make(std::vector<acl_binding> acls, authorizer_settings settings = {}) {
    auto a = authorizer::open("", std::move(settings));
    EXPECT_TRUE(a);
    EXPECT_TRUE((*a)->add(acls));
    return std::move(*a);
}

constexpr auto topic = resource_type::topic;
constexpr auto group = resource_type::group;
constexpr auto literal = pattern_type::literal;
constexpr auto prefixed = pattern_type::prefixed;

TEST(authorizer, literal_acl_allows_only_its_principal_resource_and_operation) {
    auto a = make({acl(topic, "orders", literal, "User:alice", operation::read)});
    EXPECT_TRUE(a->authorize(who("alice"), operation::read, topic, "orders"));
    EXPECT_FALSE(a->authorize(who("bob"), operation::read, topic, "orders"));
    EXPECT_FALSE(a->authorize(who("alice"), operation::write, topic, "orders"));
    EXPECT_FALSE(a->authorize(who("alice"), operation::read, topic, "orders2"));
    EXPECT_FALSE(a->authorize(who("alice"), operation::read, group, "orders"));
}

TEST(authorizer, no_acl_on_the_resource_denies_unless_allow_everyone_if_no_acl_found) {
    auto strict = make({acl(topic, "orders", literal, "User:alice", operation::read)});
    EXPECT_FALSE(strict->authorize(who("bob"), operation::read, topic, "payments"));
    auto open = make({acl(topic, "orders", literal, "User:alice", operation::read)}, {{}, true});
    EXPECT_TRUE(open->authorize(who("bob"), operation::read, topic, "payments"));
    // An ACL on the resource, even for someone else, takes the default away.
    EXPECT_FALSE(open->authorize(who("bob"), operation::read, topic, "orders"));
}

TEST(authorizer, wildcard_resource_and_wildcard_principal) {
    auto a = make({acl(topic, "*", literal, "User:*", operation::describe)});
    EXPECT_TRUE(a->authorize(who("anyone"), operation::describe, topic, "whatever"));
    EXPECT_FALSE(a->authorize(who("anyone"), operation::read, topic, "whatever"));
}

TEST(authorizer, prefixed_acl_matches_names_starting_with_it) {
    auto a = make({acl(topic, "app-", prefixed, "User:alice", operation::write)});
    EXPECT_TRUE(a->authorize(who("alice"), operation::write, topic, "app-"));
    EXPECT_TRUE(a->authorize(who("alice"), operation::write, topic, "app-events"));
    EXPECT_FALSE(a->authorize(who("alice"), operation::write, topic, "ap"));
    EXPECT_FALSE(a->authorize(who("alice"), operation::write, topic, "other-app-events"));
}

TEST(authorizer, deny_wins_over_allow_from_any_pattern) {
    auto a = make({acl(topic, "app-", prefixed, "User:alice", operation::all),
                   acl(topic, "app-secret", literal, "User:alice", operation::read, permission::deny)});
    EXPECT_TRUE(a->authorize(who("alice"), operation::read, topic, "app-public"));
    EXPECT_FALSE(a->authorize(who("alice"), operation::read, topic, "app-secret"));
    // A deny of Read does not deny Write.
    EXPECT_TRUE(a->authorize(who("alice"), operation::write, topic, "app-secret"));

    auto b = make({acl(topic, "orders", literal, "User:alice", operation::read),
                   acl(topic, "*", literal, "User:*", operation::all, permission::deny)});
    EXPECT_FALSE(b->authorize(who("alice"), operation::read, topic, "orders"));
    EXPECT_FALSE(b->authorize(who("alice"), operation::describe, topic, "orders"));
}

TEST(authorizer, implied_operations) {
    for (auto granted : {operation::read, operation::write, operation::remove, operation::alter}) {
        auto a = make({acl(topic, "t", literal, "User:alice", granted)});
        EXPECT_TRUE(a->authorize(who("alice"), operation::describe, topic, "t")) << to_string(granted);
        EXPECT_FALSE(a->authorize(who("alice"), operation::describe_configs, topic, "t")) << to_string(granted);
    }
    auto c = make({acl(topic, "t", literal, "User:alice", operation::alter_configs)});
    EXPECT_TRUE(c->authorize(who("alice"), operation::describe_configs, topic, "t"));
    EXPECT_FALSE(c->authorize(who("alice"), operation::describe, topic, "t"));
    auto all = make({acl(topic, "t", literal, "User:alice", operation::all)});
    for (auto op : {operation::read, operation::write, operation::create, operation::remove, operation::alter,
                    operation::describe, operation::describe_configs, operation::alter_configs}) {
        EXPECT_TRUE(all->authorize(who("alice"), op, topic, "t")) << to_string(op);
    }
    // Describe does not imply Read; a deny of Describe does not deny Read.
    auto d = make({acl(topic, "t", literal, "User:alice", operation::describe)});
    EXPECT_FALSE(d->authorize(who("alice"), operation::read, topic, "t"));
    auto e = make({acl(topic, "t", literal, "User:alice", operation::read),
                   acl(topic, "t", literal, "User:alice", operation::describe, permission::deny)});
    EXPECT_TRUE(e->authorize(who("alice"), operation::read, topic, "t"));
    EXPECT_FALSE(e->authorize(who("alice"), operation::describe, topic, "t"));
}

TEST(authorizer, host_must_match_exactly_or_be_the_wildcard) {
    auto a = make({acl(topic, "t", literal, "User:alice", operation::read, permission::allow, "10.0.0.1")});
    EXPECT_TRUE(a->authorize(who("alice", "10.0.0.1"), operation::read, topic, "t"));
    EXPECT_FALSE(a->authorize(who("alice", "10.0.0.2"), operation::read, topic, "t"));
    auto b = make({acl(topic, "t", literal, "User:alice", operation::read),
                   acl(topic, "t", literal, "User:alice", operation::read, permission::deny, "10.0.0.9")});
    EXPECT_TRUE(b->authorize(who("alice", "10.0.0.1"), operation::read, topic, "t"));
    EXPECT_FALSE(b->authorize(who("alice", "10.0.0.9"), operation::read, topic, "t"));
}

TEST(authorizer, super_users_pass_even_explicit_denies) {
    authorizer_settings s;
    s.super_users = parse_super_users(" User:admin ;User:ops");
    EXPECT_EQ(s.super_users.size(), 2u);
    auto a = make({acl(topic, "*", literal, "User:*", operation::all, permission::deny)}, s);
    EXPECT_TRUE(a->authorize(who("admin"), operation::read, topic, "t"));
    EXPECT_TRUE(a->authorize(who("ops"), operation::cluster_action, resource_type::cluster, cluster_name));
    EXPECT_FALSE(a->authorize(who("alice"), operation::read, topic, "t"));
}

TEST(authorizer, authorize_any_follows_kafkas_authorize_by_resource_type) {
    // No ACL at all: denied, unless allow.everyone.if.no.acl.found.
    EXPECT_FALSE(make({})->authorize_any(who("alice"), operation::write, topic));
    EXPECT_TRUE(make({}, {{}, true})->authorize_any(who("alice"), operation::write, topic));
    // A literal allow counts; the same literal denied does not.
    EXPECT_TRUE(make({acl(topic, "t", literal, "User:alice", operation::write)})
                    ->authorize_any(who("alice"), operation::write, topic));
    EXPECT_FALSE(make({acl(topic, "t", literal, "User:alice", operation::write),
                       acl(topic, "t", literal, "User:alice", operation::write, permission::deny)})
                     ->authorize_any(who("alice"), operation::write, topic));
    // A prefixed deny covering the allowed name; a wider allow survives.
    EXPECT_FALSE(make({acl(topic, "app-x", literal, "User:alice", operation::write),
                       acl(topic, "app-", prefixed, "User:alice", operation::write, permission::deny)})
                     ->authorize_any(who("alice"), operation::write, topic));
    EXPECT_TRUE(make({acl(topic, "ap", prefixed, "User:alice", operation::write),
                      acl(topic, "app-", prefixed, "User:alice", operation::write, permission::deny)})
                    ->authorize_any(who("alice"), operation::write, topic));
    // Only the exact operation or All counts (Read does not give Write).
    EXPECT_FALSE(make({acl(topic, "t", literal, "User:alice", operation::read)})
                     ->authorize_any(who("alice"), operation::write, topic));
    // A wildcard deny denies everything.
    EXPECT_FALSE(make({acl(topic, "t", literal, "User:alice", operation::write),
                       acl(topic, "*", literal, "User:*", operation::write, permission::deny)})
                     ->authorize_any(who("alice"), operation::write, topic));
}

TEST(acl_filter, any_and_match_pattern_types) {
    auto lit = acl(topic, "orders", literal, "User:a", operation::read);
    auto wild = acl(topic, "*", literal, "User:a", operation::read);
    auto pre = acl(topic, "ord", prefixed, "User:a", operation::read);
    auto other = acl(topic, "pay", prefixed, "User:a", operation::read);
    acl_binding_filter any_named;
    any_named.name = "orders";
    EXPECT_TRUE(any_named.matches(lit));
    EXPECT_FALSE(any_named.matches(wild));
    EXPECT_FALSE(any_named.matches(pre));
    acl_binding_filter match = any_named;
    match.pattern = pattern_type::match;
    EXPECT_TRUE(match.matches(lit));
    EXPECT_TRUE(match.matches(wild));
    EXPECT_TRUE(match.matches(pre));
    EXPECT_FALSE(match.matches(other));
    acl_binding_filter prefixed_only;
    prefixed_only.pattern = prefixed;
    EXPECT_FALSE(prefixed_only.matches(lit));
    EXPECT_TRUE(prefixed_only.matches(pre));
    acl_binding_filter by_entry;
    by_entry.principal = "User:b";
    EXPECT_FALSE(by_entry.matches(lit));
    by_entry.principal = "User:a";
    by_entry.operation = operation::write;
    EXPECT_FALSE(by_entry.matches(lit));
    acl_binding_filter unknown;
    unknown.operation = operation::unknown;
    EXPECT_TRUE(unknown.why_invalid());
}

TEST(acl_binding, creation_rules_are_kafkas) {
    EXPECT_FALSE(why_invalid(acl(topic, "t", literal, "User:a", operation::read)));
    EXPECT_TRUE(why_invalid(acl(topic, "t", pattern_type::match, "User:a", operation::read)));
    EXPECT_TRUE(why_invalid(acl(topic, "t", pattern_type::any, "User:a", operation::read)));
    EXPECT_TRUE(why_invalid(acl(resource_type::any, "t", literal, "User:a", operation::read)));
    EXPECT_TRUE(why_invalid(acl(topic, "t", literal, "User:a", operation::any)));
    EXPECT_TRUE(why_invalid(acl(topic, "t", literal, "User:a", operation::read, permission::any)));
    EXPECT_TRUE(why_invalid(acl(topic, "t", literal, "alice", operation::read)));
    EXPECT_TRUE(why_invalid(acl(topic, "", literal, "User:a", operation::read)));
    EXPECT_TRUE(why_invalid(acl(resource_type::cluster, "c", literal, "User:a", operation::alter)));
    EXPECT_FALSE(why_invalid(acl(resource_type::cluster, "kafka-cluster", literal, "User:a", operation::alter)));
}

TEST(acl_names, parse_as_kafkas_tools_print_them) {
    EXPECT_EQ(parse_operation("IdempotentWrite"), operation::idempotent_write);
    EXPECT_EQ(parse_operation("idempotent-write"), operation::idempotent_write);
    EXPECT_EQ(parse_operation("DELETE"), operation::remove);
    EXPECT_EQ(parse_resource_type("transactional_id"), resource_type::transactional_id);
    EXPECT_EQ(parse_pattern_type("PREFIXED"), pattern_type::prefixed);
    EXPECT_EQ(parse_permission("deny"), permission::deny);
    EXPECT_FALSE(parse_operation("fly"));
}

TEST(authorizer, bindings_survive_a_reopen_and_removal_is_durable) {
    test_support::temp_dir tmp("acl");
    const std::string dir = tmp.string();
    {
        auto a = authorizer::open(dir, {});
        ASSERT_TRUE(a);
        std::vector<acl_binding> acls{acl(topic, "t", literal, "User:alice", operation::read),
                                      acl(group, "g-", prefixed, "User:alice", operation::read),
                                      acl(topic, "t", literal, "User:alice", operation::read)};
        ASSERT_TRUE((*a)->add(acls));
        EXPECT_EQ((*a)->bindings().size(), 2u);  // duplicates kept once
    }
    {
        auto a = authorizer::open(dir, {});
        ASSERT_TRUE(a);
        EXPECT_EQ((*a)->bindings().size(), 2u);
        EXPECT_TRUE((*a)->authorize(who("alice"), operation::read, group, "g-1"));
        acl_binding_filter groups;
        groups.type = group;
        auto removed = (*a)->remove(std::vector{groups});
        ASSERT_TRUE(removed);
        EXPECT_EQ((*removed)[0].size(), 1u);
    }
    auto a = authorizer::open(dir, {});
    ASSERT_TRUE(a);
    EXPECT_EQ((*a)->bindings().size(), 1u);
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(dir) / (std::string(acl_file_name) + ".tmp")));
}

TEST(authorizer, a_corrupt_acl_file_is_an_error_not_an_empty_set) {
    test_support::temp_dir tmp("acl");
    const std::string dir = tmp.string();
    {
        std::FILE* f = std::fopen((std::filesystem::path(dir) / acl_file_name).c_str(), "w");
        std::fputs("{not json", f);
        std::fclose(f);
    }
    EXPECT_FALSE(authorizer::open(dir, {}));
}

}  // namespace
}  // namespace samsa::broker::security::authz
