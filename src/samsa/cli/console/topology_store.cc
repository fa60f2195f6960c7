#include "samsa/cli/console/topology_store.h"

#include <fmt/format.h>

#include "samsa/cli/console/node_rates.h"
#include "samsa/cli/console/topology_text.h"

namespace samsa::cli::console {

namespace {

result<nlohmann::json> parse_graph(const std::string& name, const std::string& text) {
    if (name.empty()) return make_error(errc::invalid_argument, "a topology needs a name (the application.id)");
    auto graph = parse_topology_description(text, name);
    if (!graph) return graph.error();
    return to_json(*graph);
}

}  // namespace

status topology_store::put(const std::string& name, const std::string& describe_text) {
    auto graph = parse_graph(name, describe_text);
    if (!graph) return graph.error();
    std::lock_guard lock(mutex_);
    entries_[name] = entry{describe_text, std::move(*graph), ""};
    return ok();
}

result<topology_store::entry> topology_store::read_url(const std::string& name, const std::string& url) const {
    if (!fetch_) return make_error(errc::unsupported, "topologies from URLs are not enabled");
    auto text = fetch_(url);
    if (!text) return text.error();
    auto graph = parse_graph(name, *text);
    if (!graph) return make_error(graph.error().code, fmt::format("{}: {}", url, graph.error().message));
    return entry{std::move(*text), std::move(*graph), url};
}

status topology_store::put_url(const std::string& name, const std::string& url) {
    auto e = read_url(name, url);
    if (!e) return e.error();
    std::lock_guard lock(mutex_);
    entries_[name] = std::move(*e);
    return ok();
}

void topology_store::put_metrics_url(const std::string& name, const std::string& url) {
    std::lock_guard lock(mutex_);
    metrics_urls_[name] = url;
}

json topology_store::metrics_json(const std::string& url) const {
    json out{{"metrics_url", url}};
    if (!fetch_) {
        out["metrics_error"] = "metrics URLs are not enabled";
        return out;
    }
    auto text = fetch_(url);
    if (!text) {
        out["metrics_error"] = text.error().message;
        return out;
    }
    out["node_rates"] = json::object();
    for (const auto& [node, rate] : node_process_rates(*text)) out["node_rates"][node] = rate;
    return out;
}

json topology_store::list_json() const {
    std::lock_guard lock(mutex_);
    auto rows = json::array();
    for (const auto& [name, e] : entries_) {
        rows.push_back({{"name", name}, {"sub_topologies", e.graph["sub_topologies"].size()},
                        {"nodes", e.graph["nodes"].size()}, {"url", e.url.empty() ? json(nullptr) : json(e.url)}});
    }
    return {{"topologies", rows}};
}

result<json> topology_store::get_json(const std::string& name) {
    std::string url, metrics_url;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(name);
        if (it == entries_.end()) return make_error(errc::not_found, fmt::format("no topology named '{}'", name));
        url = it->second.url;
        if (auto m = metrics_urls_.find(name); m != metrics_urls_.end()) metrics_url = m->second;
    }
    if (!url.empty()) {
        // A running application: read it again (its topology may have changed).
        auto fresh = read_url(name, url);
        if (!fresh) return fresh.error();
        std::lock_guard lock(mutex_);
        entries_[name] = std::move(*fresh);
    }
    json metrics = metrics_url.empty() ? json::object() : metrics_json(metrics_url);
    std::lock_guard lock(mutex_);
    const auto& e = entries_.at(name);
    json out{{"name", name}, {"text", e.text}, {"url", e.url.empty() ? json(nullptr) : json(e.url)}, {"graph", e.graph}};
    out.update(metrics);
    return out;
}

}  // namespace samsa::cli::console
