#include "samsa/broker/purgatory/fetch_purgatory.h"

#include <algorithm>

namespace samsa::broker {

fetch_purgatory::~fetch_purgatory() {
    for (auto& [_, e] : parked_) e.timer->cancel();
}

void fetch_purgatory::park(std::unique_ptr<parked_request> request, std::chrono::milliseconds max_wait) {
    const uint64_t id = next_id_++;
    entry e;
    e.watched = request->watched();
    e.request = std::move(request);
    for (const auto& w : e.watched) {
        auto topic = watchers_.find(w.topic);
        if (topic == watchers_.end()) topic = watchers_.emplace(w.topic, by_partition{}).first;
        auto& ids = topic->second[w.partition()];
        // A request naming a partition twice is filed once.
        if (ids.empty() || ids.back() != id) ids.push_back(id);
    }
    e.timer = std::make_unique<asio::steady_timer>(io_, max_wait);
    e.timer->async_wait([this, id](const asio::error_code& ec) {
        if (!ec) evaluate(id, true);
    });
    parked_.emplace(id, std::move(e));
}

void fetch_purgatory::notify(std::string_view topic, partition_id partition) {
    auto t = watchers_.find(topic);
    if (t == watchers_.end()) return;
    auto p = t->second.find(partition());
    if (p == t->second.end()) return;
    for (uint64_t id : p->second) {
        auto it = parked_.find(id);
        if (it == parked_.end()) continue;
        entry& e = it->second;
        if (e.scheduled || !e.request->worth_trying(topic, partition)) continue;
        e.scheduled = true;
        asio::post(io_, [this, id] { evaluate(id, false); });
    }
}

size_t fetch_purgatory::watchers(std::string_view topic, partition_id partition) const {
    auto t = watchers_.find(topic);
    if (t == watchers_.end()) return 0;
    auto p = t->second.find(partition());
    return p == t->second.end() ? 0 : p->second.size();
}

void fetch_purgatory::evaluate(uint64_t id, bool deadline) {
    auto it = parked_.find(id);
    if (it == parked_.end()) return;
    it->second.scheduled = false;
    if (!it->second.request->try_answer(deadline)) return;
    // try_answer may not touch parked_, so `it` is still valid.
    it->second.timer->cancel();
    unindex(id, it->second.watched);
    parked_.erase(it);
}

void fetch_purgatory::unindex(uint64_t id, const std::vector<watched_partition>& watched) {
    for (const auto& w : watched) {
        auto t = watchers_.find(w.topic);
        if (t == watchers_.end()) continue;
        auto p = t->second.find(w.partition());
        if (p == t->second.end()) continue;
        std::erase(p->second, id);
        if (p->second.empty()) t->second.erase(p);
        if (t->second.empty()) watchers_.erase(t);
    }
}

void fetch_purgatory::answer_all() {
    std::vector<uint64_t> ids;
    for (const auto& [id, _] : parked_) ids.push_back(id);
    for (uint64_t id : ids) evaluate(id, true);
}

}  // namespace samsa::broker
