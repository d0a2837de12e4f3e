// libFuzzer harness: icmp-lab's decode of one frame of a capture file
// (lab/link_layer.hpp ip_header_in, lab/decode.hpp decode_frame), and both
// outputs drawn from it: the text (render_capture) and the HTML page
// (render_html_page). libpcap reads the file itself; what it hands over is
// any bytes under a declared link type, with a wire length that may be
// longer than what was kept.
//
// Input: byte 0 picks the link type (of the eight icmp-lab decodes),
// bytes 1-4 (big-endian) are how many bytes the record says the snap
// length cut (as pcap's len - caplen, up to 4 GiB), bytes 5-8 the
// record's seconds (signed, as pcap's tv_sec), and the rest is the frame
// as captured.
//
// Properties (a __builtin_trap() when one fails), besides ASan and UBSan
// finding nothing:
//   - an error always comes with a message;
//   - a decoded packet never holds more bytes than the frame did after its
//     link header, and what it holds is the frame's own bytes;
//   - a record that lost nothing has nothing cut; a packet the snap length
//     cut has no ICMP checksum verdict, and says so in a note;
//   - a frame twice in a capture pairs with nothing (two requests or two
//     replies are no pair), and both outputs are produced without failing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "capture.hpp"
#include "fuzz_check.hpp"
#include "html_page.hpp"
#include "render.hpp"

namespace {

using namespace pong::lab;

constexpr CaptureLinkType kLinkTypes[] = {
    CaptureLinkType::kEthernet, CaptureLinkType::kLinuxCooked,      CaptureLinkType::kLinuxCooked2,
    CaptureLinkType::kRawIp,    CaptureLinkType::kRawIpv4,          CaptureLinkType::kRawIpv6,
    CaptureLinkType::kLoopback, CaptureLinkType::kLoopbackBigEndian};

void check_decoded(const DecodedPacket& p, std::span<const std::uint8_t> frame, std::size_t cut) {
  const auto ip = frame.subspan(p.link.length);
  FUZZ_CHECK(p.datagram.size() <= ip.size());
  FUZZ_CHECK(std::equal(p.datagram.begin(), p.datagram.end(), ip.begin()));
  // The header, not the record, says how many bytes were cut: at most
  // what an IP length field can declare.
  FUZZ_CHECK(p.cut_bytes <= 40 + 65535);
  // A record that lost nothing to the snap length has nothing cut.
  if (cut == 0) FUZZ_CHECK(p.cut_bytes == 0);
  if (p.cut_bytes != 0) {
    FUZZ_CHECK(!p.icmp || !p.icmp->checksum);
    FUZZ_CHECK(!p.notes.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kPrefix = 9;
  if (size < kPrefix) return 0;
  const CaptureLinkType type = kLinkTypes[data[0] % std::size(kLinkTypes)];
  const std::size_t cut = (std::size_t{data[1]} << 24) | (std::size_t{data[2]} << 16) |
                          (std::size_t{data[3]} << 8) | data[4];
  const auto seconds =
      static_cast<std::int32_t>((std::uint32_t{data[5]} << 24) | (std::uint32_t{data[6]} << 16) |
                                (std::uint32_t{data[7]} << 8) | data[8]);
  const std::span<const std::uint8_t> frame(data + kPrefix, size - kPrefix);

  const auto link = ip_header_in(type, frame);
  if (!link) {
    FUZZ_CHECK(!link.error().message.empty());
    return 0;
  }
  if (!*link) return 0;
  Frame f{{1, std::int64_t{seconds} * 1'000'000'000, frame.size(), frame.size() + cut, {}},
          std::vector<std::uint8_t>(frame.begin(), frame.end()),
          decode_frame(**link, frame, cut)};
  if (f.decoded) {
    check_decoded(*f.decoded, frame, cut);
  } else {
    FUZZ_CHECK(!f.decoded.error().message.empty());
  }

  DecodedCapture capture;
  capture.source = "fuzz.pcap";
  capture.format = "pcap";
  capture.link_type = "fuzz";
  capture.frames = {f, f};
  capture.frames[1].origin.number = 2;
  pair_echoes(capture);
  FUZZ_CHECK(capture.pairs.empty());
  FUZZ_CHECK(!render_capture(capture, RenderOptions{}).empty());
  FUZZ_CHECK(!render_html_page(capture).empty());
  return 0;
}
