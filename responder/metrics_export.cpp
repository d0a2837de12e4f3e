#include "metrics_export.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <system_error>
#include <utility>

#include <CivetServer.h>
#include <civetweb.h>
#include <fmt/format.h>
#include <prometheus/exposer.h>
#include <spdlog/spdlog.h>

#include "metrics.hpp"
#include "sys/format.hpp"
#include "sys/resolve.hpp"
#include "sys/threads.hpp"

namespace pong::responder {
namespace {

// A scrape at a time is the usual load; the others keep the endpoint
// answering while a client or two are slow, and a connection that sends
// nothing is dropped after kRequestTimeout (Prometheus's own scrape
// timeout is 10 s).
constexpr std::size_t kServingThreads = 3;
constexpr std::string_view kRequestTimeoutMs = "3000";
constexpr std::chrono::milliseconds kThreadStartTimeout{2000};

constexpr std::string_view kIndexPage =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>pong</title></head>\n"
    "<body><h1>pong</h1><p>A user-space ICMP echo responder. Its metrics, in the Prometheus "
    "text format: <a href=\"/metrics\">/metrics</a>.</p></body></html>\n";

struct Response {
  int status;
  std::string_view reason;
  std::string_view type;
  std::string body;
  std::string_view extra_header = "";
};

// HEAD gets the headers GET would, without the body (RFC 9110 9.3.2).
int respond(mg_connection* conn, const Response& r, bool head_only) {
  const std::string head = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n",
      r.status, r.reason, r.type, r.body.size(), r.extra_header);
  mg_write(conn, head.data(), head.size());
  if (!head_only) mg_write(conn, r.body.data(), r.body.size());
  return r.status;
}

// What GET /metrics serves. civetweb's callbacks carry no pointer of ours,
// so it is the process's one endpoint: set while MetricsEndpoint runs.
std::atomic<const prometheus::Collectable*> g_collector{nullptr};

// civetweb's begin_request, for every request: each is answered here.
// prometheus-cpp 1.0's own /metrics handler labels the text format
// "text/plain" without "version=0.0.4", which the exposition format asks
// for (and serves no index page).
Response answer(std::string_view method, std::string_view uri) {
  constexpr std::string_view kText = "text/plain; charset=utf-8";
  if (uri != "/metrics" && uri != "/")
    return {404, "Not Found", kText, "Not found: try /metrics\n"};
  if (method != "GET" && method != "HEAD") {
    return {405, "Method Not Allowed", kText, "Only GET is served\n", "Allow: GET, HEAD\r\n"};
  }
  if (uri == "/") return {200, "OK", "text/html; charset=utf-8", std::string(kIndexPage)};
  const prometheus::Collectable* collector = g_collector.load();
  if (collector == nullptr) return {503, "Service Unavailable", kText, "pong is stopping\n"};
  return {200, "OK", "text/plain; version=0.0.4; charset=utf-8",
          exposition_text(collector->Collect())};
}

int route(mg_connection* conn) {
  const mg_request_info* request = mg_get_request_info(conn);
  const std::string_view method = request->request_method != nullptr ? request->request_method : "";
  const std::string_view uri = request->local_uri != nullptr ? request->local_uri : "";
  // Nothing may unwind into civetweb's C code: that would end the process.
  try {
    return respond(conn, answer(method, uri), method == "HEAD");
  } catch (const std::exception& e) {
    return respond(conn, {500, "Internal Server Error", "text/plain", std::string(e.what()) + "\n"},
                   false);
  }
}

}  // namespace

std::string listen_text(const ListenAddress& listen) {
  return listen.address.is_ipv4() ? fmt::format("{}:{}", listen.address, listen.port)
                                  : fmt::format("[{}]:{}", listen.address, listen.port);
}

std::expected<ListenAddress, std::string> parse_listen_address(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return std::unexpected(
        fmt::format("--metrics-listen {}: {}; give ADDRESS:PORT, e.g. 127.0.0.1:9469 or [::1]:9469",
                    text, why));
  };
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return bad("an IPv6 address in brackets needs ]:PORT");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("put an IPv6 address in brackets");
  }
  const auto address = sys::parse_ip_address(std::string(host));
  if (!address || address->is_ipv4() != !text.starts_with('[')) {
    return bad("not an IP address (names are not looked up)");
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
    return bad("the port is not a number from 0 to 65535");
  }
  return ListenAddress{*address, static_cast<std::uint16_t>(value)};
}

std::expected<std::unique_ptr<MetricsEndpoint>, std::string> MetricsEndpoint::start(
    const ListenAddress& listen, std::shared_ptr<const prometheus::Collectable> collector) {
  const prometheus::Collectable* none = nullptr;
  if (!g_collector.compare_exchange_strong(none, collector.get())) {
    return std::unexpected(std::string("--metrics-listen: one endpoint per process"));
  }
  const std::string where = listen_text(listen);
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  endpoint->collector_ = std::move(collector);
  endpoint->callbacks_ = std::make_unique<CivetCallbacks>();
  endpoint->callbacks_->begin_request = route;
  try {
    endpoint->exposer_ = std::make_unique<prometheus::Exposer>(
        std::vector<std::string>{"listening_ports", where, "num_threads",
                                 std::to_string(kServingThreads), "request_timeout_ms",
                                 std::string(kRequestTimeoutMs)},
        endpoint->callbacks_.get());
  } catch (const std::exception& e) {
    return std::unexpected(
        fmt::format("--metrics-listen {}: cannot listen there: {}", where, e.what()));
  }
  // civetweb starts a master thread and the workers, which set themselves
  // up (and name themselves) on their own time: wait until they have, so
  // that the seccomp filter comes after it.
  if (!sys::wait_for_named_threads("civetweb-master", 1, kThreadStartTimeout) ||
      !sys::wait_for_named_threads("civetweb-worker", kServingThreads, kThreadStartTimeout)) {
    return std::unexpected(
        fmt::format("--metrics-listen {}: the HTTP server's threads did not start", where));
  }
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  // Its threads stop first: none is inside route() when the pointer goes.
  exposer_.reset();
  if (collector_) g_collector.store(nullptr);
}

std::uint16_t MetricsEndpoint::port() const {
  const auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : static_cast<std::uint16_t>(ports.front());
}

MetricsFile::MetricsFile(std::string path, std::chrono::milliseconds interval,
                         std::shared_ptr<prometheus::Collectable> collector)
    : path_(std::move(path)),
      temporary_path_(path_ + ".tmp"),
      interval_(interval),
      collector_(std::move(collector)) {}

std::expected<std::unique_ptr<MetricsFile>, std::string> MetricsFile::start(
    std::string path, std::chrono::milliseconds interval,
    std::shared_ptr<prometheus::Collectable> collector) {
  std::unique_ptr<MetricsFile> file(
      new MetricsFile(std::move(path), interval, std::move(collector)));
  // The first write now, so that a directory pong cannot write to is an
  // error at start-up rather than a warning later.
  if (auto r = file->try_write(); !r) return std::unexpected(r.error());
  auto thread =
      sys::start_running_thread("the metrics file's", [writer = file.get()] { writer->run(); });
  if (!thread) return std::unexpected(thread.error());
  file->thread_ = std::move(*thread);
  return file;
}

std::expected<void, std::string> MetricsFile::write_once() const {
  const std::string text = exposition_text(without_process_series(collector_->Collect()));
  // O_NOFOLLOW: in a directory others may write to, a link planted at the
  // temporary name is not followed.
  const int fd =
      ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return std::unexpected(
        fmt::format("--metrics-file: cannot write {}: {}", temporary_path_, std::strerror(errno)));
  }
  // Readable by node_exporter whatever the umask (systemd's UMask=0077).
  int error = ::fchmod(fd, 0644) == 0 ? 0 : errno;
  std::size_t done = 0;
  while (error == 0 && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 && error == 0) error = errno;
  // rename(2) replaces `path` in one step: a reader opens the old file or
  // the new one.
  if (error == 0 && ::rename(temporary_path_.c_str(), path_.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary_path_.c_str());
    return std::unexpected(
        fmt::format("--metrics-file: cannot write {}: {}", path_, std::strerror(error)));
  }
  return {};
}

std::expected<void, std::string> MetricsFile::try_write() const {
  // Nothing may leave the thread as an exception: that would end pong.
  try {
    return write_once();
  } catch (const std::exception& e) {
    return std::unexpected(fmt::format("--metrics-file: cannot write {}: {}", path_, e.what()));
  }
}

void MetricsFile::run() {
  bool failing = false;
  std::unique_lock lock(mutex_);
  for (;;) {
    const bool stopping = wake_.wait_for(lock, interval_, [this] { return stopping_; });
    lock.unlock();
    const auto r = try_write();
    // One warning when writes start failing, one line when they work again.
    if (!r && !failing) spdlog::warn("{} (pong goes on trying)", r.error());
    if (r && failing) spdlog::info("--metrics-file: {} written again", path_);
    failing = !r;
    if (stopping) return;
    lock.lock();
  }
}

void MetricsFile::stop() {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

}  // namespace pong::responder
