#pragma once
// web_assets: the page (web/index.html, web/app.js, web/style.css), compiled
// into the binary by CMake (embed_web.cmake writes web_assets.cc), so that the
// console needs no files and no network beside the cluster. Thread: any.

#include <span>
#include <string_view>

namespace samsa::cli::console {

struct web_asset {
    std::string_view path;          // "/", "/app.js", "/style.css"
    std::string_view content_type;
    std::string_view body;
};

std::span<const web_asset> web_assets();

}  // namespace samsa::cli::console
