// Where the metrics go: an HTTP endpoint (--metrics-listen), served by
// prometheus-cpp's exposer on threads of its own, and a file rewritten
// every few seconds for node_exporter's textfile collector
// (--metrics-file). Both only read, through a PongCollector; neither
// touches the packet loop.
//
// Start both in the serving process after its privileges are dropped (a
// thread inherits the credentials it starts with) and before the seccomp
// filter, which then covers their threads too (seccomp_filter.hpp:
// SandboxNeeds).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <prometheus/collectable.h>

#include "wire/address.hpp"

namespace prometheus {
class Exposer;
}
struct CivetCallbacks;

namespace pong::responder {

// --metrics-listen ADDR:PORT: an IPv4 address, or an IPv6 one in brackets,
// and a port; e.g. 127.0.0.1:9469 or [::1]:9469.
struct ListenAddress {
  wire::IpAddress address;
  std::uint16_t port = 0;
};
std::expected<ListenAddress, std::string> parse_listen_address(std::string_view text);
// "127.0.0.1:9469", "[::1]:9469".
std::string listen_text(const ListenAddress& listen);

// prometheus-cpp's exposer, on civetweb: GET /metrics is the text
// exposition format (text/plain; version=0.0.4) of what `collector`
// collects at that moment; GET / is a page that links to it. Any other
// path is 404, any other method 405; HEAD is GET without the body. One
// per process.
class MetricsEndpoint {
 public:
  static std::expected<std::unique_ptr<MetricsEndpoint>, std::string> start(
      const ListenAddress& listen, std::shared_ptr<const prometheus::Collectable> collector);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // The port bound (useful when 0 was asked for).
  std::uint16_t port() const;

 private:
  MetricsEndpoint() = default;
  std::shared_ptr<const prometheus::Collectable> collector_;
  std::unique_ptr<CivetCallbacks> callbacks_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

// Writes the metrics, without the process_* series (node_exporter has its
// own), to `path` now, then every `interval`, and once more at stop (so
// the file ends with the final counts): each time to a temporary
// file in the same directory, then rename(2) over `path`, so a reader sees
// the old file or the new one, never a half-written one. The temporary
// file's name does not end in ".prom", which node_exporter ignores.
class MetricsFile {
 public:
  static std::expected<std::unique_ptr<MetricsFile>, std::string> start(
      std::string path, std::chrono::milliseconds interval,
      std::shared_ptr<prometheus::Collectable> collector);
  ~MetricsFile() { stop(); }
  MetricsFile(const MetricsFile&) = delete;
  MetricsFile& operator=(const MetricsFile&) = delete;

  // Writes the final counts and joins the thread.
  void stop();

 private:
  MetricsFile(std::string path, std::chrono::milliseconds interval,
              std::shared_ptr<prometheus::Collectable> collector);
  // One write; the error, if any.
  std::expected<void, std::string> write_once() const;
  std::expected<void, std::string> try_write() const;
  void run();

  std::string path_;
  std::string temporary_path_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<prometheus::Collectable> collector_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pong::responder
