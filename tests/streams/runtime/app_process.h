#pragma once
// app_process: samsa-test-word-count-app (apps/word_count_app.cc) as a child
// process of a test, so that two processes share one application.id and one
// of them can be killed -9. Its stdout and stderr go to <dir>/<name>.log;
// status() reads the status file the app rewrites every 100 ms.
//
// Thread: the test's; not thread-safe. The child dies with the test
// (PR_SET_PDEATHSIG): the process is test_support::child_process.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace samsa::streams::testing_fakes {

struct app_status {
    std::string state;
    std::set<std::string> tasks;
};

class app_process {
public:
    app_process(std::string name, std::filesystem::path dir) : name_(std::move(name)), dir_(std::move(dir)) {}
    app_process(const app_process&) = delete;
    app_process& operator=(const app_process&) = delete;

    static std::filesystem::path binary() {
        const char* bin = std::getenv("SAMSA_BIN_DIR");
        return bin ? std::filesystem::path(bin) / "samsa-test-word-count-app" : std::filesystem::path();
    }

    // Spawns the app with the given properties; false when the binary is missing.
    bool start(const std::map<std::string, std::string>& properties, const std::string& store = "rocksdb") {
        std::filesystem::create_directories(dir_);
        std::vector<std::string> args{binary().string(), "--status-file", status_path().string(), "--store", store};
        for (const auto& [k, v] : properties) args.push_back(k + "=" + v);
        if (!std::filesystem::exists(args[0])) return false;
        std::filesystem::remove(status_path());
        return child_.spawn(std::move(args), log_path(), test_support::child_process::log_mode::append);
    }

    // SIGTERM and a bounded wait for the exit status (nullopt: had to kill).
    std::optional<int> stop(std::chrono::seconds timeout = std::chrono::seconds(40)) { return child_.terminate(timeout); }

    void kill9() { child_.kill9(); }

    // False when the child has exited.
    bool running() { return child_.running(); }

    app_status status() const {
        app_status s;
        std::ifstream in(status_path());
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("state=", 0) == 0) s.state = line.substr(6);
            if (line.rfind("tasks=", 0) == 0) {
                std::istringstream words(line.substr(6));
                for (std::string t; words >> t;) s.tasks.insert(t);
            }
        }
        return s;
    }

    std::string log_text() const {
        std::string text = test_support::file_text(log_path());
        return text.size() > 6000 ? text.substr(text.size() - 6000) : text;
    }

    std::filesystem::path status_path() const { return dir_ / (name_ + ".status"); }
    std::filesystem::path log_path() const { return dir_ / (name_ + ".log"); }

private:
    std::string name_;
    std::filesystem::path dir_;
    test_support::child_process child_;
};

}  // namespace samsa::streams::testing_fakes
