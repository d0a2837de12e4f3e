// A capture as icmp-lab decodes it: the ICMP and ICMPv6 packets of a pcap
// or pcapng file (or of a paste), each decoded, with every echo request
// paired with its reply. Both outputs, the text and the HTML page, are
// drawn from this one model, so they cannot disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "decode.hpp"
#include "hex_input.hpp"
#include "lab_error.hpp"
#include "pcap_file.hpp"

namespace pong::lab {

// Where a frame came from and how much of it was kept.
struct FrameOrigin {
  std::size_t number = 0;  // 1-based: the record in the file, or the packet in the paste
  // Since the Unix epoch, from the capture file; absent for a paste.
  std::optional<std::int64_t> timestamp_ns;
  std::size_t captured_length = 0;  // bytes in the record (pcap's caplen)
  std::size_t original_length = 0;  // bytes on the wire (pcap's len)
  std::string caption;              // a paste's line before the bytes; empty for a file
};

struct Frame {
  FrameOrigin origin;
  std::vector<std::uint8_t> bytes;  // as captured, link layer included
  std::expected<DecodedPacket, LabError> decoded;

  // The snap length cut it: fewer bytes were kept than were on the wire.
  bool cut() const { return origin.original_length > origin.captured_length; }
};

// An echo request and the reply to it: the other family's echo reply
// type, the same identifier and sequence number, and the addresses
// swapped (RFC 792, RFC 4443 4.2).
struct EchoPair {
  std::size_t request = 0;  // index into DecodedCapture::frames
  std::size_t reply = 0;
  std::optional<std::int64_t> rtt_ns;  // when both frames have timestamps
  // The request already had a reply: this is a second one (ping's DUP!).
  bool duplicate = false;
};

struct DecodedCapture {
  std::string source;                   // the file name, or "standard input"
  std::string format;                   // "pcap", "pcapng" or "pasted text"
  std::string link_type;                // e.g. "EN10MB (Ethernet)"; empty for a paste
  std::vector<Frame> frames;            // the ICMP and ICMPv6 ones, and those that failed to decode
  std::size_t skipped = 0;              // records that hold neither ICMP nor ICMPv6
  std::size_t filtered_out = 0;         // records --filter did not select
  std::vector<EchoPair> pairs;          // in the order of their requests
  std::vector<std::size_t> unanswered;  // echo requests no frame answers (indexes into frames)
  // The file ends inside a packet: the sentence that says so. The frames
  // are those before it.
  std::optional<LabError> damage;
};

// Decodes a capture file's records. Frames that carry neither ICMP nor
// ICMPv6 (ARP, TCP, UDP, ...) are counted in `skipped`; an IPv6 packet
// whose ICMPv6 follows extension headers is kept, with the decoder's note.
DecodedCapture decode_capture_file(const CaptureFile& file, std::string source);

// Decodes a paste: every packet is kept, numbered from 1, without times.
DecodedCapture decode_paste(const std::vector<Capture>& captures);

// Pairs each echo request with the later echo replies to it: the first
// is its reply, any other a duplicate. A reply answers one request only.
void pair_echoes(DecodedCapture& capture);

}  // namespace pong::lab
