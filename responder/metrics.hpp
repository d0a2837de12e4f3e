// pong's metrics, in the Prometheus data model: what is counted, read as a
// sample, and turned into metric families (prometheus-cpp's types, which
// its exposer serves on /metrics and its text serializer writes to
// --metrics-file). The packet loop never touches any of this: a scrape
// reads the counters it keeps (relaxed atomics, counters.hpp) from the
// scraping thread.
//
// Names follow https://prometheus.io/docs/practices/naming/: base units
// (seconds, bytes), "_total" for counters, no units in labels.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "counters.hpp"
#include "request_log.hpp"
#include "responder.hpp"
#include "wire/address.hpp"
#include "wire/drop_reason.hpp"

namespace pong::responder {

struct FamilySample {
  wire::IpFamily family = wire::IpFamily::kIpv4;
  std::uint64_t requests = 0;
  std::uint64_t replies = 0;
  std::uint64_t send_errors = 0;
  std::array<std::uint64_t, wire::kDropReasonCount> dropped{};
  // The kernel's echo_ignore_all sysctl for the family: 1 when the kernel
  // stays silent; empty when it could not be read.
  std::optional<long> kernel_echo_ignored;
};

// The usual process_* series, where they are cheap to read.
struct ProcessSample {
  double start_time_seconds = 0;  // since the Unix epoch
  double cpu_seconds = 0;         // user + system
  std::optional<std::uint64_t> resident_memory_bytes;
  std::optional<std::uint64_t> virtual_memory_bytes;
};

struct MetricsSample {
  std::vector<FamilySample> families;
  std::uint64_t log_lines_suppressed = 0;  // held back by --log-rate
  std::uint64_t log_lines_dropped = 0;     // lost because the log's writer fell behind
  std::string version;
  ProcessSample process;
};

// The metric families for a sample: every drop reason gets a series for
// each family, zero or not, so that rate() and alerts see it from the start.
std::vector<prometheus::MetricFamily> metric_families(const MetricsSample& sample);

// For --metrics-file: node_exporter, which reads the file, exports its own
// process_* series, and refuses a second series of the same name (it logs
// "was collected before with the same name" on every scrape and drops them).
std::vector<prometheus::MetricFamily> without_process_series(
    std::vector<prometheus::MetricFamily> families);

// The text exposition format (version 0.0.4), by prometheus-cpp's serializer.
std::string exposition_text(const std::vector<prometheus::MetricFamily>& families);

// Reads pong's counters, the kernel's echo sysctls and the process's own
// figures when collected: on a scrape, or when the metrics file is written.
// The servers and the request log must outlive it (they do: both are
// stopped only after every reader).
class PongCollector final : public prometheus::Collectable {
 public:
  PongCollector(std::span<BatchServer* const> servers, const RequestLog* request_log,
                std::chrono::system_clock::time_point process_start);

  MetricsSample sample() const;
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::vector<BatchServer*> servers_;
  const RequestLog* request_log_;
  std::chrono::system_clock::time_point process_start_;
};

}  // namespace pong::responder
