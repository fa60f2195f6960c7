#include "samsa/storage/fd_cache.h"

namespace samsa::storage {

fd_cache& fd_cache::shared() {
    // Never destroyed: segments may outlive static destructors at exit.
    static fd_cache* cache = new fd_cache();
    return *cache;
}

void fd_cache::set_capacity(size_t capacity) {
    std::vector<std::shared_ptr<file>> closing;
    std::lock_guard lock(mutex_);
    capacity_ = capacity;
    closing = evict_locked(capacity_);
}

size_t fd_cache::capacity() const {
    std::lock_guard lock(mutex_);
    return capacity_;
}

size_t fd_cache::open_count() const {
    std::lock_guard lock(mutex_);
    return lru_.size();
}

bool fd_cache::full() const {
    std::lock_guard lock(mutex_);
    return capacity_ != unlimited && lru_.size() >= capacity_;
}

uint64_t fd_cache::opens() const {
    std::lock_guard lock(mutex_);
    return opens_;
}

std::vector<std::shared_ptr<file>> fd_cache::evict_locked(size_t keep) {
    std::vector<std::shared_ptr<file>> closing;
    // Only the cache's reference left (use_count 1) means nobody is using it:
    // new references are made under this mutex, so it cannot grow meanwhile.
    for (auto it = lru_.end(); lru_.size() > keep && it != lru_.begin();) {
        --it;
        slot* victim = *it;
        if (victim->open.use_count() > 1) continue;
        closing.push_back(std::move(victim->open));
        victim->open.reset();
        it = lru_.erase(it);
    }
    return closing;
}

result<std::shared_ptr<file>> fd_cache::acquire(slot& s, bool create) {
    std::vector<std::shared_ptr<file>> closing;  // closed after the lock is released
    std::lock_guard lock(mutex_);
    if (s.open) {
        lru_.splice(lru_.begin(), lru_, s.lru_position);
        return s.open;
    }
    closing = evict_locked(capacity_ == 0 ? 0 : capacity_ - 1);  // room for this one
    auto opened = file::open(s.path, create);
    if (!opened) return opened.error();
    ++opens_;
    s.open = std::make_shared<file>(std::move(*opened));
    lru_.push_front(&s);
    s.lru_position = lru_.begin();
    return s.open;
}

void fd_cache::forget(slot& s) {
    std::shared_ptr<file> closing;
    std::lock_guard lock(mutex_);
    if (!s.open) return;
    lru_.erase(s.lru_position);
    closing = std::move(s.open);
    s.open.reset();
}

cached_file::cached_file(std::filesystem::path path, fd_cache& cache)
    : cache_(cache), slot_(std::make_unique<fd_cache::slot>()) {
    slot_->path = std::move(path);
}

cached_file::~cached_file() { close(); }

bool cached_file::is_open() const {
    std::lock_guard lock(cache_.mutex_);
    return slot_->open != nullptr;
}

}  // namespace samsa::storage
