#include "report.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <iterator>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "sys/format.hpp"

namespace pong::client {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// Milliseconds with three decimals, from whole microseconds, as iputils
// prints its RTTs ("%ld.%03ld"): 45.6 µs is "0.045".
void format_ms(fmt::memory_buffer& out, nanoseconds value) {
  const auto us = duration_cast<microseconds>(value).count();
  fmt::format_to(std::back_inserter(out), "{}.{:03}", us / 1000, us % 1000);
}

// iputils: "%g%%" of a float, so 1 lost of 3 is "33.3333%".
void format_loss(fmt::memory_buffer& out, double percent) {
  fmt::format_to(std::back_inserter(out), "{:g}", static_cast<float>(percent));
}

// iputils: whole milliseconds, rounded.
std::int64_t elapsed_ms(nanoseconds elapsed) {
  return duration_cast<milliseconds>(elapsed + microseconds{500}).count();
}

// The target as a user would type it: "172.22.0.3", "fd00::3",
// "fe80::3%eth0" (RFC 4007 11).
void format_target(fmt::memory_buffer& out, const RunDescription& run) {
  fmt::format_to(std::back_inserter(out), "{}", run.address);
  if (!run.zone.empty()) fmt::format_to(std::back_inserter(out), "%{}", run.zone);
}

// "rtt NAMES = a/b/c ms", each figure as format_ms writes it.
void format_rtt_line(fmt::memory_buffer& out, std::string_view names,
                     std::initializer_list<nanoseconds> figures) {
  fmt::format_to(std::back_inserter(out), "rtt {} = ", names);
  std::string_view separator;
  for (const nanoseconds figure : figures) {
    out.append(separator);
    format_ms(out, figure);
    separator = "/";
  }
  out.append(std::string_view(" ms\n"));
}

// The RTT a reply line and a reply record give: whole microseconds, cut.
std::int64_t rtt_us(nanoseconds rtt) {
  return duration_cast<microseconds>(rtt).count();
}

// What an error line says after "From ADDRESS icmp_seq=N ":
// "Destination Unreachable: host unreachable", "Packet Too Big: mtu 1280".
void format_error_reason(fmt::memory_buffer& out, const ReplyMatch& error) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{}: ", icmp_error_title(error.icmp_type));
  const std::string_view code = icmp_code_name(error.icmp_type, error.icmp_code);
  const ErrorDetail& detail = error.detail;
  // A code without a name is given by number, except Packet Too Big's,
  // which RFC 4443 3.2 says is "ignored by the receiver": its MTU is the
  // news.
  if (!code.empty()) {
    fmt::format_to(it, "{}", code);
  } else if (detail.kind != ErrorDetailKind::kMtu) {
    fmt::format_to(it, "code {}", error.icmp_code);
  }
  switch (detail.kind) {
    case ErrorDetailKind::kMtu:
      fmt::format_to(it, "{}mtu {}", code.empty() ? "" : ", ", detail.value);
      break;
    case ErrorDetailKind::kPointer:
      fmt::format_to(it, " at byte {}", detail.value);
      break;
    case ErrorDetailKind::kNone:
      break;
  }
}

// nlohmann's ordered_json keeps the keys in the order they were set, so
// every record reads as its comment in report.hpp shows it.
using Json = nlohmann::ordered_json;

// Milliseconds to the microsecond, as a number: the summary's "0.137".
double json_ms(nanoseconds value) {
  return static_cast<double>(duration_cast<microseconds>(value).count()) / 1000.0;
}

// The buckets format_histogram shows, as [{"from_ms","to_ms","count"}];
// the open last bucket's to_ms is null.
Json json_histogram(const RttHistogram& histogram) {
  Json buckets = Json::array();
  // Named: shown() is a view into it, which a temporary would not outlive
  // the loop for (before C++23's P2718, which g++ 12 lacks).
  const RttDecadeBuckets decades(histogram);
  for (const RttBucket& bucket : decades.shown()) {
    Json entry{{"from_ms", json_ms(bucket.from)}, {"to_ms", nullptr}, {"count", bucket.count}};
    if (!bucket.is_open_ended()) entry["to_ms"] = json_ms(bucket.to);
    buckets.push_back(std::move(entry));
  }
  return buckets;
}

// The loss the text summary prints ("33.3333", six significant digits as
// iputils' "%g"), as a number: the text and the JSON never disagree.
double json_loss_percent(double percent) {
  fmt::memory_buffer text;
  format_loss(text, percent);
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// How many columns a histogram's bucket bound takes: "500 μs", "1000 s".
constexpr std::size_t kBoundColumns = 6;

// Code points in UTF-8 text: every byte but the continuation bytes
// 10xxxxxx (RFC 3629 3).
std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

// A histogram bucket's bound as the reply lines and the summary give
// times: "μs" below a millisecond, "ms" below a second, "s" above ("us" in
// ASCII); "∞" ("inf") for the open end of the last bucket. 1-2-5 bounds are
// whole numbers in their unit. Right-aligned in kBoundColumns.
void format_bound(fmt::memory_buffer& out, nanoseconds bound, bool unicode) {
  fmt::memory_buffer text;
  auto it = std::back_inserter(text);
  if (bound == nanoseconds::max()) {
    fmt::format_to(it, "{}", unicode ? "∞" : "inf");
  } else if (bound < std::chrono::milliseconds{1}) {
    fmt::format_to(it, "{} {}", duration_cast<microseconds>(bound).count(), unicode ? "μs" : "us");
  } else if (bound < std::chrono::seconds{1}) {
    fmt::format_to(it, "{} ms", duration_cast<milliseconds>(bound).count());
  } else {
    fmt::format_to(it, "{} s", duration_cast<std::chrono::seconds>(bound).count());
  }
  const std::string_view shown(text.data(), text.size());
  for (std::size_t pad = code_points(shown); pad < kBoundColumns; ++pad) out.push_back(' ');
  out.append(shown);
}

// A bar's length in eighths of a cell (unicode) or in cells (ASCII), for
// `count` against the largest count, which fills `cells`. Rounded to the
// nearest, but a count above zero gets at least one, so that one RTT
// among a million still shows.
std::uint64_t bar_length(std::uint64_t count, std::uint64_t largest, std::size_t cells,
                         bool unicode) {
  if (count == 0) return 0;
  const double full = static_cast<double>(cells * (unicode ? 8 : 1));
  const double share = static_cast<double>(count) / static_cast<double>(largest);
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(share * full)));
}

// Full blocks, then the block of the remaining eighths; or '#' per cell.
void format_bar(fmt::memory_buffer& out, std::uint64_t length, bool unicode) {
  if (!unicode) {
    for (std::uint64_t i = 0; i < length; ++i) out.push_back('#');
    return;
  }
  // U+258F to U+2589: one eighth to seven eighths, left-aligned.
  static constexpr std::array<std::string_view, 8> kEighths{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  for (std::uint64_t i = 0; i < length / 8; ++i) out.append(std::string_view("█"));
  out.append(kEighths[length % 8]);
}

std::string to_string(const fmt::memory_buffer& buffer) {
  return {buffer.data(), buffer.size()};
}

// One record on one line. RFC 8259 8.1: JSON text is UTF-8, and a string
// made of other bytes is not JSON; nlohmann throws type_error 316 on one
// unless told to replace each bad byte with U+FFFD, which keeps the line
// valid and says where the bytes were. Non-ASCII UTF-8 passes unescaped.
void append_json(fmt::memory_buffer& out, const Json& record) {
  const std::string text =
      record.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
  out.append(text.data(), text.data() + text.size());
  out.push_back('\n');
}

}  // namespace

void format_header(fmt::memory_buffer& out, const RunDescription& run) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "PING {} (", run.host);
  format_target(out, run);
  fmt::format_to(it,
                 "): {} data bytes over a {} socket, pid={}; \"N bytes\" counts identifier + "
                 "sequence + data\n",
                 run.data_bytes, run.socket, run.identifier);
}

void format_timestamp(fmt::memory_buffer& out, std::chrono::system_clock::time_point now) {
  const auto us = duration_cast<microseconds>(now.time_since_epoch()).count();
  fmt::format_to(std::back_inserter(out), "[{}.{:06}] ", us / 1000000, us % 1000000);
}

void format_reply(fmt::memory_buffer& out, const ReplyMatch& reply, nanoseconds rtt) {
  auto it = std::back_inserter(out);
  // The article's count: identifier + sequence (4 bytes) + data.
  fmt::format_to(it, "{} bytes from {}: pid={}, icmp_type={}, icmp_seq={}, data={}, time:{}μs",
                 reply.data.size() + 4, reply.from, reply.identifier,
                 icmp_type_name(reply.icmp_type), reply.sequence,
                 sys::PayloadPreview{reply.data, kDataPreviewBytes}, rtt_us(rtt));
  if (reply.verdict == ReplyVerdict::kDuplicate) fmt::format_to(it, " (DUP!)");
  if (reply.verdict == ReplyVerdict::kBadChecksum) fmt::format_to(it, " (BAD CHECKSUM!)");
  if (reply.from_other_address) fmt::format_to(it, " (DIFFERENT ADDRESS!)");
  const DataCheck& check = reply.data_check;
  if (check.has_wrong_byte) {
    // iputils' wording and number format ("%x").
    fmt::format_to(it, "\nwrong data byte #{} should be 0x{:x} but was 0x{:x}",
                   check.wrong_byte_index, check.expected_byte, check.actual_byte);
  } else if (check.expected_length != check.actual_length) {
    fmt::format_to(it, "\nwrong data length {} bytes, should be {}", check.actual_length,
                   check.expected_length);
  }
  fmt::format_to(it, "\n");
}

std::string_view icmp_error_title(IcmpType type) {
  const auto error = icmp_error_of(type);
  return error ? icmp_error_title(*error) : icmp_type_name(type);
}

void format_icmp_error(fmt::memory_buffer& out, const ReplyMatch& error) {
  fmt::format_to(std::back_inserter(out), "From {} icmp_seq={} ", error.from, error.sequence);
  format_error_reason(out, error);
  out.push_back('\n');
}

void format_summary(fmt::memory_buffer& out, std::string_view host, const PingStatistics& stats,
                    nanoseconds elapsed) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "\n--- {} ping statistics ---\n", host);
  fmt::format_to(it, "{} packets transmitted, {} received", stats.transmitted(), stats.received());
  if (stats.duplicates() != 0) fmt::format_to(it, ", +{} duplicates", stats.duplicates());
  if (stats.corrupted() != 0) fmt::format_to(it, ", +{} corrupted", stats.corrupted());
  if (stats.errors() != 0) fmt::format_to(it, ", +{} errors", stats.errors());
  if (stats.transmitted() != 0) {
    fmt::format_to(it, ", ");
    format_loss(out, stats.loss_percent());
    fmt::format_to(it, "% packet loss, time {}ms", elapsed_ms(elapsed));
  }
  fmt::format_to(it, "\n");
  if (const auto rtt = stats.rtt()) {
    format_rtt_line(out, "min/avg/max/mdev", {rtt->min, rtt->avg, rtt->max, rtt->mdev});
  }
  if (const auto percentiles = stats.rtt_percentiles()) {
    format_rtt_line(out, "p50/p90/p99", {percentiles->p50, percentiles->p90, percentiles->p99});
  }
}

void format_histogram(fmt::memory_buffer& out, const RttHistogram& histogram, bool unicode) {
  const RttDecadeBuckets decades(histogram);
  const std::span<const RttBucket> buckets = decades.shown();
  if (buckets.empty()) return;
  std::uint64_t largest = 0;
  for (const RttBucket& bucket : buckets) largest = std::max(largest, bucket.count);
  const std::size_t count_width = fmt::formatted_size("{}", largest);
  // "  FROM - TO  COUNT BAR": the bar gets whatever the rest leaves.
  const std::size_t bar_cells =
      kHistogramColumns - (2 + kBoundColumns + 3 + kBoundColumns + 2 + count_width + 1);
  fmt::format_to(std::back_inserter(out), "rtt histogram ({} replies):\n", histogram.count());
  for (const RttBucket& bucket : buckets) {
    out.append(std::string_view("  "));
    format_bound(out, bucket.from, unicode);
    out.append(std::string_view(" - "));
    format_bound(out, bucket.to, unicode);
    fmt::format_to(std::back_inserter(out), "  {:>{}}", bucket.count, count_width);
    if (bucket.count != 0) {
      out.push_back(' ');
      format_bar(out, bar_length(bucket.count, largest, bar_cells, unicode), unicode);
    }
    out.push_back('\n');
  }
}

void format_json_summary(fmt::memory_buffer& out, const RunDescription& run,
                         const PingStatistics& stats, nanoseconds elapsed, bool with_histogram) {
  fmt::memory_buffer target;
  format_target(target, run);
  Json record{{"type", "summary"},
              {"host", run.host},
              {"address", to_string(target)},
              {"socket", run.socket},
              {"identifier", run.identifier},
              {"data_bytes", run.data_bytes},
              {"transmitted", stats.transmitted()},
              {"received", stats.received()},
              {"duplicates", stats.duplicates()},
              {"corrupted", stats.corrupted()},
              {"errors", stats.errors()},
              {"packet_loss_percent", json_loss_percent(stats.loss_percent())},
              {"time_ms", elapsed_ms(elapsed)},
              {"rtt_ms", nullptr},
              {"rtt_percentiles_ms", nullptr}};
  if (const auto rtt = stats.rtt()) {
    record["rtt_ms"] = Json{{"min", json_ms(rtt->min)},
                            {"avg", json_ms(rtt->avg)},
                            {"max", json_ms(rtt->max)},
                            {"mdev", json_ms(rtt->mdev)}};
  }
  if (const auto percentiles = stats.rtt_percentiles()) {
    record["rtt_percentiles_ms"] = Json{{"p50", json_ms(percentiles->p50)},
                                        {"p90", json_ms(percentiles->p90)},
                                        {"p99", json_ms(percentiles->p99)}};
  }
  if (with_histogram) record["rtt_histogram"] = json_histogram(stats.rtt_histogram());
  append_json(out, record);
}

void format_json_reply(fmt::memory_buffer& out, const ReplyMatch& reply, nanoseconds rtt,
                       std::optional<std::uint8_t> ttl) {
  Json record{{"type", "reply"},
              {"from", fmt::format("{}", reply.from)},
              {"bytes", reply.data.size() + 4},
              {"identifier", reply.identifier},
              {"sequence", reply.sequence},
              {"ttl", nullptr},
              {"time_us", rtt_us(rtt)},
              {"data", fmt::format("{}", sys::PayloadPreview{reply.data, kDataPreviewBytes})},
              {"duplicate", reply.verdict == ReplyVerdict::kDuplicate},
              {"bad_checksum", reply.verdict == ReplyVerdict::kBadChecksum},
              {"different_address", reply.from_other_address},
              {"wrong_data", nullptr}};
  if (ttl) record["ttl"] = *ttl;
  const DataCheck& check = reply.data_check;
  if (!check.matches()) {
    Json wrong{{"length", check.actual_length},
               {"expected_length", check.expected_length},
               {"byte_index", nullptr},
               {"expected_byte", nullptr},
               {"actual_byte", nullptr}};
    if (check.has_wrong_byte) {
      wrong["byte_index"] = check.wrong_byte_index;
      wrong["expected_byte"] = check.expected_byte;
      wrong["actual_byte"] = check.actual_byte;
    }
    record["wrong_data"] = std::move(wrong);
  }
  append_json(out, record);
}

void format_json_icmp_error(fmt::memory_buffer& out, const ReplyMatch& error) {
  fmt::memory_buffer reason;
  format_error_reason(reason, error);
  Json record{{"type", "error"},
              {"from", fmt::format("{}", error.from)},
              {"identifier", error.identifier},
              {"sequence", error.sequence},
              {"icmp_type", error.icmp_type.value()},
              {"icmp_code", error.icmp_code},
              {"message", to_string(reason)}};
  switch (error.detail.kind) {
    case ErrorDetailKind::kMtu:
      record["mtu"] = error.detail.value;
      break;
    case ErrorDetailKind::kPointer:
      record["pointer"] = error.detail.value;
      break;
    case ErrorDetailKind::kNone:
      break;
  }
  append_json(out, record);
}

void format_json_local_error(fmt::memory_buffer& out, std::uint16_t sequence,
                             std::string_view message) {
  append_json(out, Json{{"type", "error"}, {"sequence", sequence}, {"message", message}});
}

}  // namespace pong::client
