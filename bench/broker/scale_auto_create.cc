// The auto-create measure: one Metadata request naming `n` unknown topics
// with auto-creation allowed (a client subscribing to or producing to many
// new topics at once). The broker answers it at once and makes the topics
// in the background (broker/handlers/topic_lookup.h); a broker that made
// them before answering kept every other client waiting meanwhile. Timed:
// the request to its answer, the request until the last topic is there
// (polled every 20 ms with a 1-topic Metadata), and other clients'
// 1-topic Metadata round trips (one every 2 ms, and the polls), idle and
// during the whole creation.
//
// Run against an older broker with --broker-bin for the figures before.

#include <algorithm>
#include <thread>

#include "bench/broker/scale_single.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/messages/metadata.h"

namespace samsa::bench::scale {
namespace {

using namespace std::chrono_literals;
constexpr const char* other_topic = "scale-other";

// The topics of a Metadata answer frame, nullopt when it does not decode.
std::optional<std::vector<protocol::metadata_response_topic>> topics_of(const bytes& frame) {
    int32_t correlation = 0;
    auto r = protocol::decode_response_frame<protocol::metadata_response>(frame, metadata_frame_version, correlation);
    if (!r) return std::nullopt;
    return std::move(r->topics);
}

// The request's answer on its own thread (an older broker answers only
// after making every topic; the other client is timed meanwhile).
void ask(uint16_t port, const bytes& frame, clock::time_point sent_after, auto_create_result& r) {
    ts::raw_client c(port, 600s);
    if (!c.connected() || !c.send(frame)) {
        r.error = "the auto-creating Metadata was not sent";
        return;
    }
    auto answer = c.read_frame();
    r.answer_ms = ms_since(sent_after);
    if (!answer) {
        r.error = "the auto-creating Metadata was not answered: " + answer.error().message;
        return;
    }
    auto topics = topics_of(*answer);
    if (!topics) {
        r.error = "the auto-creating Metadata's answer does not decode";
        return;
    }
    for (const auto& t : *topics) r.answered_ready += t.error_code == protocol::error_code::none ? 1 : 0;
}

}  // namespace

auto_create_result measure_auto_create(const broker_settings& settings, int n) {
    auto_create_result r;
    r.topics = n;
    auto broker = make_broker(settings);
    r.error = start_with_topic(*broker, other_topic);
    if (!r.error.empty()) return r;
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back("scale-auto-" + std::to_string(i));
    const bytes request = metadata_names_frame(names, true);
    const bytes other_frame = metadata_one_frame(other_topic);
    const bytes last_frame = metadata_one_frame(names.back());

    ts::raw_client other(broker->port(), 600s);
    r.other_idle = time_round_trips(other, other_frame, 500, 20s);
    ts::raw_client poller(broker->port(), 600s);

    const auto t0 = clock::now();
    std::thread asker([&] { ask(broker->port(), request, t0, r); });
    std::this_thread::sleep_for(20ms);  // the request at the broker before the other client asks
    std::vector<double> meanwhile;
    auto last_poll = clock::now() - 1s;
    bool all_there = false;
    const auto deadline = t0 + 900s;
    while (!all_there && clock::now() < deadline && r.error.empty()) {
        auto t = clock::now();
        if (!other.send(other_frame) || !other.read_frame()) {
            r.error = "the other client's Metadata was not answered";
            break;
        }
        meanwhile.push_back(ms_since(t));
        // A client asking every 2 ms, not a busy loop that takes a core from the broker.
        std::this_thread::sleep_for(2ms);
        if (clock::now() - last_poll < 20ms) continue;
        last_poll = clock::now();
        if (!poller.send(last_frame)) break;
        auto answer = poller.read_frame();
        meanwhile.push_back(ms_since(last_poll));  // a client's 1-topic Metadata too
        auto topics = answer ? topics_of(*answer) : std::nullopt;
        if (!topics || topics->size() != 1) {
            r.error = "the poll for the last topic was not answered";
            break;
        }
        if ((*topics)[0].error_code == protocol::error_code::none) {
            r.all_visible_ms = ms_since(t0);
            all_there = true;
        }
    }
    asker.join();
    if (!all_there && r.error.empty()) r.error = "the topics were not all there within 900 s";
    if (all_there) {
        // Every one of them, not only the last.
        const bytes all = metadata_names_frame(names, false);
        auto answer = poller.send(all) ? poller.read_frame() : result<bytes>(make_error(errc::io_error, "send"));
        auto topics = answer ? topics_of(*answer) : std::nullopt;
        const auto ready = !topics ? 0 : std::count_if(topics->begin(), topics->end(), [](const auto& t) {
            return t.error_code == protocol::error_code::none;
        });
        if (ready != n) r.error = std::to_string(ready) + " of " + std::to_string(n) + " topics there at the end";
    }
    r.other_max_ms = meanwhile.empty() ? 0 : *std::max_element(meanwhile.begin(), meanwhile.end());
    r.other_meanwhile = latency_of(std::move(meanwhile));
    broker->stop();
    return r;
}

}  // namespace samsa::bench::scale
