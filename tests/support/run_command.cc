#include "tests/support/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

extern char** environ;

namespace samsa::test_support {
namespace {

using clock = std::chrono::steady_clock;

struct pipe_pair {
    int read_end = -1;
    int write_end = -1;
};

pipe_pair make_pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return {};
    }
    return {fds[0], fds[1]};
}

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

// Everything the child needs, built before fork: after fork only
// async-signal-safe calls are allowed (the parent may run librdkafka threads).
struct exec_image {
    std::vector<std::string> args;
    std::vector<std::string> env_strings;
    std::vector<char*> argv;
    std::vector<char*> envp;
};

exec_image make_image(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra) {
    exec_image image;
    image.args = args;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos && extra.count(entry.substr(0, eq))) {
            continue;
        }
        image.env_strings.push_back(std::move(entry));
    }
    for (const auto& [k, v] : extra) {
        image.env_strings.push_back(k + "=" + v);
    }
    for (auto& a : image.args) image.argv.push_back(a.data());
    image.argv.push_back(nullptr);
    for (auto& e : image.env_strings) image.envp.push_back(e.data());
    image.envp.push_back(nullptr);
    return image;
}

std::string quote(const std::string& arg) {
    if (!arg.empty() && arg.find_first_of(" \t\n'\"\\$*?") == std::string::npos) {
        return arg;
    }
    std::string q = "'";
    for (char c : arg) {
        if (c == '\'') q += "'\\''";
        else q += c;
    }
    return q + "'";
}

}  // namespace

std::string command_result::describe() const {
    std::ostringstream s;
    s << "$ " << command_line << "\n";
    if (timed_out) s << "=> killed after timeout (" << elapsed.count() << " ms)\n";
    else if (term_signal) s << "=> killed by signal " << term_signal << " (" << strsignal(term_signal) << ")\n";
    else s << "=> exit status " << exit_code << " after " << elapsed.count() << " ms\n";
    s << "--- stdout ---\n" << out;
    if (!out.empty() && out.back() != '\n') s << "\n";
    s << "--- stderr ---\n" << err;
    if (!err.empty() && err.back() != '\n') s << "\n";
    s << "--------------\n";
    return s.str();
}

command_result run_command(const std::vector<std::string>& args, const command_options& options) {
    command_result result;
    for (size_t i = 0; i < args.size(); ++i) {
        result.command_line += (i ? " " : "") + quote(args[i]);
    }
    if (args.empty()) {
        result.exit_code = 127;
        result.err = "run_command: empty argv";
        return result;
    }

    exec_image image = make_image(args, options.env);
    std::string cwd = options.working_dir.string();
    pipe_pair in = make_pipe(), out = make_pipe(), err = make_pipe();
    // A pipe whose write end the child closes on exec: if exec fails, the child
    // writes errno into it, so "not found" is told apart from "exited with 127".
    pipe_pair exec_status = make_pipe();
    if (in.read_end < 0 || out.read_end < 0 || err.read_end < 0 || exec_status.read_end < 0) {
        result.exit_code = 127;
        result.err = std::string("run_command: pipe: ") + strerror(errno);
        return result;
    }

    pid_t parent = getpid();
    auto start = clock::now();
    pid_t pid = fork();
    if (pid < 0) {
        result.exit_code = 127;
        result.err = std::string("run_command: fork: ") + strerror(errno);
        return result;
    }
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        dup2(in.read_end, 0);
        dup2(out.write_end, 1);
        dup2(err.write_end, 2);
        if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
            int e = errno;
            (void)!write(exec_status.write_end, &e, sizeof e);
            _exit(127);
        }
        // execvpe searches PATH like a shell would.
        execvpe(image.argv[0], image.argv.data(), image.envp.data());
        int e = errno;
        (void)!write(exec_status.write_end, &e, sizeof e);
        _exit(127);
    }
    setpgid(pid, pid);  // also from the parent, so the group exists before any kill
    close_fd(in.read_end);
    close_fd(out.write_end);
    close_fd(err.write_end);
    close_fd(exec_status.write_end);

    int exec_errno = 0;
    if (read(exec_status.read_end, &exec_errno, sizeof exec_errno) == static_cast<ssize_t>(sizeof exec_errno)) {
        result.err = "run_command: cannot start " + args[0] + ": " + strerror(exec_errno) + "\n";
    }
    close_fd(exec_status.read_end);

    fcntl(in.write_end, F_SETFL, O_NONBLOCK);
    size_t stdin_written = 0;
    if (options.stdin_data.empty()) close_fd(in.write_end);

    auto deadline = start + options.timeout;
    char buf[65536];
    while (out.read_end >= 0 || err.read_end >= 0) {
        auto now = clock::now();
        if (now >= deadline) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            break;
        }
        pollfd fds[3];
        int n = 0;
        int idx_out = -1, idx_err = -1, idx_in = -1;
        if (out.read_end >= 0) { idx_out = n; fds[n++] = {out.read_end, POLLIN, 0}; }
        if (err.read_end >= 0) { idx_err = n; fds[n++] = {err.read_end, POLLIN, 0}; }
        if (in.write_end >= 0) { idx_in = n; fds[n++] = {in.write_end, POLLOUT, 0}; }
        auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        int rc = poll(fds, n, static_cast<int>(std::min<long long>(wait_ms + 1, 1000)));
        if (rc < 0 && errno != EINTR) break;
        if (rc <= 0) continue;
        auto drain = [&](int idx, int& fd, std::string& sink) {
            if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
            ssize_t got = read(fd, buf, sizeof buf);
            if (got > 0) sink.append(buf, static_cast<size_t>(got));
            else if (got == 0 || (errno != EINTR && errno != EAGAIN)) close_fd(fd);
        };
        drain(idx_out, out.read_end, result.out);
        drain(idx_err, err.read_end, result.err);
        if (idx_in >= 0 && (fds[idx_in].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t put = write(in.write_end, options.stdin_data.data() + stdin_written,
                                options.stdin_data.size() - stdin_written);
            if (put > 0) stdin_written += static_cast<size_t>(put);
            if (put < 0 && errno != EAGAIN && errno != EINTR) close_fd(in.write_end);
            if (stdin_written == options.stdin_data.size()) close_fd(in.write_end);
        }
    }
    close_fd(in.write_end);
    close_fd(out.read_end);
    close_fd(err.read_end);

    // The streams are closed; the child may still be exiting. Bounded wait.
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) break;
        if (clock::now() >= deadline + std::chrono::seconds(1)) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        if (clock::now() >= deadline) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
        }
        usleep(2000);
    }
    // Whatever the child left behind in its group (it outlived its streams).
    kill(-pid, SIGKILL);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
    if (exec_errno != 0) result.exit_code = 127;
    return result;
}

command_options within(std::chrono::milliseconds limit) {
    command_options o;
    o.timeout = limit;
    return o;
}

std::filesystem::path samsa_bin(const std::string& name) {
    const char* dir = std::getenv("SAMSA_BIN_DIR");
    return dir ? std::filesystem::path(dir) / name : std::filesystem::path(name);
}

}  // namespace samsa::test_support
