#pragma once
// http_routes: the console's URL space on a cpp-httplib server: the embedded
// page (web_assets.h) and the JSON API (api_json.h lists the bodies):
//
//   GET  /api/cluster  /api/brokers/{id}/configs
//   GET  /api/topics   /api/topics/{t}   /api/topics/{t}/records?partition&offset|timestamp&limit
//   GET  /api/groups   /api/groups/{g}   /api/groups/{g}/lag-history
//   GET  /api/topologies   /api/topologies/{name}
//   POST /api/topologies  {"name","text"}     (a pasted describe() text)
//
// Every failure is a JSON error body with a 4xx/5xx status; an exception in a
// handler (a bug) is caught and answered as 500, so no request ends the console.
//
// Thread: handlers run on httplib's worker threads.

namespace httplib {
class Server;
}

namespace samsa::cli::console {

class cluster;
class lag_history;
class topology_store;

struct console_state {
    cluster& kafka;
    lag_history& lags;
    topology_store& topologies;
};

void install_routes(httplib::Server& server, console_state& state);

}  // namespace samsa::cli::console
