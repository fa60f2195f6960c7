// samsa-test-word-count-app: the word-count topology (word_count.h) as its
// own process, so that tests can run several instances of one application
// and kill -9 one of them.
//
//   samsa-test-word-count-app --status-file F [--store rocksdb|in_memory]
//                             key=value ...      (kafka_streams properties)
//
// Every 100 ms (and on each state change) it replaces F with
//   state=<RUNNING|REBALANCING|...>
//   tasks=<task ids of all threads, space separated>
// SIGTERM or SIGINT closes the instance cleanly (exit 0); a start-up error
// exits 2 with the reason on stderr; ERROR state exits 3.
//
// Threads: main waits for signals (blocked in every thread) and writes the
// status file; the stream threads run the topology.
#include <signal.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "samsa/streams/kafka_streams.h"
#include "tests/streams/runtime/word_count.h"

namespace {

using samsa::streams::kafka_streams;
using samsa::streams::streams_state;

void write_status(const std::filesystem::path& file, const kafka_streams& app) {
    std::string tasks;
    for (const auto& t : app.metadata_for_local_threads()) {
        for (const auto& id : t.active_tasks) tasks += (tasks.empty() ? "" : " ") + id;
    }
    auto tmp = file;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "state=" << samsa::streams::to_string(app.state()) << "\ntasks=" << tasks << "\n";
    }
    std::filesystem::rename(tmp, file);  // readers never see half a file
}

int usage(const std::string& why) {
    std::cerr << "samsa-test-word-count-app: " << why
              << "\nusage: samsa-test-word-count-app --status-file F [--store rocksdb|in_memory] key=value ...\n";
    return 64;
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path status_file;
    auto store = samsa::streams::store_type::rocksdb;
    std::map<std::string, std::string> props;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--status-file" && i + 1 < argc) {
            status_file = argv[++i];
        } else if (a == "--store" && i + 1 < argc) {
            std::string s = argv[++i];
            if (s == "in_memory") store = samsa::streams::store_type::in_memory;
            else if (s != "rocksdb") return usage("unknown store " + s);
        } else if (auto eq = a.find('='); eq != std::string::npos) {
            props[a.substr(0, eq)] = a.substr(eq + 1);
        } else {
            return usage("unexpected argument " + a);
        }
    }
    if (status_file.empty()) return usage("--status-file is required");

    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // before any thread starts

    try {
        kafka_streams app(samsa::streams::testing_fakes::word_count_topology(store), props);
        app.start();
        timespec tick{0, 100'000'000};
        while (sigtimedwait(&stop_signals, nullptr, &tick) < 0) {
            write_status(status_file, app);
            if (app.state() == streams_state::error) {
                std::cerr << "samsa-test-word-count-app: the instance failed\n";
                return 3;
            }
        }
        bool closed = app.close(std::chrono::seconds(30));
        write_status(status_file, app);
        return closed ? 0 : 4;
    } catch (const std::exception& e) {
        std::cerr << "samsa-test-word-count-app: " << e.what() << "\n";
        return 2;
    }
}
