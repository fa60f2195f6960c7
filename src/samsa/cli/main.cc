// samsa: the command-line tool (src/samsa/cli/README.md).

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "samsa/cli/application.h"

namespace {

void on_signal(int) {
    // A second Ctrl-C ends the process at once, for when the cluster hangs.
    if (samsa::cli::stop_requested().exchange(true)) std::_Exit(130);
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::ios::sync_with_stdio(false);
    std::vector<std::string> args(argv + 1, argv + argc);
    samsa::cli::command_io io{std::cin, std::cout, std::cerr};
    try {
        samsa::cli::application app;
        int status = app.run(args, io);
        std::cout.flush();
        std::cerr.flush();
        // No static destructors: a librdkafka handle abandoned by
        // a bounded destroy (samsa::kafka::handle_deleter) may still hold its threads.
        std::_Exit(status);
    } catch (const std::exception& e) {
        std::cerr << "samsa: error: " << e.what() << "\n";
        return samsa::cli::exit_failure;
    }
}
