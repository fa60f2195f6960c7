// word_count: Kafka Streams' WordCountDemo with samsa::streams.
//
// Reads lines of text from the topic `lines`, splits them into words and
// keeps a running count per word in a RocksDB store (changelogged to
// `<application.id>-counts-store-changelog`); every change of a count goes to
// the topic `counts` as key = word, value = the count as text.
//
//   word_count BOOTSTRAP [STATE_DIR] [RUN_SECONDS]
//
// Runs until Ctrl-C (or for RUN_SECONDS), then closes cleanly: offsets
// committed, the store checkpointed.

#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <samsa/streams/kafka_streams.h>
#include <samsa/streams/serdes/primitive.h>
#include <samsa/streams/streams_builder.h>
#include <samsa/streams/version.h>

namespace ss = samsa::streams;

namespace {

std::atomic<bool> stop{false};

std::vector<std::string> words_of(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    for (char ch : line + " ") {
        if (std::isalnum(static_cast<unsigned char>(ch))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        } else if (!word.empty()) {
            words.push_back(std::exchange(word, {}));
        }
    }
    return words;
}

ss::topology word_count() {
    ss::streams_builder builder;
    builder.stream("lines", ss::consumed<std::string, std::string>::with(ss::serdes::string(), ss::serdes::string()))
        .flat_map_values([](const std::string& line) { return words_of(line); })
        .group_by([](const std::string&, const std::string& word) { return word; },
                  ss::grouped<std::string, std::string>::with(ss::serdes::string(), ss::serdes::string()))
        .count(ss::named{}, ss::materialized<std::string, int64_t>::as("counts-store")
                                .with_key_serde(ss::serdes::string())
                                .with_value_serde(ss::serdes::int64()))
        .to_stream()
        .map_values([](const int64_t& count) { return std::to_string(count); })
        .to("counts", ss::produced<std::string, std::string>::with(ss::serdes::string(), ss::serdes::string()));
    return builder.build();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: word_count BOOTSTRAP [STATE_DIR] [RUN_SECONDS]\n");
        return 2;
    }
    std::string state_dir = argc > 2 ? argv[2] : "/tmp/samsa-word-count";
    int run_seconds = argc > 3 ? std::atoi(argv[3]) : 0;
    std::signal(SIGINT, [](int) { stop = true; });
    std::signal(SIGTERM, [](int) { stop = true; });

    std::printf("word_count on samsa::streams %s\n", std::string(ss::version()).c_str());
    ss::kafka_streams app(word_count(), {{"application.id", "word-count"},
                                         {"bootstrap.servers", argv[1]},
                                         {"state.dir", state_dir},
                                         {"commit.interval.ms", "1000"}});
    app.start();
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(run_seconds);
    while (!stop && (run_seconds == 0 || std::chrono::steady_clock::now() < until)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return app.close(std::chrono::seconds(30)) ? 0 : 1;
}
