// Samsa as a user gets it. Installs this build into a temporary prefix
// (`cmake --install`), then, from that prefix only:
//   - checks that every installed header includes only installed ones;
//   - builds examples/ as an outside project with find_package(samsa CONFIG)
//     and runs its word count against the installed samsa-broker;
//     builds the word count against the shared library too
//     (samsa::streams_shared) and runs it;
//   - checks what libsamsa-streams.so exports (nm -D);
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
#include <fstream>
#include <map>
#include <optional>
#include <regex>
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

// "No internal header reachable from a public one", operationally: every
// header the install holds includes (by "..." or <samsa/...>) only headers the
// install also holds, and streams/internal/ is not installed at all.
TEST_F(packaging, installed_headers_include_only_installed_headers) {
    const fs::path include = prefix_ / "include";
    EXPECT_FALSE(fs::exists(include / "samsa/streams/internal"));
    EXPECT_TRUE(fs::exists(include / "samsa/streams/detail/dsl/dsl_impl.h"));
    const std::regex include_line(R"re(^\s*#\s*include\s*(?:"([^"]+)"|<(samsa/[^>]+)>))re");
    int headers = 0;
    for (const auto& e : fs::recursive_directory_iterator(include)) {
        if (!e.is_regular_file() || e.path().extension() != ".h") continue;
        ++headers;
        std::ifstream in(e.path());
        std::string line;
        for (int n = 1; std::getline(in, line); ++n) {
            std::smatch m;
            if (!std::regex_search(line, m, include_line)) continue;
            const std::string target = m[1].matched ? m[1].str() : m[2].str();
            EXPECT_TRUE(fs::exists(include / target))
                << fs::relative(e.path(), include).string() << ":" << n << " includes " << target
                << ", which is not installed";
        }
    }
    EXPECT_GT(headers, 100);
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

    // samsa::streams_shared: the same program on libsamsa-streams.so.
    auto needed = ts::run_command({"readelf", "-d", (out / "word_count_shared").string()}, within(30s));
    ASSERT_TRUE(needed.ok()) << needed.describe();
    EXPECT_NE(needed.out.find("[libsamsa-streams.so.0."), std::string::npos) << needed.out;
    count_words_with(out / "word_count_shared");
}

// libsamsa-streams.so: its SONAME carries major.minor, and of samsa's own
// symbols it exports the public API and the detail/ functions the DSL's
// templates call, not the runtime behind kafka_streams.
TEST_F(packaging, shared_library_exports_the_public_api_only) {
    const fs::path library = prefix_ / "lib/libsamsa-streams.so";
    ASSERT_TRUE(fs::exists(library));
    auto dynamic = ts::run_command({"readelf", "-d", library.string()}, within(30s));
    ASSERT_TRUE(dynamic.ok()) << dynamic.describe();
    EXPECT_NE(dynamic.out.find("[libsamsa-streams.so.0."), std::string::npos) << dynamic.out;

    auto nm = ts::run_command({"nm", "-D", "-C", "--defined-only", library.string()}, within(60s));
    ASSERT_TRUE(nm.ok()) << nm.describe();
    for (const char* exported : {"samsa::streams::kafka_streams::start()", "samsa::streams::streams_builder::build(",
                                 "samsa::streams::testing::topology_test_driver::", "samsa::streams::stores::",
                                 "samsa::streams::internal::task_context::store(",
                                 "samsa::streams::internal::internal_streams_builder::"}) {
        EXPECT_NE(nm.out.find(exported), std::string::npos) << exported << " is not exported";
    }
    for (const char* hidden : {"samsa::streams::internal::stream_thread::", "samsa::streams::internal::task_manager::",
                               "samsa::streams::internal::stream_task::", "samsa::streams::internal::kafka::",
                               "samsa::streams::internal::streams_metrics::", "rd_kafka_"}) {
        EXPECT_EQ(nm.out.find(hidden), std::string::npos) << hidden << " is exported";
    }
}

TEST_F(packaging, the_shared_pc_file_links_the_shared_library) {
    ts::command_options env = within(60s);
    env.env = {{"PKG_CONFIG_PATH", (prefix_ / "lib/pkgconfig").string()}};
    auto flags = ts::run_command({"pkg-config", "--cflags", "--libs", "samsa-streams-shared"}, env);
    ASSERT_TRUE(flags.ok()) << flags.describe();
    EXPECT_NE(flags.out.find("-lsamsa-streams"), std::string::npos) << flags.out;
    EXPECT_EQ(flags.out.find("-lsamsa_streams_runtime"), std::string::npos) << flags.out;
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
    fs::path broker_deb, dev_deb, library_deb;
    for (const auto& e : fs::directory_iterator(out)) {
        std::string name = e.path().filename().string();
        if (name.rfind("samsa_", 0) == 0 && e.path().extension() == ".deb") broker_deb = e.path();
        if (name.rfind("samsa-dev_", 0) == 0 && e.path().extension() == ".deb") dev_deb = e.path();
        if (name.rfind("libsamsa-streams0.", 0) == 0 && e.path().extension() == ".deb") library_deb = e.path();
    }
    ASSERT_FALSE(broker_deb.empty()) << cpack.describe();
    ASSERT_FALSE(dev_deb.empty()) << cpack.describe();
    ASSERT_FALSE(library_deb.empty()) << cpack.describe();

    auto depends = ts::run_command({"dpkg-deb", "-f", broker_deb.string(), "Depends"}, within(30s));
    ASSERT_TRUE(depends.ok()) << depends.describe();
    for (const char* library : {"librdkafka", "librocksdb", "libzstd", "libspdlog", "adduser"}) {
        EXPECT_NE(depends.out.find(library), std::string::npos) << library << " missing from: " << depends.out;
    }
    auto dev_depends = ts::run_command({"dpkg-deb", "-f", dev_deb.string(), "Depends"}, within(30s));
    EXPECT_NE(dev_depends.out.find("librdkafka-dev"), std::string::npos) << dev_depends.out;
    EXPECT_NE(dev_depends.out.find("libsamsa-streams0."), std::string::npos) << dev_depends.out;
    auto library_depends = ts::run_command({"dpkg-deb", "-f", library_deb.string(), "Depends"}, within(30s));
    EXPECT_NE(library_depends.out.find("librdkafka"), std::string::npos) << library_depends.out;

    fs::path root = work_ / "root";
    for (const auto& deb : {broker_deb, dev_deb, library_deb}) {
        auto unpack = ts::run_command({"dpkg-deb", "-x", deb.string(), root.string()}, within(60s));
        ASSERT_TRUE(unpack.ok()) << unpack.describe();
    }
    EXPECT_TRUE(fs::exists(root / "usr/bin/samsa"));
    EXPECT_TRUE(fs::exists(root / "etc/samsa/server.properties"));
    EXPECT_TRUE(fs::exists(root / "lib/systemd/system/samsa-broker.service"));
    EXPECT_TRUE(fs::exists(root / "usr/include/samsa/streams/streams_builder.h"));
    EXPECT_FALSE(fs::exists(root / "usr/include/samsa/streams/internal"));
    bool has_shared_library = false;
    for (const auto& e : fs::recursive_directory_iterator(root / "usr/lib")) {
        if (e.path().filename().string().rfind("libsamsa-streams.so.0.", 0) == 0) has_shared_library = true;
    }
    EXPECT_TRUE(has_shared_library);
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
