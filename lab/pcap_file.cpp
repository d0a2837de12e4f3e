#include "pcap_file.hpp"

#include <pcap/pcap.h>

#include <fmt/format.h>

#include <array>
#include <ctime>
#include <fstream>
#include <memory>

#include "wire/bytes.hpp"

namespace pong::lab {
namespace {

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

struct DumperCloser {
  void operator()(pcap_dumper_t* d) const { pcap_dump_close(d); }
};
using DumperHandle = std::unique_ptr<pcap_dumper_t, DumperCloser>;

// A compiled filter, freed with its handle's program.
class Filter {
 public:
  Filter() = default;
  Filter(const Filter&) = delete;
  Filter& operator=(const Filter&) = delete;
  ~Filter() {
    if (compiled_) pcap_freecode(&program_);
  }

  std::expected<void, LabError> compile(pcap_t* pcap, const std::string& expression) {
    if (expression.empty()) return {};
    if (pcap_compile(pcap, &program_, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      return std::unexpected(
          LabError(LabErrorKind::kBadValue,
                   fmt::format("--filter: '{}' is not a filter libpcap can compile: {}", expression,
                               pcap_geterr(pcap))));
    }
    compiled_ = true;
    return {};
  }

  bool selects(const pcap_pkthdr* header, const std::uint8_t* data) const {
    return !compiled_ || pcap_offline_filter(&program_, header, data) != 0;
  }

 private:
  bpf_program program_{};
  bool compiled_ = false;
};

std::optional<CaptureLinkType> link_type_of(int dlt) {
  switch (dlt) {
    case DLT_EN10MB:
      return CaptureLinkType::kEthernet;
    case DLT_LINUX_SLL:
      return CaptureLinkType::kLinuxCooked;
    case DLT_LINUX_SLL2:
      return CaptureLinkType::kLinuxCooked2;
    case DLT_RAW:
      return CaptureLinkType::kRawIp;
    case DLT_IPV4:
      return CaptureLinkType::kRawIpv4;
    case DLT_IPV6:
      return CaptureLinkType::kRawIpv6;
    case DLT_NULL:
      return CaptureLinkType::kLoopback;
    case DLT_LOOP:
      return CaptureLinkType::kLoopbackBigEndian;
    default:
      return std::nullopt;
  }
}

// "EN10MB (Ethernet)", or the number when libpcap has no name for it.
std::string link_type_name(int dlt) {
  const char* name = pcap_datalink_val_to_name(dlt);
  const char* description = pcap_datalink_val_to_description(dlt);
  if (name == nullptr) return fmt::format("{}", dlt);
  if (description == nullptr) return name;
  return fmt::format("{} ({})", name, description);
}

std::expected<PcapHandle, LabError> open_capture(const std::string& path) {
  std::array<char, PCAP_ERRBUF_SIZE> error{};
  pcap_t* pcap = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO,
                                                         error.data());
  if (pcap == nullptr) {
    return std::unexpected(
        LabError(LabErrorKind::kBadValue,
                 fmt::format("{}: cannot be read as a capture: {}", path, error.data())));
  }
  return PcapHandle(pcap);
}

CaptureRecord record_of(std::size_t number, const pcap_pkthdr* header, const std::uint8_t* data) {
  CaptureRecord r;
  r.number = number;
  // PCAP_TSTAMP_PRECISION_NANO: tv_usec holds nanoseconds. In this range
  // no time, and no difference of two, overflows 64 bits.
  constexpr std::int64_t kEarliest = -(std::int64_t{1} << 31);
  constexpr std::int64_t kLatest = (std::int64_t{1} << 32) - 1;
  const std::int64_t seconds = header->ts.tv_sec;
  const std::int64_t fraction = header->ts.tv_usec;
  if (seconds >= kEarliest && seconds <= kLatest && fraction >= 0 && fraction < 1'000'000'000) {
    r.timestamp_ns = seconds * 1'000'000'000 + fraction;
  }
  r.original_length = header->len;
  r.bytes.assign(data, data + header->caplen);
  return r;
}

// Why libpcap stopped at record `number`, as one sentence. libpcap reads
// a pcapng section only while its interfaces share the first one's link
// type, and stops at the first record after an interface that does not
// (its words: "an interface has a type N different from the type of the
// first interface"). Wireshark writes such files when it captures on two
// interfaces at once, so that case says what to do; anything else is
// damage.
std::string unreadable_record_text(const std::string& path, std::size_t number,
                                   std::string_view libpcap_says) {
  const std::size_t read = number - 1;
  const std::string before = read == 0   ? "no packet before it was read"
                             : read == 1 ? "the packet before it was read"
                                         : fmt::format("the {} packets before it were read", read);
  if (libpcap_says.find("different from the type of the first interface") !=
      std::string_view::npos) {
    return fmt::format(
        "{}: stopped at packet {}: the file holds interfaces of more than one link type ({}), "
        "and libpcap reads one link type per file: save each interface's packets on their own "
        "(in Wireshark, filter on frame.interface_id == 0, then File > Export Specified Packets); "
        "{}",
        path, number, libpcap_says, before);
  }
  return fmt::format("{}: the file is damaged at packet {} ({}); {}", path, number, libpcap_says,
                     before);
}

// Reads every record after the file header into `file`.
std::expected<void, LabError> read_records(pcap_t* pcap, const Filter& filter,
                                           const std::string& path, CaptureFile& file) {
  std::size_t number = 0;
  for (;;) {
    pcap_pkthdr* header = nullptr;
    const std::uint8_t* data = nullptr;
    const int status = pcap_next_ex(pcap, &header, &data);
    if (status == PCAP_ERROR_BREAK) return {};  // the end of the file
    ++number;
    if (status != 1) {
      file.damage = LabError(LabErrorKind::kTruncatedDatagram,
                             unreadable_record_text(path, number, pcap_geterr(pcap)));
      return {};
    }
    if (!filter.selects(header, data)) {
      ++file.filtered_out;
      continue;
    }
    if (file.records.size() == kMaxCaptureRecords) {
      return std::unexpected(LabError(
          LabErrorKind::kInputTooLarge,
          fmt::format("{}: more than {} packets; keep fewer with --filter, or cut the file with "
                      "tcpdump -r {} -c {} -w smaller.pcap",
                      path, kMaxCaptureRecords, path, kMaxCaptureRecords)));
    }
    file.records.push_back(record_of(number, header, data));
  }
}

}  // namespace

std::optional<CaptureFormat> capture_format_of(std::span<const std::uint8_t> first_bytes) {
  if (first_bytes.size() < 4) return std::nullopt;
  switch (wire::load_be32(first_bytes.first<4>())) {
    case 0xa1b2c3d4:
    case 0xd4c3b2a1:
    case 0xa1b23c4d:
    case 0x4d3cb2a1:
      return CaptureFormat::kPcap;
    case 0x0a0d0d0a:  // the pcapng Section Header Block's type
      return CaptureFormat::kPcapng;
    default:
      return std::nullopt;
  }
}

std::optional<CaptureFormat> capture_format_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4> magic{};
  if (!in.read(magic.data(), magic.size())) return std::nullopt;
  std::array<std::uint8_t, 4> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(magic[i]);
  return capture_format_of(bytes);
}

std::expected<CaptureFile, LabError> read_capture_file(const std::string& path,
                                                       const std::string& filter_expression) {
  const auto format = capture_format_of_file(path);
  if (!format) {
    return std::unexpected(LabError(
        LabErrorKind::kBadValue,
        fmt::format("{}: not a pcap or pcapng file (its first bytes are no capture's magic "
                    "number)",
                    path)));
  }
  auto pcap = open_capture(path);
  if (!pcap) return std::unexpected(pcap.error());
  const int dlt = pcap_datalink(pcap->get());
  const auto link_type = link_type_of(dlt);
  if (!link_type) {
    return std::unexpected(LabError(
        LabErrorKind::kNoIpHeader,
        fmt::format("{}: link type {}: icmp-lab decodes Ethernet, Linux cooked (SLL, SLL2), raw "
                    "IP and loopback captures",
                    path, link_type_name(dlt))));
  }
  Filter filter;
  if (auto compiled = filter.compile(pcap->get(), filter_expression); !compiled) {
    return std::unexpected(compiled.error());
  }
  CaptureFile file{*format, *link_type, link_type_name(dlt), {}, 0, std::nullopt};
  if (auto read = read_records(pcap->get(), filter, path, file); !read) {
    return std::unexpected(read.error());
  }
  return file;
}

std::expected<void, LabError> write_raw_ip_pcap(
    const std::string& path, const std::vector<std::vector<std::uint8_t>>& datagrams) {
  constexpr int kSnapLength = 65535;
  PcapHandle dead(pcap_open_dead(DLT_RAW, kSnapLength));
  if (!dead) return std::unexpected(LabError(LabErrorKind::kBadValue, "libpcap is out of memory"));
  DumperHandle dumper(pcap_dump_open(dead.get(), path.c_str()));
  const auto failed = [&] {
    return std::unexpected(
        LabError(LabErrorKind::kBadValue, fmt::format("--pcap: {}", pcap_geterr(dead.get()))));
  };
  if (!dumper) return failed();
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  for (const auto& datagram : datagrams) {
    pcap_pkthdr header{};
    header.ts.tv_sec = now.tv_sec;
    header.ts.tv_usec = static_cast<suseconds_t>(now.tv_nsec / 1000);
    header.caplen = static_cast<bpf_u_int32>(datagram.size());
    header.len = header.caplen;
    // libpcap's callback signature: the dumper travels as the user pointer.
    pcap_dump(reinterpret_cast<u_char*>(dumper.get()), &header, datagram.data());
  }
  if (pcap_dump_flush(dumper.get()) != 0) {
    return std::unexpected(
        LabError(LabErrorKind::kBadValue, fmt::format("--pcap: cannot write {}", path)));
  }
  return {};
}

}  // namespace pong::lab
