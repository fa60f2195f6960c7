#include "tests/support/broker_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>

namespace samsa::test_support {
namespace {

using clock = std::chrono::steady_clock;

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

std::string utc_now() {
    char buf[64];
    std::time_t t = std::time(nullptr);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

void append_to_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::app);
    f << text;
}

}  // namespace

uint16_t pick_free_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    uint16_t port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        socklen_t len = sizeof addr;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            port = ntohs(addr.sin_port);
        }
    }
    ::close(fd);
    return port;
}

bool port_accepts(uint16_t port, std::chrono::milliseconds timeout) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    bool ok = false;
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    if (rc == 0) {
        ok = true;
    } else if (errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        if (poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            ok = err == 0;
        }
    }
    ::close(fd);
    return ok;
}

std::filesystem::path default_broker_binary() {
    std::string dir = env_or_empty("SAMSA_BIN_DIR");
    if (dir.empty()) return {};
    return std::filesystem::path(dir) / "samsa-broker";
}

std::filesystem::path broker_beside_this_program() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    buf[n] = 0;
    return std::filesystem::path(buf).parent_path() / "samsa-broker";
}

std::filesystem::path source_dir() {
    return env_or_empty("SAMSA_SOURCE_DIR");
}

std::optional<long> rss_kib(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return std::nullopt;
}

broker_process::broker_process(broker_options options) : options_(std::move(options)) {
    if (options_.binary.empty()) {
        options_.binary = default_broker_binary();
    }
}

broker_process::~broker_process() {
    if (pid_ > 0) {
        stop();
    }
    // dir_ goes after the broker has stopped writing into it.
}

std::string broker_process::bootstrap() const {
    return "127.0.0.1:" + std::to_string(port());
}

std::vector<std::string> broker_process::listener_names() const {
    std::vector<std::string> names{options_.listener_name};
    names.insert(names.end(), options_.extra_listeners.begin(), options_.extra_listeners.end());
    return names;
}

uint16_t broker_process::listener_port(const std::string& name) const {
    auto names = listener_names();
    for (size_t i = 0; i < names.size() && i < ports_.size(); ++i) {
        if (names[i] == name) return ports_[i];
    }
    return 0;
}

bool broker_process::start() {
    failure_.clear();
    if (pid_ > 0) {
        failure_ = "broker already running";
        return false;
    }
    if (options_.binary.empty()) {
        failure_ = "SAMSA_BIN_DIR is not set and no broker binary was given";
        return false;
    }
    if (access(options_.binary.c_str(), X_OK) != 0) {
        failure_ = "broker binary " + options_.binary.string() + " is not there (build target samsa-broker)";
        return false;
    }
    if (!dir_) {
        try {
            dir_.emplace("broker", options_.temp_parent);
        } catch (const std::exception& e) {
            failure_ = e.what();
            return false;
        }
        data_dir_ = dir_->path();
        std::filesystem::create_directories(data_dir_ / "data");
    }
    for (const auto& name : options_.extra_listeners) {
        if (name.empty() || name.find(':') != std::string::npos) {
            failure_ = "extra_listeners takes listener names (the broker picks the ports), not '" + name + "'";
            return false;
        }
    }
    return spawn_and_wait();
}

bool broker_process::spawn_and_wait() {
    std::vector<std::string> args{options_.binary.string()};
    if (options_.properties_file) {
        args.push_back(options_.properties_file->string());
    }
    auto add_override = [&](const std::string& k, const std::string& v) {
        args.push_back("--override");
        args.push_back(k + "=" + v);
    };
    // Port 0 on the first start (the broker binds a free one and reports
    // it); the ports it reported then on a restart.
    const auto names = listener_names();
    std::string listeners;
    for (size_t i = 0; i < names.size(); ++i) {
        const uint16_t port = i < ports_.size() ? ports_[i] : 0;
        listeners += (i == 0 ? "" : ",") + names[i] + "://127.0.0.1:" + std::to_string(port);
    }
    add_override("listeners", listeners);
    add_override("log.dirs", (data_dir_ / "data").string());
    add_override("samsa.bound.listeners.file", bound_listeners_path().string());
    std::error_code ec;
    std::filesystem::remove(bound_listeners_path(), ec);  // the last run's report
    for (const auto& [k, v] : options_.overrides) {
        add_override(k, v);
    }
    command_line_.clear();
    for (const auto& a : args) command_line_ += (command_line_.empty() ? "" : " ") + a;

    ++starts_;
    append_to_file(log_path(), "=== samsa test support: start #" + std::to_string(starts_) + " at " + utc_now() +
                                   ": " + command_line_ + "\n");

    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string log = log_path().string();
    int log_fd = open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        failure_ = "cannot open " + log + ": " + strerror(errno);
        return false;
    }
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    // The environment, built before fork (the child only execs).
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        std::string entry(*e);
        bool replaced = false;
        for (const auto& [k, v] : options_.environment) replaced = replaced || entry.rfind(k + "=", 0) == 0;
        if (!replaced) env_strings.push_back(std::move(entry));
    }
    for (const auto& [k, v] : options_.environment) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t parent = getpid();
    auto spawned_at = clock::now();
    pid_t pid = fork();
    if (pid < 0) {
        failure_ = std::string("fork: ") + strerror(errno);
        ::close(log_fd);
        ::close(null_fd);
        return false;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        dup2(null_fd, 0);
        dup2(log_fd, 1);
        dup2(log_fd, 2);
        execve(argv[0], argv.data(), envp.data());
        static const char msg[] = "samsa test support: execv of the broker failed\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(127);
    }
    ::close(log_fd);
    ::close(null_fd);
    pid_ = pid;

    // The report appears whole (the broker renames it into place) once every
    // listener is bound and listening.
    auto deadline = spawned_at + options_.start_timeout;
    for (;;) {
        std::ifstream report(bound_listeners_path());
        if (report) {
            std::stringstream text;
            text << report.rdbuf();
            auto ports = parse_bound_listeners(text.str());
            if (!ports) {
                kill9();
                return false;
            }
            if (!running()) {
                failure_ = "broker exited right after reporting its listeners\n" + log_tail();
                return false;
            }
            ports_ = std::move(*ports);
            last_start_duration_ = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - spawned_at);
            return true;
        }
        if (!running()) {
            failure_ = "broker exited during start-up (listeners " + listeners + ")\n" + log_tail();
            return false;
        }
        if (clock::now() >= deadline) {
            failure_ = "broker did not report its listeners (" + listeners + ") in " +
                       bound_listeners_path().string() + " within " + std::to_string(options_.start_timeout.count()) +
                       " ms\n" + log_tail();
            kill9();
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

std::optional<std::vector<uint16_t>> broker_process::parse_bound_listeners(const std::string& text) {
    // One "NAME://host:port" line per listener, in the order of `listeners`;
    // then "http://host:port" when the metrics endpoint is on.
    const auto names = listener_names();
    std::vector<uint16_t> ports;
    metrics_port_ = 0;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const size_t sep = line.find("://");
        const size_t colon = line.rfind(':');
        const size_t i = ports.size();
        long port = colon == std::string::npos ? -1 : std::strtol(line.c_str() + colon + 1, nullptr, 10);
        if (line.rfind("http://", 0) == 0 && i == names.size() && metrics_port_ == 0 && port > 0 && port <= 65535) {
            metrics_port_ = static_cast<uint16_t>(port);
            continue;
        }
        if (sep == std::string::npos || colon <= sep || i >= names.size() || line.substr(0, sep) != names[i] ||
            port <= 0 || port > 65535 || (i < ports_.size() && port != ports_[i])) {
            failure_ = "unexpected line '" + line + "' in " + bound_listeners_path().string() + ":\n" + text;
            return std::nullopt;
        }
        ports.push_back(static_cast<uint16_t>(port));
    }
    if (ports.size() != names.size()) {
        failure_ = std::to_string(ports.size()) + " listener(s) in " + bound_listeners_path().string() + ", " +
                   std::to_string(names.size()) + " asked for:\n" + text;
        return std::nullopt;
    }
    return ports;
}

bool broker_process::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    pid_t w = waitpid(pid_, &status, WNOHANG);
    if (w == pid_ || (w < 0 && errno == ECHILD)) {
        pid_ = -1;
        return false;
    }
    return true;
}

std::optional<int> broker_process::wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t w = waitpid(pid_, &status, WNOHANG);
        if (w == pid_) {
            pid_ = -1;
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
            return -1;
        }
        if (w < 0 && errno != EINTR) {
            pid_ = -1;
            return -1;
        }
        if (clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

std::optional<int> broker_process::wait_for_exit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return std::nullopt;
    auto status = wait_exit(timeout);
    if (status)
        append_to_file(log_path(), "=== samsa test support: exited on its own, status " + std::to_string(*status) + "\n");
    return status;
}

std::optional<int> broker_process::stop() {
    if (pid_ <= 0) return std::nullopt;
    kill(pid_, SIGTERM);
    if (auto status = wait_exit(options_.stop_timeout)) {
        append_to_file(log_path(), "=== samsa test support: stopped by SIGTERM, exit status " +
                                       std::to_string(*status) + "\n");
        return status;
    }
    append_to_file(log_path(), "=== samsa test support: no exit " + std::to_string(options_.stop_timeout.count()) +
                                   " ms after SIGTERM; sending SIGKILL\n");
    kill(pid_, SIGKILL);
    return wait_exit(std::chrono::seconds(10)).value_or(-1);
}

void broker_process::kill9() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    (void)wait_exit(std::chrono::seconds(10));
    append_to_file(log_path(), "=== samsa test support: killed with SIGKILL\n");
}

bool broker_process::restart() {
    if (pid_ > 0) {
        stop();
    }
    return start();
}

std::string broker_process::log_text() const {
    std::ifstream f(log_path());
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string broker_process::log_tail(size_t lines) const {
    std::ifstream f(log_path());
    std::deque<std::string> tail;
    std::string line;
    size_t skipped = 0;
    while (std::getline(f, line)) {
        tail.push_back(std::move(line));
        if (tail.size() > lines) {
            tail.pop_front();
            ++skipped;
        }
    }
    std::string out = "--- broker log " + log_path().string();
    if (skipped) out += " (last " + std::to_string(lines) + " lines)";
    out += " ---\n";
    for (const auto& l : tail) out += l + "\n";
    return out + "--- end of broker log ---\n";
}

}  // namespace samsa::test_support
