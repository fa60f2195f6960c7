#include "samsa/streams/internal/topology/java_order.h"

#include <algorithm>

namespace samsa::streams::internal::java {

namespace {

std::vector<uint16_t> utf16(std::string_view s) {
    std::vector<uint16_t> out;
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<uint8_t>(s[i]);
        uint32_t cp;
        size_t len;
        if (c < 0x80) cp = c, len = 1;
        else if ((c >> 5) == 6) cp = c & 0x1f, len = 2;
        else if ((c >> 4) == 14) cp = c & 0x0f, len = 3;
        else cp = c & 0x07, len = 4;
        for (size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<uint8_t>(s[i + k]) & 0x3f);
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<uint16_t>(0xd800 + (cp >> 10)));
            out.push_back(static_cast<uint16_t>(0xdc00 + (cp & 0x3ff)));
        } else {
            out.push_back(static_cast<uint16_t>(cp));
        }
    }
    return out;
}

size_t bucket(const std::string& s, size_t capacity) {
    auto h = static_cast<uint32_t>(string_hash(s));
    return (h ^ (h >> 16)) & (capacity - 1);
}

}  // namespace

int32_t string_hash(std::string_view utf8) {
    uint32_t h = 0;
    for (uint16_t u : utf16(utf8)) h = 31 * h + u;
    return static_cast<int32_t>(h);
}

size_t incremental_capacity(size_t n) {
    size_t cap = 16;
    while (n > cap * 3 / 4) cap *= 2;
    return cap;
}

size_t copy_capacity(size_t n) {
    auto want = static_cast<size_t>(static_cast<float>(n) / 0.75f) + 1;
    size_t cap = 1;
    while (cap < want) cap *= 2;
    return std::max<size_t>(cap, 16);
}

std::vector<std::string> hash_order(const std::vector<std::string>& insertion_order, size_t capacity) {
    std::vector<std::string> out = insertion_order;
    std::stable_sort(out.begin(), out.end(), [capacity](const std::string& a, const std::string& b) {
        return bucket(a, capacity) < bucket(b, capacity);
    });
    return out;
}

int compare(std::string_view a, std::string_view b) {
    auto ua = utf16(a), ub = utf16(b);
    size_t n = std::min(ua.size(), ub.size());
    for (size_t i = 0; i < n; ++i) {
        if (ua[i] != ub[i]) return static_cast<int>(ua[i]) - static_cast<int>(ub[i]);
    }
    return static_cast<int>(ua.size()) - static_cast<int>(ub.size());
}

std::string collection_string(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += items[i];
    }
    return out + "]";
}

bool tree_set::insert(int id, const std::function<int(int, int)>& cmp) {
    if (ids_.empty()) {
        ids_.push_back(id);
        left_.push_back(-1);
        right_.push_back(-1);
        return true;
    }
    int at = 0;
    while (true) {
        int c = cmp(id, ids_[at]);
        if (c == 0) return false;
        std::vector<int>& side = c < 0 ? left_ : right_;
        if (side[at] < 0) {
            side[at] = static_cast<int>(ids_.size());
            ids_.push_back(id);
            left_.push_back(-1);
            right_.push_back(-1);
            return true;
        }
        at = side[at];
    }
}

std::vector<int> tree_set::in_order() const {
    std::vector<int> out;
    std::function<void(int)> walk = [&](int i) {
        if (i < 0) return;
        walk(left_[i]);
        out.push_back(ids_[i]);
        walk(right_[i]);
    };
    if (!ids_.empty()) walk(0);
    return out;
}

}  // namespace samsa::streams::internal::java
