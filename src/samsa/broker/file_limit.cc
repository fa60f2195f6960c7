#include "samsa/broker/file_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fstream>

#include <spdlog/spdlog.h>

#include "samsa/storage/fd_cache.h"

namespace samsa::broker {

namespace {

// The kernel's ceiling for one process (RLIM_INFINITY is refused for NOFILE).
rlim_t kernel_open_file_ceiling() {
    std::ifstream in("/proc/sys/fs/nr_open");
    unsigned long long v = 0;
    if (in >> v && v > 0) return static_cast<rlim_t>(v);
    return 1 << 20;  // the kernel's default nr_open
}

}  // namespace

file_limits raise_open_file_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        spdlog::warn("open files: cannot read RLIMIT_NOFILE: {}", std::strerror(errno));
        return {};
    }
    file_limits out{lim.rlim_cur, lim.rlim_cur, lim.rlim_max};
    rlim_t target = lim.rlim_max == RLIM_INFINITY ? kernel_open_file_ceiling() : lim.rlim_max;
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < target) {
        rlimit raised{target, lim.rlim_max};
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            out.soft = target;
        } else {
            spdlog::warn("open files: cannot raise the soft limit from {} to {}: {}", lim.rlim_cur, target,
                         std::strerror(errno));
        }
    }
    if (out.soft != out.soft_before) {
        spdlog::info("open files: soft limit raised from {} to {} (hard limit {})", out.soft_before, out.soft,
                     out.hard);
    } else {
        spdlog::info("open files: soft limit {} (hard limit {})", out.soft, out.hard);
    }
    return out;
}

void cap_open_segment_files(int64_t configured, const file_limits& limits) {
    constexpr uint64_t minimum = 16;
    uint64_t cap = 0;
    if (configured > 0) {
        cap = static_cast<uint64_t>(configured);
    } else if (limits.soft == 0 || limits.soft == RLIM_INFINITY) {
        cap = storage::fd_cache::unlimited;
    } else {
        cap = std::max<uint64_t>(minimum, limits.soft / 2);
    }
    storage::fd_cache::shared().set_capacity(static_cast<size_t>(cap));
    if (cap == storage::fd_cache::unlimited) {
        spdlog::info("open files: segment files not capped (no open-file limit known)");
    } else {
        spdlog::info("open files: at most {} segment files open at once (samsa.log.max.open.files{})", cap,
                     configured > 0 ? "" : ": half the soft limit");
    }
}

}  // namespace samsa::broker
