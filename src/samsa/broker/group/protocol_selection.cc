#include "samsa/broker/group/protocol_selection.h"

#include <algorithm>
#include <map>

namespace samsa::broker::group {

std::optional<std::string> select_protocol(const std::vector<const std::vector<join_protocol>*>& members) {
    if (members.empty()) return std::nullopt;
    std::map<std::string, size_t> supported_by;
    for (const auto* protocols : members) {
        std::vector<std::string> seen;
        for (const auto& p : *protocols) {
            if (std::find(seen.begin(), seen.end(), p.name) != seen.end()) continue;  // a duplicate name counts once
            seen.push_back(p.name);
            ++supported_by[p.name];
        }
    }
    auto is_candidate = [&](const std::string& name) {
        auto it = supported_by.find(name);
        return it != supported_by.end() && it->second == members.size();
    };
    std::map<std::string, size_t> votes;
    for (const auto* protocols : members) {
        for (const auto& p : *protocols) {
            if (is_candidate(p.name)) {
                ++votes[p.name];
                break;
            }
        }
    }
    if (votes.empty()) return std::nullopt;
    size_t best = 0;
    for (const auto& [name, n] : votes) best = std::max(best, n);
    // Tie: the leader's preference decides.
    for (const auto& p : *members.front()) {
        auto it = votes.find(p.name);
        if (it != votes.end() && it->second == best) return p.name;
    }
    return std::nullopt;  // unreachable: the leader votes for a candidate
}

}  // namespace samsa::broker::group
