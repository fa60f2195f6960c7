#include "samsa/broker/security/scram/scram_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace samsa::broker::security {

namespace {

status write_fully(int fd, const std::string& text) {
    size_t at = 0;
    while (at < text.size()) {
        ssize_t n = ::write(fd, text.data() + at, text.size() - at);
        if (n < 0) return make_error(errc::io_error, "write failed");
        at += static_cast<size_t>(n);
    }
    return ok();
}

}  // namespace

result<scram_store> scram_store::open(const std::string& dir) {
    scram_store out;
    out.path_ = (std::filesystem::path(dir) / file_name).string();
    std::ifstream in(out.path_);
    if (!in) return out;
    std::stringstream text;
    text << in.rdbuf();
    auto doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return make_error(errc::corrupt, out.path_ + ": not a JSON object");
    }
    const nlohmann::json users = doc.value("users", nlohmann::json::object());
    for (const auto& [user, mechs] : users.items()) {
        for (const auto& [name, c] : mechs.items()) {
            auto m = parse_scram_mechanism(name);
            auto salt = base64_decode(c.value("salt", ""));
            auto stored = base64_decode(c.value("stored_key", ""));
            auto server = base64_decode(c.value("server_key", ""));
            if (!m || !salt || !stored || !server) return make_error(errc::corrupt, out.path_ + ": bad entry for " + user);
            out.users_[user][*m] = scram_credential{*salt, *stored, *server, c.value("iterations", 0)};
        }
    }
    return out;
}

std::optional<scram_credential> scram_store::find(const std::string& user, scram_mechanism m) const {
    auto u = users_.find(user);
    if (u == users_.end()) return std::nullopt;
    auto c = u->second.find(m);
    if (c == u->second.end()) return std::nullopt;
    return c->second;
}

std::map<scram_mechanism, int32_t> scram_store::describe(const std::string& user) const {
    std::map<scram_mechanism, int32_t> out;
    if (auto u = users_.find(user); u != users_.end()) {
        for (const auto& [m, c] : u->second) out[m] = c.iterations;
    }
    return out;
}

std::vector<std::string> scram_store::users() const {
    std::vector<std::string> out;
    for (const auto& [u, _] : users_) out.push_back(u);
    return out;
}

status scram_store::upsert(const std::string& user, scram_mechanism m, scram_credential c) {
    auto before = users_;
    users_[user][m] = std::move(c);
    if (auto s = save(); !s) {
        users_ = std::move(before);
        return s;
    }
    return ok();
}

result<bool> scram_store::remove(const std::string& user, scram_mechanism m) {
    auto u = users_.find(user);
    if (u == users_.end() || !u->second.contains(m)) return false;
    auto before = users_;
    u->second.erase(m);
    if (u->second.empty()) users_.erase(u);
    if (auto s = save(); !s) {
        users_ = std::move(before);
        return s.error();
    }
    return true;
}

status scram_store::save() const {
    nlohmann::json users = nlohmann::json::object();
    for (const auto& [user, mechs] : users_) {
        for (const auto& [m, c] : mechs) {
            users[user][std::string(scram_mechanism_name(m))] = {{"salt", base64_encode(c.salt)},
                                                                 {"stored_key", base64_encode(c.stored_key)},
                                                                 {"server_key", base64_encode(c.server_key)},
                                                                 {"iterations", c.iterations}};
        }
    }
    const std::string text = nlohmann::json{{"version", 1}, {"users", users}}.dump(2) + "\n";
    const std::string tmp = path_ + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(errc::io_error, "cannot create " + tmp);
    auto written = write_fully(fd, text);
    bool synced = written && ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || std::rename(tmp.c_str(), path_.c_str()) != 0) {
        std::remove(tmp.c_str());
        return make_error(errc::io_error, "cannot write " + path_);
    }
    int dir = ::open(std::filesystem::path(path_).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return ok();
}

}  // namespace samsa::broker::security
