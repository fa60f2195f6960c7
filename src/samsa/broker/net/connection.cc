#include "samsa/broker/net/connection.h"

#include <cstring>

#include <spdlog/spdlog.h>

namespace samsa::broker {

namespace {

constexpr size_t read_buffer_bytes = 64 * 1024;

int32_t read_size(const uint8_t* p) {
    return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]);
}

}  // namespace

// ---- response_slot ----

response_slot& response_slot::operator=(response_slot&& o) noexcept {
    if (this != &o) {
        conn_ = std::move(o.conn_);
        seq_ = o.seq_;
        o.conn_.reset();
        o.seq_ = done_seq;
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
    if (seq_ == done_seq) return;
    if (auto c = conn_.lock()) c->complete(seq_, connection::slot_state::ready, std::move(frame), {});
    seq_ = done_seq;
    conn_.reset();
}

void response_slot::skip() {
    if (seq_ == done_seq) return;
    if (auto c = conn_.lock()) c->complete(seq_, connection::slot_state::none, {}, {});
    seq_ = done_seq;
    conn_.reset();
}

void response_slot::close(std::string reason) {
    if (seq_ == done_seq) return;
    if (auto c = conn_.lock()) c->complete(seq_, connection::slot_state::close, {}, std::move(reason));
    seq_ = done_seq;
    conn_.reset();
}

// ---- connection ----

connection::connection(asio::ip::tcp::socket socket, const connection_limits& limits,
                       request_dispatcher& dispatcher, uint64_t id, std::function<void(uint64_t)> on_closed)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      limits_(limits),
      dispatcher_(dispatcher),
      id_(id),
      on_closed_(std::move(on_closed)) {
    asio::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    peer_ = ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

connection::~connection() = default;

void connection::start() {
    rbuf_.resize(read_buffer_bytes);
    arm_timer();
    read_more();
}

void connection::close(const std::string& reason) {
    if (!open_) return;
    open_ = false;
    if (!reason.empty()) spdlog::info("connection {} from {} closed: {}", id_, peer_, reason);
    asio::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
    queue_.clear();
    queued_bytes_ = 0;
    auto cb = std::move(on_closed_);
    if (cb) cb(id_);
}

void connection::drain() {
    draining_ = true;
    paused_ = true;
    if (queue_.empty() && !write_in_progress_) close({});
}

bool connection::can_read() const {
    return open_ && !draining_ && queue_.size() < limits_.max_pending && queued_bytes_ < limits_.max_pending_bytes;
}

void connection::arm_timer() {
    if (!open_) return;
    std::chrono::milliseconds wait{};
    const char* why = nullptr;
    if (!queue_.empty()) {
        timer_.cancel();  // waiting on us, not on the client
        return;
    }
    if (rend_ > rstart_ || !large_frame_.empty()) {
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                            frame_started_);
        wait = limits_.partial_frame_timeout - elapsed;
        why = "a partial request frame stalled";
    } else {
        wait = limits_.idle_timeout;
        why = "idle for longer than connections.max.idle.ms";
    }
    if (wait.count() < 0) wait = std::chrono::milliseconds(0);
    timer_.expires_after(wait);
    std::weak_ptr<connection> weak = weak_from_this();
    timer_.async_wait([weak, why](const asio::error_code& ec) {
        if (ec) return;
        if (auto self = weak.lock()) self->close(why);
    });
}

void connection::read_more() {
    if (!open_ || reading_) return;
    if (!can_read()) {
        paused_ = true;
        return;
    }
    paused_ = false;
    if (!large_frame_.empty()) {
        read_rest_of_large_frame();
        return;
    }
    // Compact: keep the unconsumed tail at the front.
    if (rstart_ > 0) {
        std::memmove(rbuf_.data(), rbuf_.data() + rstart_, rend_ - rstart_);
        rend_ -= rstart_;
        rstart_ = 0;
    }
    reading_ = true;
    socket_.async_read_some(asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_),
                            [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                                self->reading_ = false;
                                self->on_read(ec, n);
                            });
}

void connection::on_read(const asio::error_code& ec, size_t n) {
    if (!open_) return;
    if (ec) {
        close(ec == asio::error::eof ? "" : "read failed: " + ec.message());
        return;
    }
    if (rend_ == rstart_ && n > 0) frame_started_ = std::chrono::steady_clock::now();
    rend_ += n;
    if (!parse_frames()) return;
    arm_timer();
    read_more();
}

bool connection::parse_frames() {
    while (open_ && !draining_ && rend_ - rstart_ >= 4) {
        int32_t size = read_size(rbuf_.data() + rstart_);
        if (size < 0) {
            spdlog::warn("connection {} from {}: negative frame size {}", id_, peer_, size);
            close("bad frame");
            return false;
        }
        if (size > limits_.max_frame_bytes) {
            spdlog::warn("connection {} from {}: frame of {} bytes is over socket.request.max.bytes ({})", id_,
                         peer_, size, limits_.max_frame_bytes);
            close("bad frame");
            return false;
        }
        if (size < min_request_frame_bytes) {
            spdlog::warn("connection {} from {}: frame of {} bytes is too small for a request header", id_, peer_,
                         size);
            close("bad frame");
            return false;
        }
        size_t avail = rend_ - rstart_ - 4;
        if (avail >= static_cast<size_t>(size)) {
            const uint8_t* p = rbuf_.data() + rstart_ + 4;
            bytes frame(p, p + size);
            rstart_ += 4 + static_cast<size_t>(size);
            if (rend_ > rstart_) frame_started_ = std::chrono::steady_clock::now();
            dispatch_frame(std::move(frame));
            if (!can_read()) break;
            continue;
        }
        if (static_cast<size_t>(size) + 4 > rbuf_.size()) {
            // Too big for the read buffer: read the rest straight into place.
            large_frame_.resize(static_cast<size_t>(size));
            std::memcpy(large_frame_.data(), rbuf_.data() + rstart_ + 4, avail);
            large_have_ = avail;
            rstart_ = rend_ = 0;
        }
        break;
    }
    if (rstart_ == rend_) rstart_ = rend_ = 0;
    return open_;
}

void connection::read_rest_of_large_frame() {
    reading_ = true;
    asio::async_read(socket_, asio::buffer(large_frame_.data() + large_have_, large_frame_.size() - large_have_),
                     [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                         self->reading_ = false;
                         if (!self->open_) return;
                         if (ec) {
                             self->close(ec == asio::error::eof ? "closed in the middle of a frame"
                                                                : "read failed: " + ec.message());
                             return;
                         }
                         bytes frame = std::move(self->large_frame_);
                         self->large_frame_ = {};
                         self->large_have_ = 0;
                         self->dispatch_frame(std::move(frame));
                         self->arm_timer();
                         self->read_more();
                     });
}

void connection::dispatch_frame(bytes frame) {
    uint64_t seq = front_seq_ + queue_.size();
    queue_.emplace_back();
    dispatcher_.dispatch(*this, std::move(frame), response_slot(weak_from_this(), seq));
}

void connection::complete(uint64_t seq, slot_state state, std::vector<bytes> frame, std::string reason) {
    if (!open_ || seq < front_seq_ || seq - front_seq_ >= queue_.size()) return;
    auto& p = queue_[seq - front_seq_];
    if (p.state != slot_state::waiting) return;
    p.state = state;
    for (const auto& b : frame) queued_bytes_ += b.size();
    p.frame = std::move(frame);
    p.close_reason = std::move(reason);
    flush();
}

void connection::flush() {
    if (!open_ || write_in_progress_) return;
    std::vector<asio::const_buffer> buffers;
    while (!queue_.empty() && queue_.front().state != slot_state::waiting) {
        auto& p = queue_.front();
        if (p.state == slot_state::close) {
            if (buffers.empty()) {
                close(p.close_reason);
                return;
            }
            break;  // write what precedes it first
        }
        for (auto& b : p.frame) {
            if (b.empty()) continue;
            writing_.push_back(std::move(b));
        }
        queue_.pop_front();
        ++front_seq_;
        for (size_t i = buffers.size(); i < writing_.size(); ++i) buffers.emplace_back(asio::buffer(writing_[i]));
    }
    if (buffers.empty()) {
        if (draining_ && queue_.empty()) {
            close({});
            return;
        }
        arm_timer();
        maybe_resume_reading();
        return;
    }
    write_in_progress_ = true;
    asio::async_write(socket_, buffers, [self = shared_from_this()](const asio::error_code& ec, size_t) {
        self->on_written(ec);
    });
}

void connection::on_written(const asio::error_code& ec) {
    write_in_progress_ = false;
    for (const auto& b : writing_) queued_bytes_ -= std::min(queued_bytes_, b.size());
    writing_.clear();
    if (!open_) return;
    if (ec) {
        close("write failed: " + ec.message());
        return;
    }
    flush();
}

void connection::maybe_resume_reading() {
    if (!paused_ || !can_read()) return;
    paused_ = false;
    // Frames that arrived while paused are already in the buffer.
    if (!parse_frames()) return;
    arm_timer();
    read_more();
}

}  // namespace samsa::broker
