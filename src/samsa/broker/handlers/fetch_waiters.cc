#include "samsa/broker/handlers/fetch_waiters.h"

#include <vector>

namespace samsa::broker {

fetch_waiters::~fetch_waiters() {
    for (auto& [_, e] : parked_) e.timer->cancel();
}

void fetch_waiters::park(std::unique_ptr<parked_request> request, std::chrono::milliseconds max_wait) {
    uint64_t id = next_id_++;
    entry e;
    e.request = std::move(request);
    e.timer = std::make_unique<asio::steady_timer>(io_, max_wait);
    e.timer->async_wait([this, id](const asio::error_code& ec) {
        if (!ec) evaluate(id, true);
    });
    parked_.emplace(id, std::move(e));
}

void fetch_waiters::notify(std::string_view topic, partition_id partition) {
    for (auto& [id, e] : parked_) {
        if (e.scheduled || !e.request->watches(topic, partition)) continue;
        e.scheduled = true;
        asio::post(io_, [this, id = id] { evaluate(id, false); });
    }
}

void fetch_waiters::evaluate(uint64_t id, bool deadline) {
    auto it = parked_.find(id);
    if (it == parked_.end()) return;
    it->second.scheduled = false;
    if (!it->second.request->try_answer(deadline)) return;
    // try_answer may not touch parked_, so `it` is still valid.
    it->second.timer->cancel();
    parked_.erase(it);
}

void fetch_waiters::answer_all() {
    std::vector<uint64_t> ids;
    for (const auto& [id, _] : parked_) ids.push_back(id);
    for (uint64_t id : ids) evaluate(id, true);
}

}  // namespace samsa::broker
