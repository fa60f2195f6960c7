#include "samsa/streams/internal/runtime/streams_metadata_state.h"

#include <algorithm>
#include <map>

#include "samsa/streams/internal/runtime/topology_metadata.h"

namespace samsa::streams {

host_info host_info::parse(const std::string& endpoint) {
    auto colon = endpoint.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= endpoint.size()) return unavailable();
    if (endpoint.find_first_not_of("0123456789", colon + 1) != std::string::npos) return unavailable();
    return {endpoint.substr(0, colon), static_cast<int32_t>(std::stol(endpoint.substr(colon + 1)))};
}

}  // namespace samsa::streams

namespace samsa::streams::internal {

namespace {
constexpr char endpoint_mark = '@';

const subtopology_info* subtopology_with_store(const topology_metadata& t, const std::string& store) {
    for (const auto& s : t.subtopologies()) {
        if (std::ranges::find(s.stores, store) != s.stores.end()) return &s;
    }
    return nullptr;
}
}  // namespace

std::string client_id_with_endpoint(const std::string& client_id, const std::string& application_server) {
    if (application_server.empty()) return client_id;
    return client_id + endpoint_mark + application_server;
}

std::optional<host_info> endpoint_of(const std::string& client_id) {
    auto at = client_id.rfind(endpoint_mark);
    if (at == std::string::npos) return std::nullopt;
    host_info h = host_info::parse(client_id.substr(at + 1));
    if (h == host_info::unavailable()) return std::nullopt;
    return h;
}

streams_metadata_state::streams_metadata_state(const topology_metadata& topology, std::set<std::string> global_stores,
                                               const std::vector<group_member_info>& members)
    : topology_(&topology), global_stores_(std::move(global_stores)) {
    std::map<host_info, streams_metadata> by_host;
    for (const auto& m : members) {
        auto host = endpoint_of(m.client_id);
        if (!host) continue;  // no application.server: not queryable from outside
        streams_metadata& md = by_host[*host];
        md.host = *host;
        md.state_store_names.insert(global_stores_.begin(), global_stores_.end());
        for (const auto& tp : m.assignment) {
            md.topic_partitions.insert({tp.topic, tp.partition});
            if (auto s = topology.subtopology_of(tp.topic)) {
                const auto& stores = topology.subtopology(*s).stores;
                md.state_store_names.insert(stores.begin(), stores.end());
            }
        }
    }
    for (auto& [host, md] : by_host) all_.push_back(std::move(md));
}

std::vector<streams_metadata> streams_metadata_state::for_store(const std::string& store) const {
    std::vector<streams_metadata> out;
    for (const auto& md : all_) {
        if (md.state_store_names.count(store)) out.push_back(md);
    }
    return out;
}

int streams_metadata_state::partition_count_of(const std::string& store) const {
    const subtopology_info* s = subtopology_with_store(*topology_, store);
    return s ? s->partitions : 0;
}

key_query_metadata streams_metadata_state::for_partition(const std::string& store, int32_t partition) const {
    const subtopology_info* s = subtopology_with_store(*topology_, store);
    if (!s) return key_query_metadata::not_available();
    key_query_metadata out;
    out.partition = partition;
    for (const auto& md : all_) {
        for (const auto& topic : s->source_topics) {
            if (md.topic_partitions.count({topic, partition})) {
                out.active_host = md.host;
                return out;
            }
        }
    }
    return out;
}

}  // namespace samsa::streams::internal
