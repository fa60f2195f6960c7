#pragma once
// scratch_dir: a private temporary directory for fuzz bodies whose decoder
// reads a file; created on first use, removed at exit (libFuzzer exits
// through exit(), so static destructors run). In /dev/shm when there is one:
// a reader that writes back fsyncs, which costs nothing in memory.

#include <stdlib.h>

#include <cerrno>

#include <filesystem>
#include <fstream>
#include <string>

#include "samsa/bytes/bytes.h"

namespace samsa::fuzz {

inline const std::filesystem::path& scratch_dir() {
    struct dir {
        std::filesystem::path path;
        dir() {
            std::error_code ec;
            const std::filesystem::path base =
                std::filesystem::is_directory("/dev/shm", ec) ? "/dev/shm" : std::filesystem::temp_directory_path();
            std::string tmpl = (base / "samsa-fuzz-XXXXXX").string();
            if (::mkdtemp(tmpl.data()) == nullptr)
                throw std::filesystem::filesystem_error("mkdtemp", std::error_code(errno, std::generic_category()));
            path = tmpl;
        }
        ~dir() {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    };
    static dir d;
    return d.path;
}

// Replaces `name` in the scratch directory with exactly `data`.
inline std::filesystem::path write_scratch_file(const std::string& name, bytes_view data) {
    auto p = scratch_dir() / name;
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    return p;
}

}  // namespace samsa::fuzz
