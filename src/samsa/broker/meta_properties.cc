#include "samsa/broker/meta_properties.h"

#include <ctime>
#include <filesystem>

#include "samsa/broker/config/config_def.h"
#include "samsa/broker/config/properties.h"
#include "samsa/broker/topics/topic_table.h"
#include "samsa/base/uuid.h"

namespace samsa::broker {

namespace fs = std::filesystem;

result<meta_properties> load_or_create_meta_properties(const std::string& dir, samsa::node_id node) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return make_error(errc::io_error, "cannot create log dir " + dir + ": " + ec.message());
    std::string path = (fs::path(dir) / "meta.properties").string();
    if (fs::exists(path)) {
        auto props = read_properties_file(path);
        if (!props) return props.error();
        meta_properties meta;
        auto cid = props->values.find("cluster.id");
        if (cid == props->values.end() || cid->second.empty()) {
            return make_error(errc::corrupt, path + ": no cluster.id");
        }
        meta.cluster_id = cid->second;
        auto nid = props->values.find("node.id");
        if (nid == props->values.end()) nid = props->values.find("broker.id");
        if (nid != props->values.end()) {
            auto n = parse_config_int(nid->second);
            if (!n) return make_error(errc::corrupt, path + ": node.id " + n.error().message);
            if (*n != node()) {
                return make_error(errc::invalid_argument, path + " belongs to node " + nid->second +
                                                              ", but node.id is " + std::to_string(node()));
            }
        }
        meta.node = node;
        return meta;
    }
    meta_properties meta{samsa::to_string(samsa::uuid::random()), node};
    std::time_t now = std::time(nullptr);
    char when[64];
    std::strftime(when, sizeof when, "%a %b %d %H:%M:%S UTC %Y", std::gmtime(&now));
    std::string text = "#\n#" + std::string(when) + "\ncluster.id=" + meta.cluster_id +
                       "\nnode.id=" + std::to_string(node()) + "\nversion=1\n";
    if (auto s = write_file_atomically(path, text); !s) return s.error();
    return meta;
}

}  // namespace samsa::broker
