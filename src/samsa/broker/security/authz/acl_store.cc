#include "samsa/broker/security/authz/acl_store.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "samsa/broker/topics/topic_table.h"

namespace samsa::broker::security::authz {

namespace fs = std::filesystem;

namespace {

nlohmann::json to_json(const acl_binding& b) {
    return {{"resource_type", to_string(b.pattern.type)}, {"name", b.pattern.name},
            {"pattern_type", to_string(b.pattern.pattern)}, {"principal", b.entry.principal},
            {"host", b.entry.host}, {"operation", to_string(b.entry.operation)},
            {"permission", to_string(b.entry.permission)}};
}

result<acl_binding> from_json(const nlohmann::json& j) {
    auto type = parse_resource_type(j.at("resource_type").get<std::string>());
    auto pattern = parse_pattern_type(j.at("pattern_type").get<std::string>());
    auto op = parse_operation(j.at("operation").get<std::string>());
    auto perm = parse_permission(j.at("permission").get<std::string>());
    if (!type || !pattern || !op || !perm) return make_error(errc::corrupt, "unknown name in ACL " + j.dump());
    acl_binding b{{*type, j.at("name").get<std::string>(), *pattern},
                  {j.at("principal").get<std::string>(), j.at("host").get<std::string>(), *op, *perm}};
    if (auto why = why_invalid(b)) return make_error(errc::corrupt, *why + " in ACL " + j.dump());
    return b;
}

}  // namespace

result<std::vector<acl_binding>> load_acls(const std::string& dir) {
    std::string path = (fs::path(dir) / acl_file_name).string();
    std::vector<acl_binding> out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!fs::exists(path)) return out;
        return make_error(errc::io_error, "cannot open " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
        auto j = nlohmann::json::parse(text.str());
        if (j.value("version", 0) != 1) return make_error(errc::unsupported, path + ": unknown version");
        for (const auto& a : j.at("acls")) {
            auto b = from_json(a);
            if (!b) return make_error(errc::corrupt, path + ": " + b.error().message);
            out.push_back(std::move(*b));
        }
    } catch (const nlohmann::json::exception& e) {
        return make_error(errc::corrupt, path + ": " + e.what());
    }
    return out;
}

status save_acls(const std::string& dir, const std::vector<acl_binding>& bindings) {
    nlohmann::json acls = nlohmann::json::array();
    for (const auto& b : bindings) acls.push_back(to_json(b));
    nlohmann::json j = {{"version", 1}, {"acls", std::move(acls)}};
    return write_file_atomically((fs::path(dir) / acl_file_name).string(), j.dump(1) + "\n");
}

}  // namespace samsa::broker::security::authz
