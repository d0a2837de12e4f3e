// What icmp-lab says when its input is wrong: a kind, for tests and exit
// statuses, and one sentence that points at the problem.
#pragma once

#include <string>
#include <utility>

namespace pong::lab {

enum class LabErrorKind {
  kEmptyInput,         // no bytes at all
  kInputTooLarge,      // more text or bytes than a lab ever needs
  kNotHex,             // a character that is not a hex digit
  kOddDigits,          // a hex group with an odd number of digits
  kDumpOffset,         // a dump's offsets do not follow on from each other
  kDumpLineLength,     // a dump line holds fewer bytes than its offsets say
  kNoIpHeader,         // no IPv4 or IPv6 header at the start or after a known link header
  kBadIpVersion,       // the version field is not the one the link layer announced
  kTruncatedIpHeader,  // fewer bytes than the header needs (IPv4: 20, IPv6: 40)
  kBadHeaderLength,    // IPv4: IHL below 5
  kBadTotalLength,     // IPv4: total length below the header length
  kTruncatedDatagram,  // IPv4 total length or IPv6 40 + payload length beyond the bytes given
  kTruncatedIcmp,      // fewer than 8 bytes of ICMP header
  kNotEchoRequest,     // `reply` was given something pong would not answer
  kBadValue,           // an option value that cannot be used
};

struct LabError {
  LabErrorKind kind;
  std::string message;

  LabError(LabErrorKind k, std::string m) : kind(k), message(std::move(m)) {}
};

}  // namespace pong::lab
