#pragma once
// broker_process: one real samsa-broker child process for a test or a benchmark,
// with its own temporary data directory and listeners on loopback ports the
// broker picks itself.
//
//   samsa::test_support::broker_process broker;          // nothing started yet
//   ASSERT_TRUE(broker.start()) << broker.failure();      // bounded wait for the ports
//   run_kcat({"-b", broker.bootstrap(), "-L"});
//   broker.stop();      // SIGTERM, bounded wait, then SIGKILL
//   broker.restart();   // same data dir, same ports
//   broker.kill9();     // an unclean end, for recovery tests
//
// Ports: the first start binds every listener to port 0 and passes
// samsa.bound.listeners.file; the broker writes the listeners it bound there
// once all of them accept connections, and start() waits for that file. So
// start() returns only when every listener (not just the first) is served,
// with ports the broker already holds: no port is picked by the test and
// bound later by the broker, which another process could take meanwhile,
// and no probe can mistake another process's listener for this broker. A
// restart asks for the same ports again (a clear start failure if one was
// taken while the broker was down).
//
// The broker's stderr (its log) goes to <data dir>/broker.log, appended across
// restarts with a marker line per start; log_text() returns it for failure
// messages. The destructor stops the broker and removes the directory (a
// temp_dir: kept when SAMSA_KEEP_TEST_DIRS is set, for a post-mortem).
//
// The binary is $SAMSA_BIN_DIR/samsa-broker (samsa_test sets SAMSA_BIN_DIR),
// unless broker_options::binary names another.
//
// Thread: one owner thread; not thread-safe. The child is started with
// fork/exec and PR_SET_PDEATHSIG, so it dies with the test process.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/temp_dir.h"

namespace samsa::test_support {

struct broker_options {
    std::filesystem::path binary;  // empty: $SAMSA_BIN_DIR/samsa-broker
    std::optional<std::filesystem::path> properties_file;
    // The name of the first listener (listeners=<name>://127.0.0.1:<port>): port()
    // and bootstrap(). SSL or SASL_SSL tests add the keys it needs as overrides.
    std::string listener_name = "PLAINTEXT";
    // More listeners after it, by name only (e.g. "PLAINTEXT" beside a
    // SASL_SSL one), each on 127.0.0.1 too; listener_port(name) says where.
    std::vector<std::string> extra_listeners;
    // Extra `--override key=value` pairs, after listeners and log.dirs.
    std::vector<std::pair<std::string, std::string>> overrides;
    // Extra environment variables of the broker (e.g. SAMSA_CRASH_POINT).
    std::vector<std::pair<std::string, std::string>> environment;
    std::chrono::milliseconds start_timeout{std::chrono::seconds(10)};
    std::chrono::milliseconds stop_timeout{std::chrono::seconds(10)};
    // Where to create the temporary data dir (temp_dir); empty: $TMPDIR or /tmp.
    std::filesystem::path temp_parent;
};

// Builder for the options, so that tests read as what they change.
class broker_options_builder {
public:
    broker_options_builder& override_config(std::string key, std::string value) {
        options_.overrides.emplace_back(std::move(key), std::move(value));
        return *this;
    }
    broker_options_builder& listener_name(std::string name) { options_.listener_name = std::move(name); return *this; }
    broker_options_builder& extra_listener(std::string spec) { options_.extra_listeners.push_back(std::move(spec)); return *this; }
    broker_options_builder& binary(std::filesystem::path path) { options_.binary = std::move(path); return *this; }
    broker_options_builder& properties_file(std::filesystem::path path) { options_.properties_file = std::move(path); return *this; }
    broker_options_builder& start_timeout(std::chrono::milliseconds t) { options_.start_timeout = t; return *this; }
    broker_options_builder& temp_parent(std::filesystem::path dir) { options_.temp_parent = std::move(dir); return *this; }
    broker_options build() const { return options_; }
    operator broker_options() const { return options_; }  // NOLINT: a builder converts implicitly

private:
    broker_options options_;
};

class broker_process {
public:
    explicit broker_process(broker_options options = {});
    ~broker_process();
    broker_process(const broker_process&) = delete;
    broker_process& operator=(const broker_process&) = delete;

    // Creates the data dir (first time), spawns the broker and waits until it
    // reports its bound listeners (every one then accepts TCP). False with
    // failure() set when the binary is missing, the broker exits, or the wait
    // times out.
    [[nodiscard]] bool start();
    // SIGTERM, wait up to stop_timeout, then SIGKILL. Returns the exit status
    // (or 128+signal); nullopt when nothing was running.
    std::optional<int> stop();
    // SIGKILL, wait. Nothing is flushed or marked clean.
    void kill9();
    // stop() (if running) then start() on the same dir and ports.
    [[nodiscard]] bool restart();

    bool running();
    // The options of the next start (a restart may change the environment).
    broker_options& options() { return options_; }
    // Waits up to `timeout` for the broker to exit on its own (a crash
    // point); its status (128+signal when killed), or nullopt if it still runs.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
    pid_t pid() const { return pid_; }
    // The first listener's port; 0 before the first start.
    uint16_t port() const { return ports_.empty() ? 0 : ports_.front(); }
    // The port of the listener named `name` (listener_name or one of
    // extra_listeners); 0 when there is none or nothing started yet.
    uint16_t listener_port(const std::string& name) const;
    std::string bootstrap() const;  // "127.0.0.1:<port>"
    // The port of GET /metrics when the overrides set samsa.metrics.listener
    // (http://127.0.0.1:0 lets the broker pick, anew at each start); else 0.
    uint16_t metrics_port() const { return metrics_port_; }
    const std::filesystem::path& data_dir() const { return data_dir_; }
    std::filesystem::path log_path() const { return data_dir_ / "broker.log"; }
    // Where the broker reports its bound listeners (samsa.bound.listeners.file).
    std::filesystem::path bound_listeners_path() const { return data_dir_ / "bound-listeners"; }
    std::string log_text() const;
    // The last 'lines' lines of the log: enough to explain a failure.
    std::string log_tail(size_t lines = 60) const;
    const std::string& failure() const { return failure_; }
    // Time from the last spawn to the broker reporting its listeners.
    std::chrono::microseconds last_start_duration() const { return last_start_duration_; }
    // The command line of the last start, for messages.
    const std::string& command_line() const { return command_line_; }

private:
    bool spawn_and_wait();
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    // listener_name, then extra_listeners.
    std::vector<std::string> listener_names() const;
    // The ports in the report, in listener_names() order; nullopt with
    // failure_ set when it is not what this broker was asked to bind.
    std::optional<std::vector<uint16_t>> parse_bound_listeners(const std::string& text);

    broker_options options_;
    std::optional<temp_dir> dir_;     // <tmp>/samsa-broker-XXXXXX, made by the first start
    std::filesystem::path data_dir_;  // dir_'s path; the broker's log.dirs is data_dir_/data
    pid_t pid_ = -1;
    std::vector<uint16_t> ports_;  // listener_names() order; empty until the first start
    uint16_t metrics_port_ = 0;
    int starts_ = 0;
    std::string failure_;
    std::string command_line_;
    std::chrono::microseconds last_start_duration_{0};
};

// A loopback port that was free a moment ago (bind to port 0, read it, close):
// for an address nothing should listen on, never for a port a server binds
// later (another process may take it first; let the server bind port 0).
uint16_t pick_free_port();
// True when 127.0.0.1:port accepts a TCP connection within `timeout`.
bool port_accepts(uint16_t port, std::chrono::milliseconds timeout);
// The broker binary: $SAMSA_BIN_DIR/samsa-broker, or empty when unset.
std::filesystem::path default_broker_binary();
// samsa-broker in the running program's own folder (tools in build/bin use
// the broker built beside them); empty when /proc/self/exe is unreadable.
std::filesystem::path broker_beside_this_program();
// The source tree: $SAMSA_SOURCE_DIR, or empty when unset.
std::filesystem::path source_dir();
// VmRSS of a process in KiB, from /proc/<pid>/status; nullopt when unreadable.
std::optional<long> rss_kib(pid_t pid);

}  // namespace samsa::test_support
