// What the responder has seen. The packet thread counts; the metrics
// endpoint, the metrics file and the status line read the counts from
// other threads while it does.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "wire/drop_reason.hpp"

namespace pong::responder {

// A count that exactly one thread adds to and any thread may read. The
// writer's add() is a relaxed load and store, not a read-modify-write: on
// x86-64 and arm64 that compiles to plain loads and stores, so counting
// costs the packet loop no more than an ordinary integer would, and a
// reader never sees a torn value. Readers get a recent value, not one
// ordered with anything else (a scrape is a snapshot of counts anyway).
class SharedCounter {
 public:
  // The owning thread only.
  void add(std::uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Any thread.
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

struct Counters {
  SharedCounter received;     // datagrams read from the socket
  SharedCounter answered;     // replies the kernel accepted
  SharedCounter send_errors;  // replies the kernel refused (counted, not retried)
  std::array<SharedCounter, wire::kDropReasonCount> dropped_by_reason{};

  void count_drop(wire::DropReason reason) {
    dropped_by_reason[static_cast<std::size_t>(reason)].add();
  }
  std::uint64_t dropped() const {
    std::uint64_t total = 0;
    for (const auto& n : dropped_by_reason) total += n.value();
    return total;
  }
  std::uint64_t dropped(wire::DropReason reason) const {
    return dropped_by_reason[static_cast<std::size_t>(reason)].value();
  }
};

}  // namespace pong::responder
