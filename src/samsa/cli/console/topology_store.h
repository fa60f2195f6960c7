#pragma once
// topology_store: the streams applications the console draws, by name: their
// describe() text as given (--topology NAME=FILE at start, or pasted into the
// page) and the parsed graph. A text that does not parse is refused and the
// store keeps what it had.
//
// Thread: any (one mutex).

#include <map>
#include <mutex>
#include <string>

#include "samsa/base/result.h"
#include "samsa/cli/console/api_json.h"

namespace samsa::cli::console {

class topology_store {
public:
    // Parses and stores (replacing an entry of the same name); the name is
    // taken as the application.id (it names the changelog topics).
    status put(const std::string& name, const std::string& describe_text);

    // {"topologies":[{"name","sub_topologies","nodes"}]}
    json list_json() const;
    // {"name","text","graph":{...}}; errc::not_found for an unknown name.
    result<json> get_json(const std::string& name) const;

private:
    struct entry {
        std::string text;
        nlohmann::json graph;
    };
    mutable std::mutex mutex_;
    std::map<std::string, entry> entries_;
};

}  // namespace samsa::cli::console
