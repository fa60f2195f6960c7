#pragma once
// topology_store: the streams applications the console draws, by name: their
// describe() text and the parsed graph. A text comes from a file at start
// (--topology NAME=FILE), from the page (pasted), or from a running
// application's URL (--topology NAME=http://...: read again each time the
// topology is shown, so the picture follows the application). A text that does
// not parse is refused and the store keeps what it had. An application may
// also have a metrics URL (--metrics NAME=URL: Prometheus text, node_rates.h),
// read each time its topology is shown, for records/s per processor node.
//
// Thread: any (one mutex; URLs are read outside it).

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "samsa/base/result.h"
#include "samsa/cli/console/api_json.h"

namespace samsa::cli::console {

// Reads a text (a describe() text, Prometheus metrics) from a URL (url_fetch.h in the console).
using text_fetcher = std::function<result<std::string>(const std::string& url)>;

class topology_store {
public:
    explicit topology_store(text_fetcher fetch = {}) : fetch_(std::move(fetch)) {}

    // Parses and stores (replacing an entry of the same name); the name is
    // taken as the application.id (it names the changelog topics).
    status put(const std::string& name, const std::string& describe_text);
    // Remembers a URL to read the text from; reads it once now to check it.
    status put_url(const std::string& name, const std::string& url);
    // Remembers where application `name` serves its metrics. Not read now: an
    // application that is down only leaves its picture without rates.
    void put_metrics_url(const std::string& name, const std::string& url);

    // {"topologies":[{"name","sub_topologies","nodes","url"}]}
    json list_json() const;
    // {"name","text","url","graph":{...}}, and with a metrics URL
    // "metrics_url" and "node_rates" {node: records/s} or "metrics_error";
    // errc::not_found for an unknown name, the fetch's error for a topology
    // URL that does not answer.
    result<json> get_json(const std::string& name);

private:
    struct entry {
        std::string text;
        nlohmann::json graph;
        std::string url;  // empty: a fixed text
    };
    result<entry> read_url(const std::string& name, const std::string& url) const;

    // The metrics part of get_json's answer, read outside the mutex.
    json metrics_json(const std::string& url) const;

    text_fetcher fetch_;
    mutable std::mutex mutex_;
    std::map<std::string, entry> entries_;
    std::map<std::string, std::string> metrics_urls_;
};

}  // namespace samsa::cli::console
