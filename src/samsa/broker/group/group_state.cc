#include "samsa/broker/group/group_state.h"

#include <algorithm>
#include <cctype>

namespace samsa::broker::group {

std::string_view kafka_name(group_state s) {
    switch (s) {
    case group_state::empty: return "Empty";
    case group_state::preparing_rebalance: return "PreparingRebalance";
    case group_state::completing_rebalance: return "CompletingRebalance";
    case group_state::stable: return "Stable";
    case group_state::dead: return "Dead";
    }
    return "Unknown";
}

bool parse_group_state(std::string_view name, group_state& out) {
    auto same = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
               });
    };
    for (auto s : {group_state::empty, group_state::preparing_rebalance, group_state::completing_rebalance,
                   group_state::stable, group_state::dead}) {
        if (same(name, kafka_name(s))) {
            out = s;
            return true;
        }
    }
    return false;
}

bool valid_transition(group_state from, group_state to) {
    using enum group_state;
    switch (to) {
    case dead: return true;
    case preparing_rebalance: return from == stable || from == completing_rebalance || from == empty;
    case completing_rebalance: return from == preparing_rebalance;
    case stable: return from == completing_rebalance;
    case empty: return from == preparing_rebalance;
    }
    return false;
}

}  // namespace samsa::broker::group
