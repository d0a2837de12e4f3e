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
  kNoIpv4,             // no IPv4 header at the start or after a known link header
  kNotIpv4,            // version field is not 4 (IPv6 included)
  kTruncatedIpHeader,  // fewer bytes than the header needs
  kBadHeaderLength,    // IHL below 5
  kBadTotalLength,     // total length below the header length
  kTruncatedDatagram,  // total length larger than the bytes given
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
