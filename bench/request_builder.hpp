// The Echo Requests pong-bench sends, as whole IP datagrams for an
// AF_PACKET SOCK_DGRAM socket (the kernel adds the Ethernet header only).
//
// A frame is prepared once with everything constant (the IP header, type,
// code, identifier); patch() then writes only what belongs to one request:
// the sequence number, the payload, the checksums and, for IPv4, the
// identification. Request number n carries:
//   sequence    n & 0xffff
//   payload[0..8)  n, big-endian (the reply checker reads n back from it)
//   payload[k]     (n * 7 + k) & 0xff for k >= 8, so a flipped byte anywhere
//                  is caught
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>

#include "wire/address.hpp"
#include "wire/bytes.hpp"
#include "wire/checksum.hpp"

namespace pong::bench {

// Byte k of request n's payload, for k >= 8 (bytes 0..7 hold n itself).
constexpr std::uint8_t payload_pattern_byte(std::uint64_t n, std::size_t k) {
  return static_cast<std::uint8_t>(n * 7 + k);
}

// Writes request n's payload into `out` (any size >= 8).
void fill_payload(std::uint64_t n, wire::MutableBytes out);

// The request number in the first 8 bytes. Precondition: size() >= 8.
std::uint64_t payload_request_number(wire::Bytes payload);

// Whether `payload` is exactly what request n carried, past its first 8
// bytes (which the caller has read n from).
bool payload_pattern_matches(std::uint64_t n, wire::Bytes payload);

enum class BuildFault : std::uint8_t {
  kFamilyMismatch,  // source and target are not of one family
  kBadPayloadSize,  // outside limits::kMinPayload..kMaxPayload
};

class RequestBuilder {
 public:
  static std::expected<RequestBuilder, BuildFault> create(wire::IpAddress source,
                                                          wire::IpAddress target,
                                                          std::uint16_t identifier,
                                                          std::size_t payload_size);

  wire::IpFamily family() const { return target_.family(); }
  std::size_t ip_header_length() const;
  // IP header + 8-byte ICMP header + payload.
  std::size_t frame_length() const;

  // Writes the constant fields. Precondition: frame.size() == frame_length().
  void prepare(wire::MutableBytes frame) const;
  // Writes request n's fields into a prepared frame. Allocates nothing.
  void patch(wire::MutableBytes frame, std::uint64_t n) const;

 private:
  RequestBuilder(wire::IpAddress source, wire::IpAddress target, std::uint16_t identifier,
                 std::size_t payload_size);

  wire::IpAddress source_;
  wire::IpAddress target_;
  std::uint16_t identifier_;
  std::size_t payload_size_;
  // IPv6: the RFC 8200 8.1 pseudo-header, the same for every request.
  wire::ChecksumAccumulator pseudo_header_;
};

}  // namespace pong::bench
