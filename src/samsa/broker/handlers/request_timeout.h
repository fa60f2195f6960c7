#pragma once
// The timeout_ms of a request whose work runs off the I/O thread
// (CreateTopics, CreatePartitions: topic_manager's creation worker). When
// the work outlasts it, the entries still in progress are answered
// REQUEST_TIMED_OUT, as Kafka's DelayedCreateTopics and
// DelayedCreatePartitions do, and the work goes on; its own answer then only
// logs. A timeout_ms of 0 or less waits for the work.
//
// Thread: the I/O thread.

#include <chrono>
#include <memory>
#include <system_error>

#include <asio/steady_timer.hpp>

#include "samsa/broker/broker.h"

namespace samsa::broker {

// What a request waiting for its work keeps: set answered when it responds.
struct timed_request {
    std::unique_ptr<asio::steady_timer> timer;
    bool answered = false;

    // The work ended: true when the timeout answered already (the caller
    // then only logs the outcomes).
    bool answered_late() {
        if (timer) timer->cancel();
        const bool late = answered;
        answered = true;
        return late;
    }
};

// Arms pending's timeout: after timeout_ms, unless answered, mark_timed_out(*pending)
// sets the entries still in progress to REQUEST_TIMED_OUT and pending->ctx
// responds with pending->response. Holds pending weakly: the work's
// callback stays its one owner.
template<class Pending, class MarkTimedOut>
void answer_at_timeout(broker& b, int32_t timeout_ms, const std::shared_ptr<Pending>& pending,
                       MarkTimedOut mark_timed_out) {
    if (timeout_ms <= 0) return;
    pending->timing.timer = std::make_unique<asio::steady_timer>(b.io(), std::chrono::milliseconds(timeout_ms));
    pending->timing.timer->async_wait(
        [w = std::weak_ptr<Pending>(pending), mark = std::move(mark_timed_out)](const std::error_code& ec) {
            auto p = w.lock();
            if (ec || !p || p->timing.answered) return;
            p->timing.answered = true;
            mark(*p);
            p->ctx.respond(p->response);
        });
}

}  // namespace samsa::broker
