#include "samsa/broker/net/connection.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"
#include "samsa/broker/net/request_memory.h"
#include "samsa/broker/security/listener_security.h"
#include "samsa/broker/security/sasl/sasl_server.h"
#include "samsa/broker/security/tls/tls_channel.h"

namespace samsa::broker {

namespace {

// Bytes one connection reads per turn before letting the others have the
// I/O thread.
constexpr size_t read_turn_bytes = 1u << 20;
// A frame body arriving in pieces: its first reservation, then it grows at
// least this much at a time.
constexpr size_t first_frame_reservation = 1u << 20;
constexpr size_t min_frame_growth = 64 * 1024;
// Bytes one connection writes per turn before letting the others have the
// I/O thread (a large Fetch answer to a fast reader).
constexpr size_t write_turn_bytes = 4u << 20;
// Ciphertext read from the socket at a time (a little more than one TLS record).
constexpr size_t tls_read_bytes = 17 * 1024;

int32_t read_size(const uint8_t* p) {
    return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]);
}

}  // namespace

// ---- response_slot ----

response_slot& response_slot::operator=(response_slot&& o) noexcept {
    if (this != &o) {
        conn_ = std::move(o.conn_);
        seq_ = o.seq_;
        observer_ = o.observer_;
        received_ = o.received_;
        o.conn_.reset();
        o.seq_ = done_seq;
        o.observer_ = nullptr;
    }
    return *this;
}

response_slot::~response_slot() {
    if (seq_ == done_seq) return;
    if (auto c = conn_.lock()) {
        c->complete(seq_, connection::slot_state::close, {}, "a request was dropped without a response");
    }
}

void response_slot::send(std::vector<bytes> frame) {
    std::vector<frame_part> parts;
    parts.reserve(frame.size());
    for (auto& b : frame) parts.emplace_back(std::move(b));
    send(std::move(parts));
}

void response_slot::send(std::vector<frame_part> frame) {
    if (seq_ == done_seq) return;
    notify_observer();
    if (auto c = conn_.lock()) c->complete(seq_, connection::slot_state::ready, std::move(frame), {});
    seq_ = done_seq;
    conn_.reset();
}

void response_slot::notify_observer() {
    if (observer_) observer_->completed(received_);
    observer_ = nullptr;
}

void response_slot::mute_connection_for(std::chrono::milliseconds d) {
    if (auto c = conn_.lock()) c->mute_for(d);
}

void response_slot::skip() {
    if (seq_ == done_seq) return;
    notify_observer();
    if (auto c = conn_.lock()) c->complete(seq_, connection::slot_state::none, {}, {});
    seq_ = done_seq;
    conn_.reset();
}

void response_slot::close(std::string reason) {
    if (seq_ == done_seq) return;
    notify_observer();
    if (auto c = conn_.lock()) c->complete(seq_, connection::slot_state::close, {}, std::move(reason));
    seq_ = done_seq;
    conn_.reset();
}

// ---- connection ----

connection::connection(asio::ip::tcp::socket socket, const connection_limits& limits,
                       request_dispatcher& dispatcher, request_memory& memory, std::span<uint8_t> scratch,
                       uint64_t id, std::function<void(uint64_t)> on_closed,
                       std::shared_ptr<const security::listener_security> security)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      limits_(limits),
      dispatcher_(dispatcher),
      memory_(memory),
      scratch_(scratch),
      id_(id),
      on_closed_(std::move(on_closed)),
      security_(std::move(security)) {
    SAMSA_ASSERT(scratch_.size() >= 4);
    if (security_) {
        session_.listener_name = security_->name;
        if (security_->tls) {
            tls_ = std::make_unique<security::tls_channel>(security_->tls);
            tls_in_.resize(tls_read_bytes);
        }
        if (security_->sasl) sasl_ = std::make_unique<security::sasl_server>(*security_->sasl);
    }
    asio::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) address_ = ep.address();
    if (!ec) session_.client_host = ep.address().to_string();
    peer_ = ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    socket_.non_blocking(true, ec);
}

connection::~connection() = default;

bool connection::authenticated() const { return !sasl_ || sasl_->authenticated(); }

void connection::start() {
    last_progress_ = std::chrono::steady_clock::now();
    arm_timer();
    read_available();
}

void connection::close(const std::string& reason) {
    if (!open_) return;
    open_ = false;
    if (!reason.empty()) spdlog::info("connection {} from {} closed: {}", id_, peer_, reason);
    asio::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
    give_back_all_memory();
    queue_.clear();
    queued_bytes_ = 0;
    auto cb = std::move(on_closed_);
    if (cb) cb(id_);
}

void connection::give_back_all_memory() {
    size_t total = held_;
    held_ = 0;
    frame_ = {};
    frame_reserved_ = 0;
    ready_.clear();
    for (auto& p : queue_) {
        if (p.state == slot_state::waiting && p.request_bytes > 0) memory_.request_finished();
        total += p.request_bytes;
        p.request_bytes = 0;
    }
    if (total > 0) memory_.give_back(total);
}

void connection::drain() {
    draining_ = true;
    paused_ = true;
    if (queue_.empty() && !write_in_progress_) close({});
}

// ---- reading ----

bool connection::can_read() const {
    return open_ && !draining_ && !muted() && ready_.empty() && queue_.size() < limits_.max_pending &&
           queued_bytes_ < limits_.max_pending_bytes;
}

void connection::mute_for(std::chrono::milliseconds d) {
    if (!open_ || d.count() <= 0) return;
    muted_until_ = std::max(muted_until_, std::chrono::steady_clock::now() + d);
    if (!mute_timer_) mute_timer_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
    mute_timer_->expires_at(muted_until_);
    mute_timer_->async_wait([weak = weak_from_this()](const asio::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec || !self->open_) return;
        self->maybe_resume_reading();
    });
}

void connection::wait_readable() {
    // Only ever after read_some said would_block: the reactor reports the
    // next arrival, and nothing that arrived before can be missed.
    waiting_readable_ = true;
    socket_.async_wait(asio::ip::tcp::socket::wait_read, [self = shared_from_this()](const asio::error_code& ec) {
        self->waiting_readable_ = false;
        if (!self->open_) return;
        if (ec && ec != asio::error::operation_aborted) {
            self->close("wait failed: " + ec.message());
            return;
        }
        self->read_available();
    });
}

size_t connection::read_some(std::span<uint8_t> into, asio::error_code& ec) {
    if (tls_) return read_tls(into, ec);
    return socket_.read_some(asio::buffer(into.data(), into.size()), ec);
}

// ---- TLS ----

// Plaintext out of the channel, feeding it ciphertext from the socket until
// it has some or the socket has nothing more (would_block: the caller waits
// for readability). Handshake messages the channel produces on the way are
// sent at once.
size_t connection::read_tls(std::span<uint8_t> into, asio::error_code& ec) {
    for (;;) {
        size_t n = 0;
        const auto status = tls_->read(into.data(), into.size(), n);
        if (!tls_ready_ && tls_->handshake_done()) on_tls_handshake_done();
        if (!open_) {
            ec = asio::error::connection_aborted;
            return 0;
        }
        switch (status) {
            case security::tls_channel::read_status::data: return n;
            case security::tls_channel::read_status::closed: ec = asio::error::eof; return 0;
            case security::tls_channel::read_status::failed:
                tls_failed();
                ec = asio::error::connection_aborted;
                return 0;
            case security::tls_channel::read_status::need_more: break;
        }
        send_tls_output();
        const size_t got = socket_.read_some(asio::buffer(tls_in_), ec);
        if (ec) return 0;
        tls_->feed(tls_in_.data(), got);
    }
}

void connection::on_tls_handshake_done() {
    tls_ready_ = true;
    // SSL listeners: the client certificate's subject names the principal
    // (after ssl.principal.mapping.rules); on SASL_SSL the SASL user does.
    if (sasl_ || !security_->ssl_principal_mapping) return;
    auto subject = tls_->peer_subject();
    if (!subject) return;  // no client certificate: ANONYMOUS, as Kafka
    auto name = security_->ssl_principal_mapping->map(*subject);
    if (!name) {
        spdlog::warn("connection {} from {}: no ssl.principal.mapping.rules rule matches '{}'", id_, peer_, *subject);
        close("no principal for the client certificate");
        return;
    }
    set_principal({"User", *name});
}

void connection::send_tls_output() {
    if (write_in_progress_ || !open_ || !tls_->has_output()) return;
    write_in_progress_ = true;
    tls_wire_ = tls_->take_output();
    asio::async_write(socket_, asio::buffer(tls_wire_), [self = shared_from_this()](const asio::error_code& ec, size_t) {
        self->on_written(ec);
    });
}

// A failed handshake (bad certificate, a plaintext client, no shared
// protocol): the alert OpenSSL prepared is sent best-effort, then the
// connection closes; nothing was served on it.
void connection::tls_failed() {
    spdlog::info("connection {} from {} on listener {}: TLS failed: {}", id_, peer_, security_->name, tls_->error());
    if (tls_->has_output()) {
        bytes alert = tls_->take_output();
        asio::error_code ignored;
        socket_.write_some(asio::buffer(alert), ignored);
    }
    close("TLS handshake failed");
}

void connection::read_available() {
    if (!open_ || waiting_readable_ || memory_wait_) return;
    size_t this_turn = 0;
    while (open_) {
        if (!can_read()) {
            paused_ = true;  // flush() resumes
            return;
        }
        if (memory_.available() == 0) {
            memory_wait_ = true;
            memory_.wait(weak_from_this());
            return;
        }
        asio::error_code ec;
        size_t n = 0;
        // Through the scratch buffer, which stays in cache: reading straight
        // into the frame needed it zero-filled first (a vector's resize),
        // which cost more than this copy (a sixth of the broker's CPU under
        // 1 MB produce requests).
        n = read_some(scratch_, ec);
        if (!ec && !take_bytes(scratch_.data(), n)) return;
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            wait_readable();
            return;
        }
        if (ec) {
            bool mid_frame = size_have_ > 0 || frame_size_ >= 0;
            close(ec == asio::error::eof ? (mid_frame ? "closed in the middle of a frame" : "")
                                         : "read failed: " + ec.message());
            return;
        }
        last_progress_ = std::chrono::steady_clock::now();
        dispatch_ready_frames();
        this_turn += n;
        if (this_turn >= read_turn_bytes && open_) {
            // Let the other connections have the thread; continue afterwards.
            read_posted_ = true;
            asio::post(socket_.get_executor(), [self = shared_from_this()] {
                self->read_posted_ = false;
                self->read_available();
            });
            return;
        }
    }
}

bool connection::take_bytes(const uint8_t* p, size_t n) {
    while (n > 0 && open_) {
        if (frame_size_ < 0) {
            const size_t want = std::min<size_t>(4 - size_have_, n);
            std::memcpy(size_field_ + size_have_, p, want);
            size_have_ += want;
            p += want;
            n -= want;
            if (size_have_ < 4) break;
            size_have_ = 0;
            if (!start_frame(read_size(size_field_))) return false;
            if (n >= static_cast<size_t>(frame_size_)) {
                // The whole frame is here: one exact allocation.
                frame_.assign(p, p + frame_size_);
                memory_.take(frame_.size());
                held_ += frame_.size();
                frame_reserved_ = frame_.size();
                p += frame_size_;
                n -= static_cast<size_t>(frame_size_);
                frame_have_ = static_cast<size_t>(frame_size_);
                finish_frame();
            }
            continue;
        }
        const size_t want = std::min(static_cast<size_t>(frame_size_) - frame_have_, n);
        grow_frame(frame_have_ + want);
        frame_.insert(frame_.end(), p, p + want);  // within the reserved capacity
        frame_have_ += want;
        p += want;
        n -= want;
        if (frame_have_ == static_cast<size_t>(frame_size_)) finish_frame();
    }
    return open_;
}

bool connection::start_frame(int32_t size) {
    if (size < 0) {
        spdlog::warn("connection {} from {}: negative frame size {}", id_, peer_, size);
        close("bad frame");
        return false;
    }
    if (size > limits_.max_frame_bytes) {
        spdlog::warn("connection {} from {}: frame of {} bytes is over socket.request.max.bytes ({})", id_, peer_,
                     size, limits_.max_frame_bytes);
        close("bad frame");
        return false;
    }
    if (size < min_request_frame_bytes) {
        spdlog::warn("connection {} from {}: frame of {} bytes is too small for a request header", id_, peer_,
                     size);
        close("bad frame");
        return false;
    }
    frame_size_ = size;
    frame_have_ = 0;
    return true;
}

void connection::grow_frame(size_t at_least) {
    if (frame_reserved_ >= at_least) return;
    const size_t declared = static_cast<size_t>(frame_size_);
    // The first reservation covers a common request whole (clients' default
    // maximum request is 1 MB), so it is never copied; beyond that, doubling.
    // Either way by no more than the budget has room for (or one growth step
    // when it has less), and never past the declared size. Reserved, not
    // resized: pages no byte has reached are not touched.
    const size_t wanted = frame_reserved_ == 0 ? first_frame_reservation : std::max(frame_reserved_, min_frame_growth);
    const size_t step = std::min(wanted, std::max(memory_.available(), min_frame_growth));
    const size_t next = std::min(declared, std::max(at_least, frame_reserved_ + step));
    memory_.take(next - frame_reserved_);
    held_ += next - frame_reserved_;
    frame_.reserve(next);
    frame_reserved_ = next;
}

void connection::finish_frame() {
    SAMSA_ASSERT(frame_.size() == static_cast<size_t>(frame_size_) && frame_reserved_ == frame_.size());
    ready_.push_back({std::move(frame_), std::chrono::steady_clock::now()});
    frame_ = {};
    frame_reserved_ = 0;
    frame_size_ = -1;
    frame_have_ = 0;
}

void connection::dispatch_ready_frames() {
    // A handler that answers at once ends up here again (send -> flush ->
    // maybe_resume_reading): the outer loop carries on instead.
    if (dispatching_) return;
    dispatching_ = true;
    while (open_ && !draining_ && !muted() && !ready_.empty() && queue_.size() < limits_.max_pending &&
           queued_bytes_ < limits_.max_pending_bytes) {
        bytes frame = std::move(ready_.front().frame);
        frame_received_at_ = ready_.front().received;
        ready_.pop_front();
        const size_t size = frame.size();
        held_ -= size;
        uint64_t seq = front_seq_ + queue_.size();
        queue_.emplace_back();
        queue_.back().request_bytes = size;
        memory_.request_started();
        dispatcher_.dispatch(*this, std::move(frame), response_slot(weak_from_this(), seq));
    }
    dispatching_ = false;
}

void connection::maybe_resume_reading() {
    if (!open_) return;
    dispatch_ready_frames();
    if (!paused_ || !can_read() || read_posted_) return;
    paused_ = false;
    last_progress_ = std::chrono::steady_clock::now();  // the wait was ours, not the client's
    // Posted: this runs inside a handler's send() and must not re-enter the
    // read loop further up the stack.
    read_posted_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
        self->read_posted_ = false;
        self->read_available();
    });
}

void connection::resume_after_memory_wait() {
    if (!memory_wait_) return;
    memory_wait_ = false;
    last_progress_ = std::chrono::steady_clock::now();
    if (!open_ || read_posted_) return;
    read_posted_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
        self->read_posted_ = false;
        self->read_available();
    });
}

void connection::evict_for_memory() {
    spdlog::warn("connection {} from {}: queued.max.request.bytes is spent by partial requests that do not "
                 "complete; closing this one, idle longest with {} bytes of a request",
                 id_, peer_, held_);
    close("request memory exhausted");
}

// ---- responses ----

void connection::complete(uint64_t seq, slot_state state, std::vector<frame_part> frame, std::string reason) {
    if (!open_ || seq < front_seq_ || seq - front_seq_ >= queue_.size()) return;
    auto& p = queue_[seq - front_seq_];
    if (p.state != slot_state::waiting) return;
    p.state = state;
    for (const auto& part : frame) queued_bytes_ += part.size();
    p.frame = std::move(frame);
    p.close_reason = std::move(reason);
    if (p.request_bytes > 0) {
        // Answered: the request's bytes no longer count (the handler may keep
        // a few of them a little longer; they are freed with its context).
        size_t n = p.request_bytes;
        p.request_bytes = 0;
        memory_.request_finished();
        memory_.give_back(n);
        if (!open_) return;  // giving back resumed a connection whose work closed this one
    }
    flush();
}

void connection::flush() {
    if (!open_ || write_in_progress_) return;
    SAMSA_ASSERT(writing_.empty());
    while (!queue_.empty() && queue_.front().state != slot_state::waiting) {
        auto& p = queue_.front();
        if (p.state == slot_state::close) {
            if (writing_.empty()) {
                close(p.close_reason);
                return;
            }
            break;  // write what precedes it first
        }
        for (auto& part : p.frame) {
            if (part.size() == 0) continue;
            writing_.push_back(std::move(part));
        }
        queue_.pop_front();
        ++front_seq_;
    }
    if (writing_.empty()) {
        if (tls_ && tls_->has_output()) {
            send_tls_output();  // handshake messages or session tickets
            return;
        }
        if (draining_ && queue_.empty()) {
            close({});
            return;
        }
        maybe_resume_reading();
        return;
    }
    start_write();
}

void connection::start_write() {
    if (tls_) {
        // Encrypted whole into tls_wire_; writing_ keeps the parts until the
        // write ends so the queued-bytes accounting stays the same. A file
        // range is read here (TLS cannot splice it; what storage's read did
        // before sendfile).
        bytes range;
        for (const auto& part : writing_) {
            const uint8_t* data = part.data.data();
            if (part.is_file()) {
                if (auto st = read_file_range(part, range); !st) {
                    close(st.error().message);
                    return;
                }
                data = range.data();
            }
            if (!tls_->write(data, part.size())) {
                close("TLS write failed: " + tls_->error());
                return;
            }
        }
        write_in_progress_ = true;
        tls_wire_ = tls_->take_output();
        asio::async_write(socket_, asio::buffer(tls_wire_), [self = shared_from_this()](const asio::error_code& ec, size_t) {
            self->on_written(ec);
        });
        return;
    }
    write_in_progress_ = true;
    write_index_ = 0;
    write_offset_ = 0;
    write_parts();
}

// The plaintext write: the parts in order, non-blocking, memory parts
// gathered into one writev and file ranges with sendfile(2) (the page cache
// goes to the socket without passing through the broker); where the socket
// is full, a wait for writability and a continuation from the same place.
void connection::write_parts() {
    constexpr size_t max_gather = 64;
    size_t this_turn = 0;
    while (write_index_ < writing_.size()) {
        if (this_turn >= write_turn_bytes) {
            // A fast reader could keep the loop going for a whole large
            // response: let the other connections have the thread first.
            asio::post(socket_.get_executor(), [self = shared_from_this()] {
                if (!self->open_) {
                    self->on_written(asio::error::operation_aborted);
                    return;
                }
                self->write_parts();
            });
            return;
        }
        const frame_part& part = writing_[write_index_];
        size_t n = 0;
        asio::error_code ec;
        if (part.is_file()) {
            off_t position = static_cast<off_t>(part.position + write_offset_);
            const ssize_t sent = ::sendfile(socket_.native_handle(), part.fd, &position, part.length - write_offset_);
            if (sent < 0) {
                const int err = errno;
                if (err == EINTR) continue;
                if (err == EAGAIN || err == EWOULDBLOCK) {
                    wait_writable();
                    return;
                }
                on_written(asio::error_code(err, asio::system_category()));
                return;
            }
            if (sent == 0) {
                // The file is shorter than the range the frame announced (it
                // was truncated): the frame cannot be finished; Kafka closes
                // the connection too.
                on_written(asio::error::eof);
                return;
            }
            n = static_cast<size_t>(sent);
        } else {
            std::array<asio::const_buffer, max_gather> buffers;
            size_t count = 0;
            size_t i = write_index_;
            for (; i < writing_.size() && count < max_gather && !writing_[i].is_file(); ++i) {
                const size_t skip = i == write_index_ ? write_offset_ : 0;
                buffers[count++] = asio::buffer(writing_[i].data.data() + skip, writing_[i].data.size() - skip);
            }
            // Bytes that a file range follows (a Fetch answer's header, the
            // fields between two partitions' records) wait for it with
            // MSG_MORE and leave in its first segment: under TCP_NODELAY they
            // would be a small segment of their own, one more packet and
            // one more wake-up of the reader per partition. The range's last
            // sendfile pushes; so does the last memory run.
            const int flags = i < writing_.size() && writing_[i].is_file() ? MSG_MORE : 0;
            n = socket_.send(std::span(buffers.data(), count), flags, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) {
                wait_writable();
                return;
            }
            if (ec) {
                on_written(ec);
                return;
            }
        }
        last_progress_ = std::chrono::steady_clock::now();
        this_turn += n;
        while (n > 0) {
            const size_t left = writing_[write_index_].size() - write_offset_;
            if (n < left) {
                write_offset_ += n;
                break;
            }
            n -= left;
            ++write_index_;
            write_offset_ = 0;
        }
    }
    on_written({});
}

void connection::wait_writable() {
    socket_.async_wait(asio::ip::tcp::socket::wait_write, [self = shared_from_this()](const asio::error_code& ec) {
        if (!self->open_) {
            self->on_written(asio::error::operation_aborted);
            return;
        }
        if (ec) {
            self->on_written(ec);
            return;
        }
        self->write_parts();
    });
}

status connection::read_file_range(const frame_part& part, bytes& out) {
    out.resize(part.length);
    size_t have = 0;
    while (have < part.length) {
        const ssize_t n = ::pread(part.fd, out.data() + have, part.length - have,
                                  static_cast<off_t>(part.position + have));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return make_error(errc::io_error, fmt::format("reading a segment for a response: {}", std::strerror(errno)));
        if (n == 0) return make_error(errc::io_error, "a segment was truncated under a response");
        have += static_cast<size_t>(n);
    }
    return ok();
}

void connection::on_written(const asio::error_code& ec) {
    write_in_progress_ = false;
    for (const auto& part : writing_) queued_bytes_ -= std::min(queued_bytes_, part.size());
    writing_.clear();
    if (!open_) return;
    if (ec) {
        close("write failed: " + ec.message());
        return;
    }
    last_progress_ = std::chrono::steady_clock::now();
    flush();
}

// ---- timeouts ----

// One periodic check per connection rather than a timer re-armed on every
// read: the deadlines are judged when it fires, within a quarter of the
// shorter timeout.
void connection::arm_timer() {
    if (!open_ || timer_armed_) return;
    auto period = std::min(limits_.idle_timeout, limits_.partial_frame_timeout) / 4;
    period = std::max<std::chrono::milliseconds>(period, std::chrono::milliseconds(10));
    timer_armed_ = true;
    timer_.expires_after(period);
    timer_.async_wait([weak = weak_from_this()](const asio::error_code& ec) {
        auto self = weak.lock();
        if (!self) return;
        self->timer_armed_ = false;
        if (ec || !self->open_) return;
        self->on_timer();
    });
}

void connection::on_timer() {
    const auto now = std::chrono::steady_clock::now();
    const auto quiet = now - last_progress_;
    const bool waiting_on_us = !queue_.empty() || !ready_.empty() || memory_wait_ || paused_;
    const bool mid_frame = size_have_ > 0 || frame_size_ >= 0;
    if (!waiting_on_us && mid_frame && quiet >= limits_.partial_frame_timeout) {
        close("a partial request frame stalled");
        return;
    }
    if (!waiting_on_us && !mid_frame && quiet >= limits_.idle_timeout) {
        close("idle for longer than connections.max.idle.ms");
        return;
    }
    arm_timer();
}

}  // namespace samsa::broker
