#include "samsa/broker/security/quota/quota_store.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "samsa/broker/topics/topic_table.h"

namespace samsa::broker::security::quota {

namespace fs = std::filesystem;

std::optional<std::string> why_invalid(const quota_entity& e) {
    if (e.empty()) return "Invalid empty client quota entity";
    std::set<std::string> seen;
    for (const auto& c : e) {
        if (c.type != user_type && c.type != client_id_type) return "Unhandled client quota entity type: " + c.type;
        if (!seen.insert(c.type).second) return "Duplicate " + c.type + " entity type";
        if (c.name && c.name->empty()) return "Empty " + c.type + " name";
    }
    return std::nullopt;
}

std::optional<std::string> why_invalid(const quota_op& op) {
    bool byte_rate = op.key == producer_byte_rate || op.key == consumer_byte_rate;
    if (!byte_rate && op.key != request_percentage) return "Invalid configuration key " + op.key;
    if (op.remove) return std::nullopt;
    if (byte_rate && op.value != std::floor(op.value))
        return "Configuration " + op.key + " must be a Long value";
    if (op.value <= 0) return "Configuration " + op.key + " must be positive";
    return std::nullopt;
}

result<quota_store> quota_store::open(const std::string& dir) {
    quota_store store(dir);
    if (dir.empty()) return store;
    std::string path = (fs::path(dir) / quota_file_name).string();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!fs::exists(path)) return store;
        return make_error(errc::io_error, "cannot open " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
        auto j = nlohmann::json::parse(text.str());
        if (j.value("version", 0) != 1) return make_error(errc::unsupported, path + ": unknown version");
        for (const auto& q : j.at("quotas")) {
            quota_entity e;
            for (const auto& c : q.at("entity")) {
                entity_component comp{c.at("type").get<std::string>(), std::nullopt};
                if (!c.at("name").is_null()) comp.name = c.at("name").get<std::string>();
                e.push_back(std::move(comp));
            }
            std::sort(e.begin(), e.end());
            if (auto why = why_invalid(e)) return make_error(errc::corrupt, path + ": " + *why);
            for (const auto& [k, v] : q.at("values").items()) store.quotas_[e][k] = v.get<double>();
        }
    } catch (const nlohmann::json::exception& ex) {
        return make_error(errc::corrupt, path + ": " + ex.what());
    }
    return store;
}

std::optional<double> quota_store::value(const quota_entity& e, std::string_view key) const {
    auto it = quotas_.find(e);
    if (it == quotas_.end()) return std::nullopt;
    auto v = it->second.find(key);
    if (v == it->second.end()) return std::nullopt;
    return v->second;
}

status quota_store::alter(const std::vector<std::pair<quota_entity, std::vector<quota_op>>>& changes) {
    auto next = quotas_;
    for (const auto& [e, ops] : changes) {
        auto& values = next[e];
        for (const auto& op : ops) {
            if (op.remove) {
                values.erase(op.key);
            } else {
                values[op.key] = op.value;
            }
        }
        if (values.empty()) next.erase(e);
    }
    if (auto s = save(next); !s) return s;
    quotas_ = std::move(next);
    return ok();
}

status quota_store::save(const std::map<quota_entity, quota_values>& next) const {
    if (dir_.empty()) return ok();
    nlohmann::json quotas = nlohmann::json::array();
    for (const auto& [e, values] : next) {
        nlohmann::json entity = nlohmann::json::array();
        for (const auto& c : e) entity.push_back({{"type", c.type}, {"name", c.name ? nlohmann::json(*c.name) : nlohmann::json()}});
        nlohmann::json v = nlohmann::json::object();
        for (const auto& [k, x] : values) v[k] = x;
        quotas.push_back({{"entity", std::move(entity)}, {"values", std::move(v)}});
    }
    nlohmann::json j = {{"version", 1}, {"quotas", std::move(quotas)}};
    return write_file_atomically((fs::path(dir_) / quota_file_name).string(), j.dump(1) + "\n");
}

}  // namespace samsa::broker::security::quota
