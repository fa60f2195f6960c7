// Samsa as a user gets it. Installs this build into a temporary prefix
// (`cmake --install`), then, from that prefix only:
//   - builds examples/ as an outside project with find_package(samsa CONFIG)
//     and runs its word count against the installed samsa-broker;
//   - builds the same word count with `pkg-config samsa-streams` and runs it;
//   - makes the .deb packages with cpack, unpacks them (dpkg-deb -x, no root
//     needed) and checks their contents, their declared dependencies and that
//     the packaged samsa-broker runs.
// A broken install rule, package config, .pc file or CPack setting fails here.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace {

namespace ts = samsa::test_support;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path build_dir = SAMSA_BUILD_DIR;

ts::command_options within(std::chrono::seconds limit, fs::path working_dir = {}) {
    ts::command_options o;
    o.timeout = limit;
    o.working_dir = std::move(working_dir);
    return o;
}

// A child process that runs until stopped with SIGTERM (the examples run
// until Ctrl-C, as a streams application does).
class background_process {
public:
    explicit background_process(std::vector<std::string> argv) {
        pid_ = fork();
        if (pid_ == 0) {
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            execv(args[0], args.data());
            _exit(127);
        }
    }
    ~background_process() { stop(); }
    // SIGTERM, then up to 30 s for a clean exit, then SIGKILL. Its exit status.
    int stop() {
        if (pid_ <= 0) return status_;
        kill(pid_, SIGTERM);
        for (int i = 0; i < 300; ++i) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                return status_;
            }
            std::this_thread::sleep_for(100ms);
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
        return status_ = 137;
    }

private:
    pid_t pid_ = -1;
    int status_ = -1;
};

class packaging : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        work_dir_.emplace("packaging");
        work_ = work_dir_->path();
        prefix_ = work_ / "prefix";
        install_ = ts::run_command({"cmake", "--install", build_dir.string(), "--prefix", prefix_.string()},
                                   within(300s));
    }
    static void TearDownTestSuite() {
        work_dir_.reset();
    }
    void SetUp() override { ASSERT_TRUE(install_.ok()) << install_.describe(); }

    // Starts the INSTALLED broker, creates the word count's topics, writes
    // three lines, runs `word_count` until the counts arrive and checks them.
    void count_words_with(const fs::path& word_count) {
        ts::broker_process broker(ts::broker_options_builder().binary(prefix_ / "bin" / "samsa-broker"));
        ASSERT_TRUE(broker.start()) << broker.failure();
        ASSERT_TRUE(ts::create_topic(broker.bootstrap(), "lines", 2));
        ASSERT_TRUE(ts::create_topic(broker.bootstrap(), "counts", 2));
        std::vector<ts::record> lines(3);
        lines[0].key = "1", lines[0].value = "the quick brown fox";
        lines[1].key = "2", lines[1].value = "the lazy dog";
        lines[2].key = "3", lines[2].value = "The end";
        ASSERT_TRUE(ts::produce(broker.bootstrap(), "lines", lines));

        fs::path state = work_ / ("state-" + word_count.filename().string() + std::to_string(runs_++));
        background_process app({word_count.string(), broker.bootstrap(), state.string()});
        std::map<std::string, std::string> counts;
        // Until every checked word has its final count: the two tasks' results
        // reach the topic one after the other, so "the" alone says nothing of
        // "fox" (CI once stopped the app in between).
        auto all_counted = [&] { return counts["the"] == "3" && counts["fox"] == "1" && counts["end"] == "1"; };
        auto deadline = std::chrono::steady_clock::now() + 90s;
        while (std::chrono::steady_clock::now() < deadline && !all_counted()) {
            auto read = ts::read_all(broker.bootstrap(), "counts", 2, 0, 5s);
            if (read) {
                for (const auto& r : *read) counts[r.key] = r.value;  // the latest count per word
            }
            if (!all_counted()) std::this_thread::sleep_for(500ms);
        }
        EXPECT_EQ(app.stop(), 0) << "word_count did not close cleanly";
        EXPECT_EQ(counts["the"], "3");
        EXPECT_EQ(counts["fox"], "1");
        EXPECT_EQ(counts["end"], "1");
    }

    static inline std::optional<ts::temp_dir> work_dir_;
    static inline fs::path work_;
    static inline fs::path prefix_;
    static inline ts::command_result install_;
    static inline int runs_ = 0;
};

TEST_F(packaging, installs_the_programs_the_library_the_cmake_package_and_the_pc_file) {
    for (const char* program : {"samsa-broker", "samsa", "order-mail", "order-mail-sender", "order-mail-datagen"}) {
        EXPECT_TRUE(fs::exists(prefix_ / "bin" / program)) << program;
    }
    EXPECT_TRUE(fs::exists(prefix_ / "lib/cmake/samsa/samsaConfig.cmake"));
    EXPECT_TRUE(fs::exists(prefix_ / "lib/cmake/samsa/samsaConfigVersion.cmake"));
    EXPECT_TRUE(fs::exists(prefix_ / "lib/pkgconfig/samsa-streams.pc"));
    EXPECT_TRUE(fs::exists(prefix_ / "include/samsa/streams/kafka_streams.h"));
    EXPECT_TRUE(fs::exists(prefix_ / "include/samsa/version.h"));
    // Never the system's /etc: the service files are the .deb's alone.
    EXPECT_FALSE(fs::exists(prefix_ / "etc"));

    auto version = ts::run_command({(prefix_ / "bin/samsa-broker").string(), "--version"}, within(30s));
    ASSERT_TRUE(version.ok()) << version.describe();
    EXPECT_EQ(version.out.rfind("samsa-broker 0.", 0), 0u) << version.out;
    auto cli = ts::run_command({(prefix_ / "bin/samsa").string(), "--version"}, within(30s));
    ASSERT_TRUE(cli.ok()) << cli.describe();
    EXPECT_EQ(cli.out.substr(0, cli.out.find('\n')), "samsa " + version.out.substr(13, version.out.find('\n') - 13));
}

TEST_F(packaging, examples_build_with_find_package_against_the_install_and_count_words) {
    fs::path examples = ts::source_dir() / "examples";
    fs::path out = work_ / "examples-build";
    auto configure = ts::run_command({"cmake", "-S", examples.string(), "-B", out.string(),
                                      "-DCMAKE_PREFIX_PATH=" + prefix_.string()},
                                     within(120s));
    ASSERT_TRUE(configure.ok()) << configure.describe();
    auto build = ts::run_command({"cmake", "--build", out.string(), "-j2"}, within(600s));
    ASSERT_TRUE(build.ok()) << build.describe();
    ASSERT_TRUE(fs::exists(out / "processor_api"));
    count_words_with(out / "word_count");
}

TEST_F(packaging, word_count_builds_with_pkg_config_against_the_install_and_counts_words) {
    ts::command_options env = within(60s);
    env.env = {{"PKG_CONFIG_PATH", (prefix_ / "lib/pkgconfig").string()}};
    auto flags = ts::run_command({"pkg-config", "--cflags", "--libs", "samsa-streams"}, env);
    ASSERT_TRUE(flags.ok()) << flags.describe();
    EXPECT_NE(flags.out.find(prefix_.string()), std::string::npos) << "the .pc is relocatable: " << flags.out;

    fs::path binary = work_ / "word_count_pc";
    std::vector<std::string> argv{"g++", "-o", binary.string(),
                                  (ts::source_dir() / "examples/word_count/word_count.cc").string()};
    for (size_t at = 0; at < flags.out.size();) {  // split the flags on white space
        size_t start = flags.out.find_first_not_of(" \n\t", at);
        if (start == std::string::npos) break;
        size_t end = flags.out.find_first_of(" \n\t", start);
        argv.push_back(flags.out.substr(start, end - start));
        at = end;
    }
    auto build = ts::run_command(argv, within(600s));
    ASSERT_TRUE(build.ok()) << build.describe();
    count_words_with(binary);
}

TEST_F(packaging, cpack_makes_debs_with_the_service_the_library_and_their_dependencies) {
    fs::path out = work_ / "debs";
    fs::create_directories(out);
    auto cpack = ts::run_command({"cpack", "-G", "DEB", "--config", (build_dir / "CPackConfig.cmake").string(),
                                  "-B", out.string()},
                                 within(600s, build_dir));
    ASSERT_TRUE(cpack.ok()) << cpack.describe();
    fs::path broker_deb, dev_deb;
    for (const auto& e : fs::directory_iterator(out)) {
        std::string name = e.path().filename().string();
        if (name.rfind("samsa_", 0) == 0 && e.path().extension() == ".deb") broker_deb = e.path();
        if (name.rfind("samsa-dev_", 0) == 0 && e.path().extension() == ".deb") dev_deb = e.path();
    }
    ASSERT_FALSE(broker_deb.empty()) << cpack.describe();
    ASSERT_FALSE(dev_deb.empty()) << cpack.describe();

    auto depends = ts::run_command({"dpkg-deb", "-f", broker_deb.string(), "Depends"}, within(30s));
    ASSERT_TRUE(depends.ok()) << depends.describe();
    for (const char* library : {"librdkafka", "librocksdb", "libzstd", "libspdlog", "adduser"}) {
        EXPECT_NE(depends.out.find(library), std::string::npos) << library << " missing from: " << depends.out;
    }
    auto dev_depends = ts::run_command({"dpkg-deb", "-f", dev_deb.string(), "Depends"}, within(30s));
    EXPECT_NE(dev_depends.out.find("librdkafka-dev"), std::string::npos) << dev_depends.out;

    fs::path root = work_ / "root";
    for (const auto& deb : {broker_deb, dev_deb}) {
        auto unpack = ts::run_command({"dpkg-deb", "-x", deb.string(), root.string()}, within(60s));
        ASSERT_TRUE(unpack.ok()) << unpack.describe();
    }
    EXPECT_TRUE(fs::exists(root / "usr/bin/samsa"));
    EXPECT_TRUE(fs::exists(root / "etc/samsa/server.properties"));
    EXPECT_TRUE(fs::exists(root / "lib/systemd/system/samsa-broker.service"));
    EXPECT_TRUE(fs::exists(root / "usr/include/samsa/streams/streams_builder.h"));
    bool has_package_config = false;
    for (const auto& e : fs::recursive_directory_iterator(root / "usr/lib")) {
        if (e.path().filename() == "samsaConfig.cmake") has_package_config = true;
    }
    EXPECT_TRUE(has_package_config);
    auto conffiles = ts::run_command({"dpkg-deb", "-I", broker_deb.string(), "conffiles"}, within(30s));
    EXPECT_NE(conffiles.out.find("/etc/samsa/server.properties"), std::string::npos) << conffiles.describe();

    auto version = ts::run_command({(root / "usr/bin/samsa-broker").string(), "--version"}, within(30s));
    ASSERT_TRUE(version.ok()) << version.describe();
    EXPECT_EQ(version.out.rfind("samsa-broker ", 0), 0u) << version.out;
}

}  // namespace
