#include "log_event.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "sys/format.hpp"

namespace pong::responder {
namespace {

std::string address_text(const wire::IpAddress& address) {
  return fmt::format("{}", address);
}

}  // namespace

LogEvent LogEvent::echo(const wire::EchoReply& reply, std::size_t preview_limit) {
  const wire::EchoMessage& m = reply.message;
  LogEvent e;
  e.kind = LogEventKind::kEcho;
  e.family = reply.destination.family();
  e.has_echo_fields = true;
  e.source = reply.destination;
  e.destination = reply.source;
  e.identifier = m.identifier;
  e.sequence = m.sequence;
  e.size = static_cast<std::uint32_t>(m.data.size() + 4);
  e.data_length = static_cast<std::uint32_t>(m.data.size());
  e.data_printable = sys::is_printable_text(m.data);
  e.preview_length =
      static_cast<std::uint16_t>(std::min({m.data.size(), preview_limit, kPayloadPreviewCapacity}));
  std::copy_n(m.data.begin(), e.preview_length, e.preview.begin());
  return e;
}

LogEvent LogEvent::drop(wire::IpFamily family, const wire::IpAddress& source, std::size_t size,
                        wire::DropReason reason) {
  LogEvent e;
  e.kind = LogEventKind::kDrop;
  e.family = family;
  e.reason = reason;
  e.source = source;
  e.size = static_cast<std::uint32_t>(size);
  return e;
}

LogEvent LogEvent::refused(const wire::EchoReply& reply, std::size_t size,
                           wire::DropReason reason) {
  LogEvent e = drop(reply.destination.family(), reply.destination, size, reason);
  e.has_echo_fields = true;
  e.destination = reply.source;
  e.identifier = reply.message.identifier;
  e.sequence = reply.message.sequence;
  return e;
}

LogEvent LogEvent::held(const policy::SuppressedLines& lines) {
  LogEvent e;
  e.kind = LogEventKind::kHeldBack;
  e.held_back = lines;
  return e;
}

spdlog::level::level_enum render_text(const LogEvent& e, fmt::memory_buffer& out) {
  auto it = std::back_inserter(out);
  switch (e.kind) {
    case LogEventKind::kEcho:
      fmt::format_to(it, "{} bytes from {}: pid={}, icmp_type=echo, icmp_seq={}, data={}", e.size,
                     e.source, e.identifier, e.sequence,
                     sys::PayloadExcerpt{e.shown_data(), e.data_length, e.data_printable});
      return spdlog::level::info;
    case LogEventKind::kDrop:
      fmt::format_to(it, "dropped {} bytes from {}", e.size, e.source);
      if (e.has_echo_fields) fmt::format_to(it, " (pid={}, icmp_seq={})", e.identifier, e.sequence);
      fmt::format_to(it, ": {}", wire::drop_reason_name(e.reason));
      return spdlog::level::debug;
    case LogEventKind::kHeldBack: {
      const policy::SuppressedLines& h = e.held_back;
      fmt::format_to(
          it,
          "--log-rate held back {} request lines in the last {:.1f} s, from {}{} source{} (every "
          "request is still counted)",
          h.lines, std::chrono::duration<double>(h.period).count(),
          h.sources_at_least ? "at least " : "", h.sources, h.sources == 1 ? "" : "s");
      return spdlog::level::info;
    }
  }
  return spdlog::level::info;
}

spdlog::level::level_enum render_json(const LogEvent& e, fmt::memory_buffer& out) {
  // Ordered: the keys come out in the order they are set, the same in
  // every line, which is easier to read than sorted ones.
  nlohmann::ordered_json j;
  spdlog::level::level_enum level = spdlog::level::info;
  switch (e.kind) {
    case LogEventKind::kEcho:
    case LogEventKind::kDrop:
      j["event"] = e.kind == LogEventKind::kEcho ? "echo" : "drop";
      j["family"] = wire::family_label(e.family);
      j["source"] = address_text(e.source);
      if (e.has_echo_fields) {
        j["destination"] = e.destination.is_unspecified()
                               ? nullptr
                               : nlohmann::ordered_json(address_text(e.destination));
        j["identifier"] = e.identifier;
        j["sequence"] = e.sequence;
      }
      // An echo's size is its echo body, as the text line's "N bytes"; a
      // drop's is what the socket read, whatever it was.
      j[e.kind == LogEventKind::kEcho ? "size" : "read_bytes"] = e.size;
      if (e.kind == LogEventKind::kEcho) {
        const auto shown = e.shown_data();
        if (e.data_printable) {
          j["payload"] = std::string(shown.begin(), shown.end());
        } else {
          j["payload_hex"] = fmt::format("{:02x}", fmt::join(shown, ""));
        }
        j["payload_cut"] = shown.size() < e.data_length;
      } else {
        j["reason"] = wire::drop_reason_name(e.reason);
        level = spdlog::level::debug;
      }
      break;
    case LogEventKind::kHeldBack:
      j["event"] = "log_held_back";
      j["lines"] = e.held_back.lines;
      j["sources"] = e.held_back.sources;
      j["sources_at_least"] = e.held_back.sources_at_least;
      j["seconds"] = std::chrono::duration<double>(e.held_back.period).count();
      break;
  }
  const std::string text = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  out.append(text.data(), text.data() + text.size());
  return level;
}

}  // namespace pong::responder
