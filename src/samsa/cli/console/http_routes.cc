#include "samsa/cli/console/http_routes.h"

#include <httplib.h>

#include <string>

#include "samsa/cli/console/api_json.h"
#include "samsa/cli/console/cluster.h"
#include "samsa/cli/console/lag_history.h"
#include "samsa/cli/console/record_query.h"
#include "samsa/cli/console/topology_store.h"
#include "samsa/cli/console/web_assets.h"

namespace samsa::cli::console {

namespace {

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(dump_json(body), "application/json");
}

void send_error(httplib::Response& res, const error& e) { send_json(res, http_status_of(e.code), error_json(e)); }

void send_result(httplib::Response& res, const result<json>& r) {
    if (r) send_json(res, 200, *r);
    else send_error(res, r.error());
}

result<int32_t> parse_broker_id(const std::string& text) {
    try {
        size_t used = 0;
        int id = std::stoi(text, &used);
        if (used == text.size()) return id;
    } catch (const std::exception&) {
    }
    return make_error(errc::invalid_argument, "'" + text + "' is not a broker id");
}

void install_pages(httplib::Server& server) {
    for (const auto& asset : web_assets()) {
        server.Get(std::string(asset.path), [&asset](const httplib::Request&, httplib::Response& res) {
            res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type) + "; charset=utf-8");
        });
    }
}

void install_cluster_routes(httplib::Server& server, console_state& state) {
    server.Get("/api/cluster", [&](const httplib::Request&, httplib::Response& res) {
        send_result(res, state.kafka.overview());
    });
    server.Get(R"(/api/brokers/([^/]+)/configs)", [&](const httplib::Request& req, httplib::Response& res) {
        auto id = parse_broker_id(req.matches[1]);
        if (!id) return send_error(res, id.error());
        send_result(res, state.kafka.broker_configs(*id));
    });
    server.Get("/api/topics", [&](const httplib::Request&, httplib::Response& res) {
        send_result(res, state.kafka.topics());
    });
    server.Get(R"(/api/topics/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
        send_result(res, state.kafka.topic(req.matches[1]));
    });
    server.Get(R"(/api/topics/([^/]+)/records)", [&](const httplib::Request& req, httplib::Response& res) {
        auto query = parse_record_query(req.params);
        if (!query) return send_error(res, query.error());
        send_result(res, state.kafka.records(req.matches[1], *query));
    });
}

void install_group_routes(httplib::Server& server, console_state& state) {
    server.Get("/api/groups", [&](const httplib::Request&, httplib::Response& res) {
        send_result(res, state.kafka.groups());
    });
    server.Get(R"(/api/groups/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
        send_result(res, state.kafka.group(req.matches[1]));
    });
    server.Get(R"(/api/groups/([^/]+)/lag-history)", [&](const httplib::Request& req, httplib::Response& res) {
        send_json(res, 200, state.lags.to_json(req.matches[1]));
    });
}

void install_topology_routes(httplib::Server& server, console_state& state) {
    server.Get("/api/topologies", [&](const httplib::Request&, httplib::Response& res) {
        send_json(res, 200, state.topologies.list_json());
    });
    server.Get(R"(/api/topologies/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
        send_result(res, state.topologies.get_json(req.matches[1]));
    });
    server.Post("/api/topologies", [&](const httplib::Request& req, httplib::Response& res) {
        auto body = json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object() || !body.contains("name") || !body["name"].is_string() ||
            !body.contains("text") || !body["text"].is_string()) {
            return send_error(res, make_error(errc::invalid_argument,
                                              "expected a JSON body {\"name\": \"<application.id>\", \"text\": \"<describe() output>\"}"));
        }
        auto name = body["name"].get<std::string>();
        if (auto s = state.topologies.put(name, body["text"].get<std::string>()); !s) return send_error(res, s.error());
        send_result(res, state.topologies.get_json(name));
    });
}

}  // namespace

void install_routes(httplib::Server& server, console_state& state) {
    install_pages(server);
    install_cluster_routes(server, state);
    install_group_routes(server, state);
    install_topology_routes(server, state);
    server.Get(R"(/api/.*)", [](const httplib::Request& req, httplib::Response& res) {
        send_error(res, make_error(errc::not_found, "no such API: " + req.path));
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = std::string("internal error: ") + e.what();
        } catch (...) {
        }
        send_error(res, make_error(errc::io_error, what));
        res.status = 500;
    });
}

}  // namespace samsa::cli::console
