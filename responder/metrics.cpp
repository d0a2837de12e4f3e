#include "metrics.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <sstream>
#include <string_view>
#include <utility>

#include <prometheus/text_serializer.h>

#include "kernel_echo.hpp"
#include "sys/sysctl.hpp"

namespace pong::responder {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

ClientMetric counter(double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = value;
  return m;
}

ClientMetric gauge(double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  return m;
}

// One series per family, from one field of its sample.
template <class Field>
MetricFamily per_family(std::string name, std::string help, MetricType type,
                        const MetricsSample& sample, Field field) {
  MetricFamily f{std::move(name), std::move(help), type, {}};
  for (const FamilySample& s : sample.families) {
    const std::vector<ClientMetric::Label> labels{
        {"family", std::string(wire::family_label(s.family))}};
    const double value = static_cast<double>(field(s));
    f.metric.push_back(type == MetricType::Counter ? counter(value, labels) : gauge(value, labels));
  }
  return f;
}

MetricFamily dropped(const MetricsSample& sample) {
  MetricFamily f{"pong_dropped_total",
                 "Datagrams read but not answered, by family and reason (see README: drop "
                 "reasons).",
                 MetricType::Counter,
                 {}};
  for (const FamilySample& s : sample.families) {
    for (std::size_t i = 0; i < wire::kDropReasonCount; ++i) {
      const auto reason = static_cast<wire::DropReason>(i);
      f.metric.push_back(counter(static_cast<double>(s.dropped[i]),
                                 {{"family", std::string(wire::family_label(s.family))},
                                  {"reason", std::string(wire::drop_reason_name(reason))}}));
    }
  }
  return f;
}

void add_process_families(const ProcessSample& p, std::vector<MetricFamily>& out) {
  out.push_back({"process_start_time_seconds",
                 "Start time of the process since unix epoch in seconds.",
                 MetricType::Gauge,
                 {gauge(p.start_time_seconds)}});
  out.push_back({"process_cpu_seconds_total",
                 "Total user and system CPU time spent in seconds.",
                 MetricType::Counter,
                 {counter(p.cpu_seconds)}});
  if (p.resident_memory_bytes) {
    out.push_back({"process_resident_memory_bytes",
                   "Resident memory size in bytes.",
                   MetricType::Gauge,
                   {gauge(static_cast<double>(*p.resident_memory_bytes))}});
  }
  if (p.virtual_memory_bytes) {
    out.push_back({"process_virtual_memory_bytes",
                   "Virtual memory size in bytes.",
                   MetricType::Gauge,
                   {gauge(static_cast<double>(*p.virtual_memory_bytes))}});
  }
}

// /proc/self/statm: "size resident shared text lib data dt", in pages.
// Read with a stack buffer and three system calls, as the sysctls are.
void read_memory(ProcessSample& p) {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  std::array<char, 128> text{};
  const ssize_t n = ::read(fd, text.data(), text.size() - 1);
  ::close(fd);
  if (n <= 0) return;
  const char* at = text.data();
  const char* end = text.data() + n;
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  auto r = std::from_chars(at, end, size_pages);
  if (r.ec != std::errc{} || r.ptr == end) return;
  r = std::from_chars(r.ptr + 1, end, resident_pages);
  if (r.ec != std::errc{}) return;
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  p.virtual_memory_bytes = size_pages * page;
  p.resident_memory_bytes = resident_pages * page;
}

}  // namespace

std::vector<MetricFamily> metric_families(const MetricsSample& sample) {
  std::vector<MetricFamily> out;
  out.push_back(per_family("pong_requests_total",
                           "ICMP Echo Requests read from the family's raw socket (the socket's "
                           "type filter lets no other ICMP message through).",
                           MetricType::Counter, sample,
                           [](const FamilySample& s) { return s.requests; }));
  out.push_back(per_family("pong_replies_total", "Echo Replies the kernel accepted for sending.",
                           MetricType::Counter, sample,
                           [](const FamilySample& s) { return s.replies; }));
  out.push_back(dropped(sample));
  out.push_back(per_family(
      "pong_send_errors_total", "Echo Replies the kernel refused to send (counted, not retried).",
      MetricType::Counter, sample, [](const FamilySample& s) { return s.send_errors; }));
  MetricFamily ignored{"pong_kernel_echo_ignored",
                       "The kernel's echo_ignore_all sysctl for the family, read at scrape time: "
                       "0 means the kernel answers echo requests too, and every request gets two "
                       "replies.",
                       MetricType::Gauge,
                       {}};
  for (const FamilySample& s : sample.families) {
    if (!s.kernel_echo_ignored) continue;
    ignored.metric.push_back(gauge(static_cast<double>(*s.kernel_echo_ignored),
                                   {{"family", std::string(wire::family_label(s.family))}}));
  }
  out.push_back(std::move(ignored));
  out.push_back({"pong_log_lines_suppressed_total",
                 "Request log lines that the --log-rate cap held back.",
                 MetricType::Counter,
                 {counter(static_cast<double>(sample.log_lines_suppressed))}});
  out.push_back({"pong_log_lines_dropped_total",
                 "Request log lines lost because the log's writer thread fell behind.",
                 MetricType::Counter,
                 {counter(static_cast<double>(sample.log_lines_dropped))}});
  out.push_back({"pong_build_info",
                 "Always 1; the version label says which pong this is.",
                 MetricType::Gauge,
                 {gauge(1, {{"version", sample.version}})}});
  add_process_families(sample.process, out);
  return out;
}

std::vector<MetricFamily> without_process_series(std::vector<MetricFamily> families) {
  std::erase_if(families, [](const MetricFamily& f) { return f.name.starts_with("process_"); });
  return families;
}

std::string exposition_text(const std::vector<MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, families);
  return std::move(out).str();
}

PongCollector::PongCollector(std::span<BatchServer* const> servers, const RequestLog* request_log,
                             std::chrono::system_clock::time_point process_start)
    : servers_(servers.begin(), servers.end()),
      request_log_(request_log),
      process_start_(process_start) {}

MetricsSample PongCollector::sample() const {
  MetricsSample s;
  for (const BatchServer* server : servers_) {
    const Counters& c = server->counters();
    FamilySample f;
    f.family = server->family();
    f.requests = c.received.value();
    f.replies = c.answered.value();
    f.send_errors = c.send_errors.value();
    for (std::size_t i = 0; i < wire::kDropReasonCount; ++i) {
      f.dropped[i] = c.dropped_by_reason[i].value();
    }
    f.kernel_echo_ignored = sys::read_sysctl_integer(echo_sysctls(f.family).ignore_all);
    s.families.push_back(f);
  }
  if (request_log_ != nullptr) {
    s.log_lines_suppressed = request_log_->lines_suppressed();
    s.log_lines_dropped = request_log_->lines_dropped();
  }
  s.version = PONG_VERSION;
  s.process.start_time_seconds =
      std::chrono::duration<double>(process_start_.time_since_epoch()).count();
  timespec cpu{};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0) {
    s.process.cpu_seconds =
        static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) / 1e9;
  }
  read_memory(s.process);
  return s;
}

std::vector<MetricFamily> PongCollector::Collect() const {
  return metric_families(sample());
}

}  // namespace pong::responder
