#pragma once
// group_state: the five states of a classic consumer group, with Kafka's
// names (Redpanda spells them the same way in snake_case). The transitions
// are in docs/group_coordinator.md.
//
//   empty                 no members; the group may still hold committed offsets
//   preparing_rebalance   a join round is open: members must (re)join
//   completing_rebalance  the round closed, the leader's assignment is awaited
//   stable                every member has its assignment
//   dead                  deleted (DeleteGroups); kept only until its last use
//
// Thread: any; constants.

#include <string_view>

namespace samsa::broker::group {

enum class group_state { empty, preparing_rebalance, completing_rebalance, stable, dead };

// Kafka's names as ListGroups/DescribeGroups carry them: "Empty",
// "PreparingRebalance", "CompletingRebalance", "Stable", "Dead".
std::string_view kafka_name(group_state s);
// The inverse, for ListGroups' states filter (case-insensitive as Kafka's
// parse); false when the name is none of the five.
bool parse_group_state(std::string_view name, group_state& out);

// Whether `to` may follow `from` (Kafka's validPreviousStates).
bool valid_transition(group_state from, group_state to);

}  // namespace samsa::broker::group
