#include "report.hpp"

#include <fmt/format.h>

#include <iterator>

namespace pong::bench {
namespace {

double per_second(std::uint64_t n, std::uint64_t ns) {
  return ns == 0 ? 0.0 : static_cast<double>(n) * 1e9 / static_cast<double>(ns);
}

void append_rtt(std::string& out, const char* key, std::uint64_t samples, std::uint32_t ns) {
  if (samples == 0) {
    fmt::format_to(std::back_inserter(out), "{} -\n", key);
  } else {
    fmt::format_to(std::back_inserter(out), "{} {:.1f}\n", key, static_cast<double>(ns) / 1000.0);
  }
}

}  // namespace

std::string format_report(const RunReport& r) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "family {}\n", wire::family_label(r.family));
  fmt::format_to(it, "mode {}\n", mode_name(r.mode));
  if (r.mode == Mode::kClosed) {
    fmt::format_to(it, "window {}\n", r.window);
  } else {
    fmt::format_to(it, "rate {}\n", r.rate);
  }
  fmt::format_to(it, "sent {}\nanswered {}\nlost {}\nlate {}\nduplicates {}\n", r.sent, r.answered,
                 r.lost, r.late, r.duplicates);
  fmt::format_to(it, "invalid {}\n", r.faults.total());
  for (std::size_t i = 0; i < kReplyFaultCount; ++i) {
    const auto fault = static_cast<ReplyFault>(i);
    if (r.faults.of(fault) != 0) {
      fmt::format_to(it, "invalid_{} {}\n", reply_fault_name(fault), r.faults.of(fault));
    }
  }
  fmt::format_to(it, "tx_retries {}\n", r.tx_retries);
  fmt::format_to(it, "send_seconds {:.3f}\n", static_cast<double>(r.send_ns) / 1e9);
  fmt::format_to(it, "sent_per_second {:.0f}\n", per_second(r.sent, r.send_ns));
  fmt::format_to(it, "replies_per_second {:.0f}\n", per_second(r.answered, r.send_ns));
  append_rtt(out, "rtt_p50_us", r.rtt.samples, r.rtt.p50);
  append_rtt(out, "rtt_p90_us", r.rtt.samples, r.rtt.p90);
  append_rtt(out, "rtt_p99_us", r.rtt.samples, r.rtt.p99);
  append_rtt(out, "rtt_p999_us", r.rtt.samples, r.rtt.p999);
  append_rtt(out, "rtt_max_us", r.rtt.samples, r.rtt.max);
  return out;
}

}  // namespace pong::bench
