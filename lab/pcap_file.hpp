// Capture files, read and written through libpcap: pcap and pcapng, told
// apart by their magic number, never by the file's name. This is the
// system part of `icmp-lab decode FILE` and `craft --pcap`; decoding what
// is read is the pure part (capture.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lab_error.hpp"
#include "link_layer.hpp"

namespace pong::lab {

enum class CaptureFormat { kPcap, kPcapng };

// What the first four bytes of a file say it is: the pcap magic numbers
// (0xa1b2c3d4 microseconds, 0xa1b23c4d nanoseconds, in either byte order)
// or the pcapng Section Header Block type 0x0a0d0d0a. nullopt: neither.
std::optional<CaptureFormat> capture_format_of(std::span<const std::uint8_t> first_bytes);

// The format of the file at `path`, or nullopt when it is not a capture
// (or cannot be read: opening it again reports why).
std::optional<CaptureFormat> capture_format_of_file(const std::string& path);

struct CaptureRecord {
  std::size_t number = 0;  // 1-based, counting every record in the file
  // Since the epoch; absent when the record's seconds are outside what
  // a pcap file can hold (-2^31 to 2^32 - 1), e.g. from a damaged pcapng.
  std::optional<std::int64_t> timestamp_ns;
  std::size_t original_length = 0;  // pcap's len: the bytes on the wire
  std::vector<std::uint8_t> bytes;  // caplen of them
};

struct CaptureFile {
  CaptureFormat format = CaptureFormat::kPcap;
  CaptureLinkType link_type = CaptureLinkType::kEthernet;
  std::string link_type_name;          // libpcap's, e.g. "EN10MB (Ethernet)"
  std::vector<CaptureRecord> records;  // those the filter selected
  std::size_t filtered_out = 0;        // records the filter did not select
  // Set when the file ends inside a record or a block: the sentence that
  // says so. The records before it were read.
  std::optional<LabError> damage;
};

// At most this many records are kept; a larger file is a LabError that
// says to cut it (with editcap or tcpdump -c) or to use --filter.
inline constexpr std::size_t kMaxCaptureRecords = 100'000;

// Reads the file. `filter` is a tcpdump expression compiled by libpcap
// for the file's link type; empty selects every record. A file that is
// not a capture, a link type icmp-lab cannot decode, or a filter that does
// not compile is a LabError with one sentence.
std::expected<CaptureFile, LabError> read_capture_file(const std::string& path,
                                                       const std::string& filter);

// Writes `datagrams` (IP packets, no link layer) to a new pcap file of
// link type RAW, one record each, stamped with the time now, which
// Wireshark and tcpdump -r open.
std::expected<void, LabError> write_raw_ip_pcap(
    const std::string& path, const std::vector<std::vector<std::uint8_t>>& datagrams);

}  // namespace pong::lab
