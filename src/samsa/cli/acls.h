#pragma once
// samsa acls add|list|remove: kafka-acls.sh over librdkafka's ACL admin API
// (CreateAcls, DescribeAcls, DeleteAcls).
//
//   samsa acls add --allow-principal User:alice --operation Read --operation Describe --topic orders
//   samsa acls add --deny-principal User:* --operation Write --topic audit- --resource-pattern-type prefixed
//   samsa acls add --allow-principal User:admin --operation Alter --cluster
//   samsa acls list [--topic orders --resource-pattern-type match] [--principal User:alice] [--format json]
//   samsa acls remove --allow-principal User:alice --operation Read --topic orders
//
// One resource per command (--topic, --group, --transactional-id or
// --cluster); add needs one, list and remove without one mean every
// resource. Patterns: literal (add's default), prefixed, and for list/remove
// also match and any (their default). Operations: All (add's default), Read,
// Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs,
// AlterConfigs, IdempotentWrite.
//
// Thread: main.

#include <string>
#include <vector>

#include "samsa/cli/command.h"
#include "samsa/cli/options.h"

namespace CLI {
class App;
}

namespace samsa::cli {

struct acls_args {
    std::string topic, group, transactional_id;
    bool cluster = false;
    std::string pattern;  // empty: the command's default
    std::vector<std::string> allow_principals, deny_principals;
    std::string principal;  // list/remove filter
    std::vector<std::string> allow_hosts, deny_hosts;
    std::vector<std::string> operations;
    std::string format = "text";
    CLI::App* add = nullptr;
    CLI::App* list = nullptr;
    CLI::App* remove = nullptr;
};

CLI::App* add_acls_command(CLI::App& app, acls_args& args, connection_options& connection);
int run_acls(const acls_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
