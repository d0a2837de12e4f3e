// What the responder has seen, as a plain value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "wire/drop_reason.hpp"

namespace pong::responder {

struct Counters {
  std::uint64_t received = 0;     // datagrams read from the socket
  std::uint64_t answered = 0;     // replies the kernel accepted
  std::uint64_t send_errors = 0;  // replies the kernel refused (counted, not retried)
  std::array<std::uint64_t, wire::kDropReasonCount> dropped_by_reason{};

  void count_drop(wire::DropReason reason) {
    ++dropped_by_reason[static_cast<std::size_t>(reason)];
  }
  std::uint64_t dropped() const {
    std::uint64_t total = 0;
    for (const auto n : dropped_by_reason) total += n;
    return total;
  }
  std::uint64_t dropped(wire::DropReason reason) const {
    return dropped_by_reason[static_cast<std::size_t>(reason)];
  }
};

}  // namespace pong::responder
