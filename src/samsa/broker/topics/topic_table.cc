#include "samsa/broker/topics/topic_table.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <functional>
#include <map>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "samsa/broker/topics/table_write_batch.h"

namespace samsa::broker {

namespace fs = std::filesystem;

namespace {

error io_error(const std::string& what) { return make_error(errc::io_error, what + ": " + std::strerror(errno)); }

// The open table_write_batch scopes of this thread and the writes they hold back.
struct deferred_writes {
    int depth = 0;
    std::map<const topic_table*, std::function<status()>> pending;
};
thread_local deferred_writes deferred;

bool writes_deferred() { return deferred.depth > 0; }

}  // namespace

table_write_batch::table_write_batch() { ++deferred.depth; }

table_write_batch::~table_write_batch() {
    if (committed_) return;
    if (auto s = commit(); !s)
        spdlog::error("writing {} failed: {} (auto-created topics are adopted from their directories at the next "
                      "start)",
                      topic_table::file_name, s.error().message);
}

status table_write_batch::commit() {
    if (committed_) return ok();
    committed_ = true;
    if (--deferred.depth > 0) return ok();
    auto pending = std::move(deferred.pending);
    deferred.pending.clear();
    status first_error = ok();
    for (auto& [_, write] : pending) {
        if (auto s = write(); !s && first_error) first_error = s;
    }
    return first_error;
}

status write_file_atomically(const std::string& path, std::string_view contents) {
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("open " + tmp);
    size_t done = 0;
    while (done < contents.size()) {
        ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            auto e = io_error("write " + tmp);
            ::close(fd);
            return e;
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        auto e = io_error("fsync " + tmp);
        ::close(fd);
        return e;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("rename " + tmp);
    std::string dir = fs::path(path).parent_path().string();
    if (dir.empty()) dir = ".";
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return ok();
}

topic_table topic_table::in_memory() { return topic_table(std::string()); }

result<topic_table> topic_table::load(const std::string& dir) {
    topic_table table(dir);
    std::string path = (fs::path(dir) / file_name).string();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!fs::exists(path)) return table;
        return io_error("open " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
        auto j = nlohmann::json::parse(text.str());
        if (j.value("version", 0) != 1) return make_error(errc::unsupported, path + ": unknown version");
        for (const auto& t : j.at("topics")) {
            topic_metadata m;
            m.name = t.at("name").get<std::string>();
            auto id = protocol::uuid_from_string(t.at("id").get<std::string>());
            if (!id) return make_error(errc::corrupt, path + ": bad topic id for " + m.name);
            m.id = *id;
            m.partition_count = t.at("partitions").get<int32_t>();
            if (t.contains("configs")) {
                for (const auto& [k, v] : t.at("configs").items()) m.configs[k] = v.get<std::string>();
            }
            std::string name = m.name;
            table.topics_.emplace(std::move(name), std::move(m));
        }
    } catch (const std::exception& e) {
        return make_error(errc::corrupt, path + ": " + e.what());
    }
    return table;
}

const topic_metadata* topic_table::find(std::string_view name) const {
    auto it = topics_.find(name);
    return it == topics_.end() ? nullptr : &it->second;
}

const topic_metadata* topic_table::find(const uuid& id) const {
    for (const auto& [_, m] : topics_) {
        if (m.id == id) return &m;
    }
    return nullptr;
}

status topic_table::persist() const {
    if (dir_.empty()) return ok();
    nlohmann::json topics = nlohmann::json::array();
    for (const auto& [_, m] : topics_) {
        topics.push_back({{"name", m.name},
                          {"id", protocol::to_string(m.id)},
                          {"partitions", m.partition_count},
                          {"configs", m.configs}});
    }
    nlohmann::json j = {{"version", 1}, {"topics", topics}};
    return write_file_atomically((fs::path(dir_) / file_name).string(), j.dump(1));
}

status topic_table::commit(std::map<std::string, topic_metadata, std::less<>> previous) {
    if (writes_deferred()) {
        deferred.pending[this] = [this] { return persist(); };
        return ok();
    }
    if (auto s = persist(); !s) {
        topics_ = std::move(previous);
        return s;
    }
    return ok();
}

result<const topic_metadata*> topic_table::create(std::string name, int32_t partitions, topic_configs configs,
                                                  std::optional<uuid> id) {
    if (topics_.contains(name)) return make_error(errc::already_exists, "Topic '" + name + "' already exists.");
    auto previous = writes_deferred() ? decltype(topics_){} : topics_;
    topic_metadata m{name, id.value_or(uuid::random()), partitions, std::move(configs), {}};
    while (!id && find(m.id)) m.id = uuid::random();
    topics_.emplace(name, std::move(m));
    if (auto s = commit(std::move(previous)); !s) return s.error();
    return find(name);
}

status topic_table::remove(std::string_view name) {
    auto it = topics_.find(name);
    if (it == topics_.end()) return make_error(errc::not_found, "unknown topic " + std::string(name));
    auto previous = writes_deferred() ? decltype(topics_){} : topics_;
    topics_.erase(it);
    return commit(std::move(previous));
}

status topic_table::set_partition_count(std::string_view name, int32_t partitions) {
    auto it = topics_.find(name);
    if (it == topics_.end()) return make_error(errc::not_found, "unknown topic " + std::string(name));
    auto previous = writes_deferred() ? decltype(topics_){} : topics_;
    it->second.partition_count = partitions;
    return commit(std::move(previous));
}

status topic_table::set_configs(std::string_view name, topic_configs configs) {
    auto it = topics_.find(name);
    if (it == topics_.end()) return make_error(errc::not_found, "unknown topic " + std::string(name));
    auto previous = writes_deferred() ? decltype(topics_){} : topics_;
    it->second.configs = std::move(configs);
    return commit(std::move(previous));
}

status topic_table::set_properties(std::string_view name, topic_properties properties) {
    auto it = topics_.find(name);
    if (it == topics_.end()) return make_error(errc::not_found, "unknown topic " + std::string(name));
    it->second.properties = std::move(properties);
    return ok();
}

}  // namespace samsa::broker
