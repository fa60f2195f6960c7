#include "samsa/cli/command.h"

#include <algorithm>
#include <ostream>

namespace samsa::cli {

int report(command_io& io, const error& e, bool usage) {
    io.err << "samsa: error: " << e.message << "\n";
    if (usage) {
        io.err << "Run with --help for more information.\n";
        return exit_usage;
    }
    return exit_failure;
}

std::atomic<bool>& stop_requested() {
    static std::atomic<bool> flag{false};
    return flag;
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> widths;
    for (const auto& row : rows) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
        }
        out += line;
        out += '\n';
    }
    return out;
}

}  // namespace samsa::cli
