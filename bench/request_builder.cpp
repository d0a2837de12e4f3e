#include "request_builder.hpp"

#include <utility>

#include "run_config.hpp"
#include "wire/icmp.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::bench {

void fill_payload(std::uint64_t n, wire::MutableBytes out) {
  wire::store_be32(out.subspan<0, 4>(), static_cast<std::uint32_t>(n >> 32));
  wire::store_be32(out.subspan<4, 4>(), static_cast<std::uint32_t>(n));
  for (std::size_t k = 8; k < out.size(); ++k) out[k] = payload_pattern_byte(n, k);
}

std::uint64_t payload_request_number(wire::Bytes payload) {
  return (std::uint64_t{wire::load_be32(payload.subspan<0, 4>())} << 32) |
         wire::load_be32(payload.subspan<4, 4>());
}

bool payload_pattern_matches(std::uint64_t n, wire::Bytes payload) {
  for (std::size_t k = 8; k < payload.size(); ++k) {
    if (payload[k] != payload_pattern_byte(n, k)) return false;
  }
  return true;
}

std::expected<RequestBuilder, BuildFault> RequestBuilder::create(wire::IpAddress source,
                                                                 wire::IpAddress target,
                                                                 std::uint16_t identifier,
                                                                 std::size_t payload_size) {
  if (source.family() != target.family()) return std::unexpected(BuildFault::kFamilyMismatch);
  if (payload_size < limits::kMinPayload || payload_size > limits::kMaxPayload) {
    return std::unexpected(BuildFault::kBadPayloadSize);
  }
  return RequestBuilder(source, target, identifier, payload_size);
}

RequestBuilder::RequestBuilder(wire::IpAddress source, wire::IpAddress target,
                               std::uint16_t identifier, std::size_t payload_size)
    : source_(source), target_(target), identifier_(identifier), payload_size_(payload_size) {
  if (target_.is_ipv6()) {
    pseudo_header_ = wire::icmpv6_pseudo_header(source_.ipv6(), target_.ipv6(),
                                                wire::kIcmpHeaderLength + payload_size_);
  }
}

std::size_t RequestBuilder::ip_header_length() const {
  return target_.is_ipv4() ? wire::kIpv4MinHeaderLength : wire::kIpv6HeaderLength;
}

std::size_t RequestBuilder::frame_length() const {
  return ip_header_length() + wire::kIcmpHeaderLength + payload_size_;
}

void RequestBuilder::prepare(wire::MutableBytes frame) const {
  const std::size_t icmp_length = wire::kIcmpHeaderLength + payload_size_;
  if (target_.is_ipv4()) {
    // TTL 64, no options, DF clear (Ipv4Repr's defaults).
    wire::Ipv4Repr ip;
    ip.source = source_.ipv4();
    ip.destination = target_.ipv4();
    ip.payload_length = icmp_length;
    ip.emit(frame);
  } else {
    wire::Ipv6Repr ip;  // hop limit 64, next header 58
    ip.source = source_.ipv6();
    ip.destination = target_.ipv6();
    ip.payload_length = icmp_length;
    ip.emit(frame);
  }
  const auto icmp = frame.subspan(ip_header_length());
  icmp[wire::icmp_field::kType] = target_.is_ipv4()
                                      ? std::to_underlying(wire::Icmpv4Type::kEchoRequest)
                                      : std::to_underlying(wire::Icmpv6Type::kEchoRequest);
  icmp[wire::icmp_field::kCode] = 0;
  wire::store_be16(icmp.subspan<wire::icmp_field::kIdentifier, 2>(), identifier_);
}

void RequestBuilder::patch(wire::MutableBytes frame, std::uint64_t n) const {
  const auto icmp = frame.subspan(ip_header_length());
  const auto sequence = static_cast<std::uint16_t>(n);
  wire::store_be16(icmp.subspan<wire::icmp_field::kSequence, 2>(), sequence);
  fill_payload(n, icmp.subspan(wire::icmp_field::kData));
  const auto checksum = icmp.subspan<wire::icmp_field::kChecksum, 2>();
  wire::store_be16(checksum, 0);
  if (target_.is_ipv4()) {
    wire::store_be16(checksum, wire::internet_checksum(icmp));
    // The identification only has to differ between datagrams in flight
    // (RFC 6864 4.1); the request number's low bits do.
    const auto header = frame.first<wire::kIpv4MinHeaderLength>();
    wire::store_be16(header.subspan<wire::ipv4_field::kIdentification, 2>(), sequence);
    wire::store_be16(header.subspan<wire::ipv4_field::kChecksum, 2>(), 0);
    wire::store_be16(header.subspan<wire::ipv4_field::kChecksum, 2>(),
                     wire::internet_checksum(header));
  } else {
    wire::ChecksumAccumulator sum = pseudo_header_;
    wire::store_be16(checksum, sum.add(icmp).checksum());
  }
}

}  // namespace pong::bench
