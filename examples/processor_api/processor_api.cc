// processor_api: the Processor API (Kafka Streams' Topology.addSource /
// addProcessor / addStateStore / addSink) with samsa::streams.
//
// Counts page views per user: reads `page-views` (key = user, value = page),
// keeps the count per user in a changelogged RocksDB store and writes each new
// count to `views-per-user` (key = user, value = the count as text).
//
//   processor_api BOOTSTRAP [STATE_DIR] [RUN_SECONDS]

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <samsa/streams/kafka_streams.h>
#include <samsa/streams/processor/processor.h>
#include <samsa/streams/serdes/primitive.h>
#include <samsa/streams/state/stores.h>
#include <samsa/streams/topology.h>

namespace ss = samsa::streams;

namespace {

std::atomic<bool> stop{false};

// One instance per task; called only by the thread running that task.
class count_views final : public ss::processor<std::string, std::string, std::string, std::string> {
public:
    void init(ss::processor_context<std::string, std::string>& context) override {
        context_ = &context;
        views_.emplace(context.get_key_value_store<std::string, int64_t>("views", ss::serdes::string(),
                                                                        ss::serdes::int64()));
    }
    void process(const ss::record<std::string, std::string>& view) override {
        if (!view.key) return;  // a view without a user counts for no one
        int64_t count = views_->get(*view.key).value_or(0) + 1;
        views_->put(*view.key, count);
        context_->forward(view.with_value<std::string>(std::to_string(count)));
    }

private:
    ss::processor_context<std::string, std::string>* context_ = nullptr;
    std::optional<ss::key_value_store<std::string, int64_t>> views_;
};

ss::topology page_view_counts() {
    ss::topology t;
    t.add_source<std::string, std::string>("page-views-source", {"page-views"}, ss::serdes::string(),
                                           ss::serdes::string());
    t.add_processor<std::string, std::string, std::string, std::string>(
        "count-views", [] { return std::make_unique<count_views>(); }, {"page-views-source"});
    t.add_state_store(ss::stores::key_value_store_builder(ss::stores::persistent_key_value_store("views")),
                      {"count-views"});
    t.add_sink<std::string, std::string>("views-per-user-sink", "views-per-user", ss::serdes::string(),
                                         ss::serdes::string(), {"count-views"});
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: processor_api BOOTSTRAP [STATE_DIR] [RUN_SECONDS]\n");
        return 2;
    }
    std::signal(SIGINT, [](int) { stop = true; });
    std::signal(SIGTERM, [](int) { stop = true; });
    int run_seconds = argc > 3 ? std::atoi(argv[3]) : 0;
    ss::kafka_streams app(page_view_counts(), {{"application.id", "page-view-counts"},
                                               {"bootstrap.servers", argv[1]},
                                               {"state.dir", argc > 2 ? argv[2] : "/tmp/samsa-page-views"},
                                               {"commit.interval.ms", "1000"}});
    app.start();
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(run_seconds);
    while (!stop && (run_seconds == 0 || std::chrono::steady_clock::now() < until)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return app.close(std::chrono::seconds(30)) ? 0 : 1;
}
