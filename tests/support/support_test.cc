// The test support library itself, with a stand-in broker (a few lines of
// Python that listen where --override listeners says), so that a harness bug
// is never mistaken for a broker bug.

#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>

#include <fstream>

#include "tests/support/broker_process.h"
#include "tests/support/raw_client.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace samsa::test_support {
namespace {

using namespace std::chrono_literals;

// Listens where `--override listeners=NAME://127.0.0.1:<port>,...` says (port
// 0: any), then reports the bound listeners in samsa.bound.listeners.file as
// the real broker does (written aside, renamed into place); logs to stderr,
// exits 0 on SIGTERM (handler installed before it reports: the fixture may
// stop it at once). FAKE_BROKER_LISTENER_DELAY seconds pass between two
// listeners, as a loaded machine may make the broker take.
const char* fake_broker = R"py(#!/usr/bin/python3
import os, signal, socket, sys, time
def arg(key):
    return [a.split('=', 1)[1] for a in sys.argv if a.startswith(key + '=')][0]
signal.signal(signal.SIGTERM, lambda *a: (print('fake broker: SIGTERM', file=sys.stderr, flush=True), sys.exit(0)))
bound = []
for spec in arg('listeners').split(','):
    if bound:
        time.sleep(float(os.environ.get('FAKE_BROKER_LISTENER_DELAY', '0')))
    name, address = spec.split('://')
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', int(address.rsplit(':', 1)[1]))); s.listen(16)
    bound.append((name, s))
    print('fake broker listening on', s.getsockname()[1], 'args', sys.argv[1:], file=sys.stderr, flush=True)
report = arg('samsa.bound.listeners.file')
with open(report + '.tmp', 'w') as f:
    f.write(''.join('%s://127.0.0.1:%d\n' % (name, s.getsockname()[1]) for name, s in bound))
os.rename(report + '.tmp', report)
while True:
    c, _ = bound[0][1].accept(); c.close()
)py";

class support_test : public ::testing::Test {
protected:
    void SetUp() override {
        write_script("fake-broker", fake_broker);
        write_script("dies-at-once", "#!/bin/sh\necho 'bad config: log.dirs' >&2\nexit 2\n");
    }
    void write_script(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name) << text;
        std::filesystem::permissions(dir_ / name, std::filesystem::perms::owner_all);
    }
    broker_options options(const std::string& name) {
        return broker_options_builder().binary(dir_ / name).override_config("node.id", "7").start_timeout(10s);
    }
    temp_dir dir_{"support-test"};
};

TEST_F(support_test, start_stop_restart_kill_on_one_port_and_dir) {
    std::filesystem::path data;
    {
        broker_process broker(options("fake-broker"));
        ASSERT_TRUE(broker.start()) << broker.failure();
        data = broker.data_dir();
        uint16_t port = broker.port();
        EXPECT_EQ(broker.bootstrap(), "127.0.0.1:" + std::to_string(port));
        EXPECT_TRUE(port_accepts(port, 1s));
        EXPECT_TRUE(std::filesystem::is_directory(data / "data"));
        EXPECT_NE(broker.command_line().find("--override log.dirs=" + (data / "data").string()), std::string::npos);
        EXPECT_NE(broker.command_line().find("--override node.id=7"), std::string::npos);
        EXPECT_TRUE(rss_kib(broker.pid()).has_value());

        auto status = broker.stop();
        ASSERT_TRUE(status.has_value());
        EXPECT_EQ(*status, 0);
        EXPECT_FALSE(broker.running());
        EXPECT_FALSE(port_accepts(port, 200ms));

        ASSERT_TRUE(broker.restart()) << broker.failure();
        EXPECT_EQ(broker.port(), port);
        EXPECT_EQ(broker.data_dir(), data);
        pid_t pid = broker.pid();
        broker.kill9();
        EXPECT_FALSE(broker.running());
        EXPECT_NE(kill(pid, 0), 0) << "the killed broker is still there";
        ASSERT_TRUE(broker.restart()) << broker.failure();

        std::string log = broker.log_text();
        EXPECT_NE(log.find("fake broker listening on " + std::to_string(port)), std::string::npos) << log;
        EXPECT_NE(log.find("fake broker: SIGTERM"), std::string::npos) << log;
        EXPECT_NE(log.find("start #3"), std::string::npos) << log;
        EXPECT_NE(log.find("killed with SIGKILL"), std::string::npos) << log;
    }
    EXPECT_FALSE(std::filesystem::exists(data)) << "the destructor keeps " << data;
}

// The flaw this guards against: start() waited for the first listener only,
// and a test's first connect to another one could come before the broker
// listened there (a CI run's SCRAM test: both raw connects to the extra
// PLAINTEXT listener refused).
TEST_F(support_test, start_returns_when_every_listener_accepts_not_only_the_first) {
    broker_options o = options("fake-broker");
    o.extra_listeners = {"SECOND"};
    o.environment = {{"FAKE_BROKER_LISTENER_DELAY", "0.5"}};
    broker_process broker(o);
    ASSERT_TRUE(broker.start()) << broker.failure();
    const uint16_t second = broker.listener_port("SECOND");
    ASSERT_NE(second, 0);
    EXPECT_NE(second, broker.port());
    EXPECT_EQ(broker.listener_port("PLAINTEXT"), broker.port());
    EXPECT_EQ(broker.listener_port("NONE"), 0);
    raw_client now(second);  // at once: no waiting, no retry
    EXPECT_TRUE(now.connected()) << now.connect_error();
    EXPECT_NE(broker.command_line().find("listeners=PLAINTEXT://127.0.0.1:0,SECOND://127.0.0.1:0"), std::string::npos)
        << broker.command_line();

    ASSERT_TRUE(broker.restart()) << broker.failure();
    EXPECT_EQ(broker.listener_port("SECOND"), second) << "a restart keeps the ports";
    raw_client again(second);
    EXPECT_TRUE(again.connected()) << again.connect_error();
}

TEST_F(support_test, extra_listeners_are_names_the_broker_picks_ports_for) {
    broker_options o = options("fake-broker");
    o.extra_listeners = {"SECOND://127.0.0.1:9093"};
    broker_process broker(o);
    EXPECT_FALSE(broker.start());
    EXPECT_NE(broker.failure().find("extra_listeners takes listener names"), std::string::npos) << broker.failure();
}

TEST_F(support_test, a_broker_that_never_reports_its_listeners_fails_the_start_in_time) {
    write_script("silent-broker", "#!/bin/sh\nexec sleep 30\n");
    broker_process broker(broker_options_builder().binary(dir_ / "silent-broker").start_timeout(500ms));
    auto began = std::chrono::steady_clock::now();
    EXPECT_FALSE(broker.start());
    EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
    EXPECT_NE(broker.failure().find("did not report its listeners"), std::string::npos) << broker.failure();
    EXPECT_FALSE(broker.running()) << "the silent broker is killed";
}

TEST_F(support_test, start_failures_say_why) {
    broker_process missing(broker_options_builder().binary(dir_ / "no-such-broker"));
    EXPECT_FALSE(missing.start());
    EXPECT_NE(missing.failure().find("is not there"), std::string::npos) << missing.failure();

    broker_process dies(options("dies-at-once"));
    EXPECT_FALSE(dies.start());
    EXPECT_NE(dies.failure().find("exited during start-up"), std::string::npos) << dies.failure();
    EXPECT_NE(dies.failure().find("bad config: log.dirs"), std::string::npos) << dies.failure();
}

TEST_F(support_test, run_command_collects_output_and_status) {
    command_options with_input;
    with_input.stdin_data = "hello\nworld\n";
    auto cat = run_command({"cat"}, with_input);
    EXPECT_TRUE(cat.ok()) << cat.describe();
    EXPECT_EQ(cat.out, "hello\nworld\n");

    auto failing = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
    EXPECT_FALSE(failing.ok());
    EXPECT_EQ(failing.exit_code, 3);
    EXPECT_EQ(failing.out, "out\n");
    EXPECT_EQ(failing.err, "err\n");
    EXPECT_NE(failing.describe().find("exit status 3"), std::string::npos);

    auto missing = run_command({"samsa-no-such-program"});
    EXPECT_EQ(missing.exit_code, 127);
    EXPECT_NE(missing.err.find("cannot start"), std::string::npos) << missing.describe();

    command_options env;
    env.env["SAMSA_SUPPORT_TEST"] = "42";
    auto printed = run_command({"sh", "-c", "echo $SAMSA_SUPPORT_TEST"}, env);
    EXPECT_EQ(printed.out, "42\n");
}

TEST_F(support_test, run_command_kills_at_the_deadline_with_its_children) {
    command_options quick;
    quick.timeout = 300ms;
    // The grandchild keeps the pipes open; killing the group must end it too.
    auto r = run_command({"sh", "-c", "sleep 30 & sleep 30"}, quick);
    EXPECT_TRUE(r.timed_out) << r.describe();
    EXPECT_LT(r.elapsed, 5s) << r.describe();
    EXPECT_FALSE(r.ok());
}

TEST(temp_dir, unique_under_tmpdir_and_removed_with_its_content) {
    std::filesystem::path kept_path;
    {
        temp_dir a("support-test");
        temp_dir b("support-test");
        EXPECT_NE(a.path(), b.path());
        EXPECT_TRUE(std::filesystem::is_directory(a.path()));
        EXPECT_EQ(a.path().filename().string().rfind("samsa-support-test-", 0), 0u) << a.path();
        std::filesystem::create_directories(a / "sub" / "dir");
        std::ofstream(a / "sub" / "file") << "x";
        kept_path = a.path();
        temp_dir moved(std::move(a));
        EXPECT_EQ(moved.path(), kept_path);
        EXPECT_TRUE(a.path().empty());
    }
    EXPECT_FALSE(std::filesystem::exists(kept_path));
}

TEST(temp_dir, kept_when_samsa_keep_test_dirs_is_set) {
    const char* before = std::getenv("SAMSA_KEEP_TEST_DIRS");
    const std::string saved = before ? before : "";
    std::filesystem::path path;
    ::setenv("SAMSA_KEEP_TEST_DIRS", "1", 1);
    {
        temp_dir d("support-test");
        path = d.path();
    }
    ::setenv("SAMSA_KEEP_TEST_DIRS", "0", 1);
    EXPECT_FALSE(keep_test_dirs());
    if (before) ::setenv("SAMSA_KEEP_TEST_DIRS", saved.c_str(), 1); else ::unsetenv("SAMSA_KEEP_TEST_DIRS");
    EXPECT_TRUE(std::filesystem::is_directory(path));
    std::filesystem::remove_all(path);
}

TEST(temp_dir, a_parent_that_does_not_exist_is_an_exception_naming_it) {
    try {
        temp_dir d("x", "/nonexistent-samsa-parent");
        ADD_FAILURE() << "made " << d.path();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-samsa-parent/samsa-x-"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace samsa::test_support
