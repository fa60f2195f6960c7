#include "order_mail/customer_query_server.h"

#include <httplib.h>
#include <chrono>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "order_mail/records.h"
#include "order_mail/topology.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/prometheus_text.h"
#include "samsa/streams/serde.h"

namespace samsa::apps::order_mail {

namespace {

namespace s = samsa::streams;
constexpr const char* forwarded_header = "X-Samsa-Forwarded";

template<class V>
s::read_only_key_value_store<std::string, V> table(s::kafka_streams& app, const char* store) {
    using view = s::read_only_key_value_store<std::string, V>;
    return app.store(s::store_query_parameters<view>::from_name_and_type(
        store, s::queryable_store_types::key_value_store<std::string, V>(s::serdes::string(), s::serdes::fast_json<V>())));
}

void reply(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

// The inner join of the two tables for one id, from this instance's stores.
void answer_locally(s::kafka_streams& app, const std::string& id, httplib::Response& res) {
    auto who = table<customer>(app, customer_store).get(id);
    auto where = table<customer_address>(app, customer_address_store).get(id);
    if (!who || !where) {
        reply(res, 404, {{"error", "no customer with address for id " + id}});
        return;
    }
    reply(res, 200, {{"customer", *who}, {"address", *where}});
}

// Relays the owner's answer; 502 when it cannot be reached.
void forward(const s::host_info& owner, const httplib::Request& req, httplib::Response& res) {
    httplib::Client client(owner.host, owner.port);
    client.set_connection_timeout(5);
    client.set_read_timeout(10);
    auto answer = client.Get(req.path.c_str(), httplib::Headers{{forwarded_header, "1"}});
    if (!answer) {
        reply(res, 502, {{"error", "cannot reach " + owner.to_string() + ": " + httplib::to_string(answer.error())}});
        return;
    }
    res.status = answer->status;
    std::string type = answer->has_header("Content-Type") ? answer->get_header_value("Content-Type")
                                                          : std::string("application/json");
    res.set_content(answer->body, type.c_str());
}

void handle_customer(s::kafka_streams& app, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    try {
        if (!app.application_server().empty() && !req.has_header(forwarded_header)) {
            auto where = app.query_metadata_for_key(customer_store, id, s::serdes::string());
            if (where.active_host == s::host_info::unavailable()) {
                reply(res, 503, {{"error", "no instance holds this key now (rebalancing); retry"}});
                return;
            }
            if (where.active_host != s::host_info::parse(app.application_server())) {
                forward(where.active_host, req, res);
                return;
            }
        }
        answer_locally(app, id, res);
    } catch (const s::invalid_state_store_exception& e) {
        reply(res, 503, {{"error", e.what()}});
    } catch (const s::streams_exception& e) {
        reply(res, 503, {{"error", e.what()}});
    }
}

}  // namespace

struct customer_query_server::impl {
    httplib::Server server;
};

customer_query_server::customer_query_server() : impl_(std::make_unique<impl>()) {}

customer_query_server::~customer_query_server() { stop(); }

int customer_query_server::bind(const std::string& host, int port) {
    if (port == 0) return impl_->server.bind_to_any_port(host);
    return impl_->server.bind_to_port(host, port) ? port : -1;
}

void customer_query_server::serve(streams::kafka_streams& app, std::string topology_text) {
    impl_->server.Get(R"(/customers/([^/]+))", [&app](const httplib::Request& req, httplib::Response& res) {
        handle_customer(app, req, res);
    });
    impl_->server.Get("/metrics", [&app](const httplib::Request&, httplib::Response& res) {
        res.set_content(s::to_prometheus_text(app.metrics(), app.text_metrics()),
                        "text/plain; version=0.0.4; charset=utf-8");
    });
    impl_->server.Get("/topology", [text = std::move(topology_text)](const httplib::Request&, httplib::Response& res) {
        res.set_content(text, "text/plain; charset=utf-8");
    });
    thread_ = std::thread([this] {
        if (!impl_->server.listen_after_bind()) spdlog::error("[order-mail] the HTTP server stopped with an error");
    });
}

void customer_query_server::stop() {
    // httplib's stop() does nothing before the listener runs: wait (bounded)
    // for a thread that has only just been started.
    for (int i = 0; i < 100 && thread_.joinable() && !impl_->server.is_running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    impl_->server.stop();
    if (thread_.joinable()) thread_.join();
}

}  // namespace samsa::apps::order_mail
