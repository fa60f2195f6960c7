#include "samsa/cli/console/topology_store.h"

#include <fmt/format.h>

#include "samsa/cli/console/topology_text.h"

namespace samsa::cli::console {

status topology_store::put(const std::string& name, const std::string& describe_text) {
    if (name.empty()) return make_error(errc::invalid_argument, "a topology needs a name (the application.id)");
    auto graph = parse_topology_description(describe_text, name);
    if (!graph) return graph.error();
    std::lock_guard lock(mutex_);
    entries_[name] = entry{describe_text, to_json(*graph)};
    return ok();
}

json topology_store::list_json() const {
    std::lock_guard lock(mutex_);
    auto rows = json::array();
    for (const auto& [name, e] : entries_) {
        rows.push_back({{"name", name}, {"sub_topologies", e.graph["sub_topologies"].size()},
                        {"nodes", e.graph["nodes"].size()}});
    }
    return {{"topologies", rows}};
}

result<json> topology_store::get_json(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end()) return make_error(errc::not_found, fmt::format("no topology named '{}'", name));
    return json{{"name", name}, {"text", it->second.text}, {"graph", it->second.graph}};
}

}  // namespace samsa::cli::console
