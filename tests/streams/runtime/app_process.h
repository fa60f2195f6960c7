#pragma once
// app_process: samsa-test-word-count-app (apps/word_count_app.cc) as a child
// process of a test, so that two processes share one application.id and one
// of them can be killed -9. Its stdout and stderr go to <dir>/<name>.log;
// status() reads the status file the app rewrites every 100 ms.
//
// Thread: the test's; not thread-safe. The child dies with the test
// (PR_SET_PDEATHSIG).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace samsa::streams::testing_fakes {

struct app_status {
    std::string state;
    std::set<std::string> tasks;
};

class app_process {
public:
    app_process(std::string name, std::filesystem::path dir) : name_(std::move(name)), dir_(std::move(dir)) {}
    ~app_process() {
        if (pid_ > 0) kill9();
    }
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
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        int log_fd = open(log_path().c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        pid_t parent = getpid();
        pid_ = fork();
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(127);
            dup2(log_fd, 1);
            dup2(log_fd, 2);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(log_fd);
        return pid_ > 0;
    }

    // SIGTERM and a bounded wait for the exit status (nullopt: had to kill).
    std::optional<int> stop(std::chrono::seconds timeout = std::chrono::seconds(40)) {
        if (pid_ <= 0) return std::nullopt;
        ::kill(pid_, SIGTERM);
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int st = 0;
            if (waitpid(pid_, &st, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        kill9();
        return std::nullopt;
    }

    void kill9() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int st = 0;
        waitpid(pid_, &st, 0);
        pid_ = -1;
    }

    // False when the child has exited.
    bool running() {
        if (pid_ <= 0) return false;
        int st = 0;
        if (waitpid(pid_, &st, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        return true;
    }

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
        std::ifstream in(log_path());
        std::stringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();
        return text.size() > 6000 ? text.substr(text.size() - 6000) : text;
    }

    std::filesystem::path status_path() const { return dir_ / (name_ + ".status"); }
    std::filesystem::path log_path() const { return dir_ / (name_ + ".log"); }

private:
    std::string name_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
};

}  // namespace samsa::streams::testing_fakes
