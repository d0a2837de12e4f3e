// libFuzzer harness: the IPv4 parser, the ICMP view and the responder's
// echo decision for a datagram as a raw IPv4 socket reads it
// (answer_echo_request in wire/echo.hpp).
//
// Input: one selector byte, then the datagram (IP header, options, ICMP).
// The selector picks the policy and what IP_PKTINFO said:
//   bit 0     EchoPolicy::answer_non_unicast
//   bits 1-2  Ipv4Arrival::specific_destination: 0 unspecified, 1 the
//             header's destination, 2 another address (as for a directed
//             broadcast), 3 the header's destination, last octet flipped
//   bit 3     repair: write a correct ICMP checksum first, so that the
//             fuzzer gets past the checksum check to the decision
//
// Properties (a __builtin_trap() when one fails):
//   - the datagram is answered exactly when a reference decision, written
//     here from the RFCs, says so (IPv4, ICMP, not a fragment, checksum
//     good, type 8, destination admitted by the policy);
//   - a dropped datagram is left untouched;
//   - a reply verifies, has the request's length and differs from the
//     request only in the type (8 -> 0) and the checksum; nothing outside
//     the ICMP message changes;
//   - the reply's addressing is the request's swapped: destination = the
//     request's source, source = its (specific) destination; TOS, options,
//     identifier, sequence and data are the request's.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_check.hpp"
#include "wire/echo.hpp"
#include "wire/ipv4.hpp"

namespace {

using namespace pong::wire;

struct Reference {
  bool parsed = false;
  std::size_t header_length = 0;
  std::size_t total_length = 0;
  bool answer = false;
};

// RFC 791 3.1 and RFC 792, from the bytes, without the wire views.
Reference decide(std::span<const std::uint8_t> d, Ipv4Address specific, const EchoPolicy& policy) {
  Reference r;
  if (d.size() < 20 || (d[0] >> 4) != 4) return r;
  r.header_length = std::size_t{d[0] & 0x0Fu} * 4;
  r.total_length = std::size_t{d[2]} << 8 | d[3];
  if (r.header_length < 20 || r.header_length > d.size()) return r;
  if (r.total_length < r.header_length || r.total_length > d.size()) return r;
  r.parsed = true;
  const bool fragment = (d[6] & 0x3F) != 0 || d[7] != 0;  // MF or an offset
  if (d[9] != 1 || fragment) return r;
  const auto icmp = d.subspan(r.header_length, r.total_length - r.header_length);
  if (icmp.size() < 8 || pong::fuzz::reference_sum(icmp) != 0xFFFF || icmp[0] != 8) return r;
  const Ipv4Address destination{{d[16], d[17], d[18], d[19]}};
  const bool non_unicast = (d[16] & 0xF0) == 0xE0 || destination.to_u32() == 0xFFFFFFFFu ||
                           (!specific.is_unspecified() && specific != destination);
  r.answer = !non_unicast || policy.answer_non_unicast;
  return r;
}

// Writes a correct ICMP checksum into a datagram that is long enough.
void repair_checksum(std::span<std::uint8_t> d) {
  if (d.size() < 20) return;
  const std::size_t header = std::size_t{d[0] & 0x0Fu} * 4;
  const std::size_t total = std::size_t{d[2]} << 8 | d[3];
  if (header < 20 || total < header + 8 || total > d.size()) return;
  const auto icmp = d.subspan(header, total - header);
  icmp[2] = 0;
  icmp[3] = 0;
  const auto checksum = static_cast<std::uint16_t>(~pong::fuzz::reference_sum(icmp));
  icmp[2] = static_cast<std::uint8_t>(checksum >> 8);
  icmp[3] = static_cast<std::uint8_t>(checksum);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  std::vector<std::uint8_t> datagram(data + 1, data + size);
  if (selector & 0x08) repair_checksum(datagram);
  const std::vector<std::uint8_t> request = datagram;

  EchoPolicy policy;
  policy.answer_non_unicast = (selector & 0x01) != 0;
  Ipv4Arrival arrival;
  if (request.size() >= 20) {
    const Ipv4Address header_destination{{request[16], request[17], request[18], request[19]}};
    switch ((selector >> 1) & 0x03) {
      case 1:
        arrival.specific_destination = header_destination;
        break;
      case 2:
        arrival.specific_destination = {{192, 0, 2, 1}};
        break;
      case 3:
        arrival.specific_destination = header_destination;
        arrival.specific_destination.octets[3] ^= 0xFF;
        break;
      default:
        break;
    }
  }

  // The read-only view agrees with the reference on what parses.
  const Reference expected = decide(request, arrival.specific_destination, policy);
  const auto view = Ipv4Packet::parse(request);
  FUZZ_CHECK(view.has_value() == expected.parsed);
  if (view) {
    FUZZ_CHECK(view->header_length() == expected.header_length);
    FUZZ_CHECK(view->bytes().size() == expected.total_length);
    FUZZ_CHECK(view->options().size() == expected.header_length - 20);
    FUZZ_CHECK(view->header_checksum_valid() ==
               (pong::fuzz::reference_sum(view->header()) == 0xFFFF));
  }

  const auto reply = answer_echo_request(datagram, arrival, policy);
  FUZZ_CHECK(reply.has_value() == expected.answer);
  if (!reply) {
    FUZZ_CHECK(datagram == request);
    return 0;
  }

  const std::size_t header = expected.header_length;
  const std::size_t length = expected.total_length - header;
  const auto icmp = reply->message.icmp;
  FUZZ_CHECK(icmp.data() == datagram.data() + header);
  FUZZ_CHECK(icmp.size() == length);
  FUZZ_CHECK(pong::fuzz::reference_sum(icmp) == 0xFFFF);
  FUZZ_CHECK(request[header] == 8 && icmp[0] == 0);
  for (std::size_t i = 0; i < datagram.size(); ++i) {
    if (i == header || i == header + 2 || i == header + 3) continue;
    FUZZ_CHECK(datagram[i] == request[i]);
  }

  const Ipv4Address source{{request[12], request[13], request[14], request[15]}};
  const Ipv4Address destination{{request[16], request[17], request[18], request[19]}};
  FUZZ_CHECK(reply->destination == IpAddress{source});
  FUZZ_CHECK(reply->source == IpAddress{arrival.specific_destination.is_unspecified()
                                            ? destination
                                            : arrival.specific_destination});
  FUZZ_CHECK(reply->interface_index == 0);
  FUZZ_CHECK(reply->traffic_class == request[1]);
  FUZZ_CHECK(reply->has_ip_options == (header > 20));
  FUZZ_CHECK(reply->message.identifier == (request[header + 4] << 8 | request[header + 5]));
  FUZZ_CHECK(reply->message.sequence == (request[header + 6] << 8 | request[header + 7]));
  FUZZ_CHECK(reply->message.data.data() == icmp.data() + 8);
  FUZZ_CHECK(reply->message.data.size() == length - 8);
  return 0;
}
