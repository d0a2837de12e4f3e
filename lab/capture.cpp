#include "capture.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"

namespace pong::lab {
namespace {

// IPv4 protocol 1, or IPv6 next header 58 - or an extension header, which
// may lead to ICMPv6 (an MLD report follows Hop-by-Hop options): the
// decoder's note says it cannot look behind it, and the frame is kept.
bool carries_icmp(const DecodedPacket& p) {
  if (const auto* v4 = p.ipv4()) return v4->protocol == wire::kIpProtocolIcmp;
  const std::uint8_t next = p.ipv6()->next_header;
  return next == wire::kIpProtocolIcmpv6 || is_ipv6_extension_header(next);
}

Frame frame_of(const CaptureRecord& record, CaptureLinkType link_type, std::size_t& skipped) {
  Frame f{{record.number, record.timestamp_ns, record.bytes.size(), record.original_length, {}},
          record.bytes,
          std::unexpected(LabError(LabErrorKind::kEmptyInput, "no bytes"))};
  const auto link = ip_header_in(link_type, record.bytes);
  if (!link) {
    f.decoded = std::unexpected(link.error());
    return f;
  }
  if (!*link) {
    ++skipped;  // ARP, LLDP and the like
    return f;
  }
  const std::size_t cut = f.cut() ? record.original_length - record.bytes.size() : 0;
  f.decoded = decode_frame(std::move(**link), record.bytes, cut);
  if (f.decoded && !carries_icmp(*f.decoded)) ++skipped;
  return f;
}

// A frame's echo message: its family, identifier and sequence number.
using EchoKey = std::tuple<wire::IpFamily, std::uint16_t, std::uint16_t>;

std::optional<EchoKey> echo_key(const Frame& frame, bool request) {
  if (!frame.decoded || !frame.decoded->icmp) return std::nullopt;
  const IcmpMessage& m = *frame.decoded->icmp;
  const bool kind = request ? m.type.is_echo_request() : m.type.is_echo_reply();
  if (!kind || !m.identifier) return std::nullopt;
  return EchoKey{frame.decoded->family(), *m.identifier, *m.sequence};
}

std::optional<std::int64_t> rtt_between(const Frame& request, const Frame& reply) {
  if (!request.origin.timestamp_ns || !reply.origin.timestamp_ns) return std::nullopt;
  return *reply.origin.timestamp_ns - *request.origin.timestamp_ns;
}

// The same packet captured twice, as `tcpdump -i any` sees one that
// crosses a bridge and a veth: the very same IP datagram, byte for byte
// (a second reply from another responder has its own IP identification,
// or its own flow label and hop limit).
bool seen_again(const Frame& later, const Frame& earlier) {
  return later.decoded && earlier.decoded && later.decoded->datagram == earlier.decoded->datagram;
}

// The request a reply answers among `candidates` (earlier requests with
// its key, in order): the latest one still without a reply, or failing
// that the latest one, which it then answers a second time.
std::optional<std::size_t> request_answered_by(
    const std::vector<Frame>& frames, const std::vector<std::size_t>& candidates,
    const std::vector<std::optional<std::size_t>>& reply_of, std::size_t reply) {
  std::optional<std::size_t> answered;
  for (auto r = candidates.rbegin(); r != candidates.rend(); ++r) {
    if (!is_echo_reply_to(*frames[reply].decoded, *frames[*r].decoded)) continue;
    if (!reply_of[*r]) return *r;
    if (!answered) answered = *r;
  }
  return answered;
}

}  // namespace

DecodedCapture decode_capture_file(const CaptureFile& file, std::string source) {
  DecodedCapture capture;
  capture.source = std::move(source);
  capture.format = file.format == CaptureFormat::kPcapng ? "pcapng" : "pcap";
  capture.link_type = file.link_type_name;
  capture.filtered_out = file.filtered_out;
  capture.damage = file.damage;
  for (const CaptureRecord& record : file.records) {
    const std::size_t skipped_before = capture.skipped;
    Frame frame = frame_of(record, file.link_type, capture.skipped);
    if (capture.skipped == skipped_before) capture.frames.push_back(std::move(frame));
  }
  pair_echoes(capture);
  return capture;
}

DecodedCapture decode_paste(const std::vector<Capture>& captures) {
  DecodedCapture capture;
  capture.source = "standard input";
  capture.format = "pasted text";
  for (std::size_t i = 0; i < captures.size(); ++i) {
    const Capture& c = captures[i];
    capture.frames.push_back(Frame{{i + 1, std::nullopt, c.bytes.size(), c.bytes.size(), c.caption},
                                   c.bytes,
                                   decode_packet(c.bytes)});
  }
  pair_echoes(capture);
  return capture;
}

void pair_echoes(DecodedCapture& capture) {
  capture.pairs.clear();
  capture.unanswered.clear();
  const std::vector<Frame>& frames = capture.frames;
  // The requests seen so far under each key, in order.
  std::map<EchoKey, std::vector<std::size_t>> requests;
  // Each request's first reply, once it has one.
  std::vector<std::optional<std::size_t>> reply_of(frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (const auto key = echo_key(frames[i], true)) {
      auto& same = requests[*key];
      if (same.empty() || !seen_again(frames[i], frames[same.back()])) same.push_back(i);
      continue;
    }
    const auto key = echo_key(frames[i], false);
    if (!key) continue;
    const auto found = requests.find(*key);
    if (found == requests.end()) continue;
    const auto request = request_answered_by(frames, found->second, reply_of, i);
    if (!request) continue;
    const bool duplicate = reply_of[*request].has_value();
    if (duplicate && seen_again(frames[i], frames[*reply_of[*request]])) continue;
    if (!duplicate) reply_of[*request] = i;
    capture.pairs.push_back({*request, i, rtt_between(frames[*request], frames[i]), duplicate});
  }
  std::stable_sort(capture.pairs.begin(), capture.pairs.end(),
                   [](const EchoPair& a, const EchoPair& b) { return a.request < b.request; });
  for (const auto& [key, indexes] : requests) {
    for (const std::size_t r : indexes) {
      if (!reply_of[r]) capture.unanswered.push_back(r);
    }
  }
  std::sort(capture.unanswered.begin(), capture.unanswered.end());
}

}  // namespace pong::lab
