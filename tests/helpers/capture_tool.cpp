// Makes the capture files of tests/data/ that tcpdump cannot make on
// Linux: it reads a capture with libpcap and writes the same packets
//   - with another link type, through libpcap's own writer:
//       capture_tool relink IN OUT raw|null|ieee802_11
//     (raw: the IP packet alone, DLT_RAW; null: BSD loopback, DLT_NULL, with
//     macOS's address families, 2 and 30, little-endian as a Mac writes them;
//     ieee802_11: a link type icmp-lab does not decode, for its error);
//   - as pcapng (libpcap 1.10 reads pcapng but cannot write it), one
//     Section Header, one Interface Description per input and an Enhanced
//     Packet Block per packet, as the pcapng specification lays them out;
//     with two inputs, the interfaces come first, as Wireshark writes a
//     capture on two interfaces, then the packets of the first and of the
//     second:
//       capture_tool pcapng IN [IN2] OUT
// The IP header is found with icmp-lab's own ip_header_in.
#include <pcap/pcap.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "link_layer.hpp"

namespace {

using pong::lab::CaptureLinkType;

struct Packet {
  pcap_pkthdr header;
  std::vector<std::uint8_t> bytes;
};

struct Capture {
  int dlt = 0;
  int snap_length = 0;
  std::vector<Packet> packets;
};

bool read_capture(const char* path, Capture& out) {
  std::array<char, PCAP_ERRBUF_SIZE> error{};
  pcap_t* pcap = pcap_open_offline(path, error.data());
  if (pcap == nullptr) {
    std::fprintf(stderr, "capture_tool: %s\n", error.data());
    return false;
  }
  out.dlt = pcap_datalink(pcap);
  out.snap_length = pcap_snapshot(pcap);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(pcap, &header, &data) == 1) {
    out.packets.push_back({*header, std::vector<std::uint8_t>(data, data + header->caplen)});
  }
  pcap_close(pcap);
  return true;
}

CaptureLinkType link_type_of(int dlt) {
  if (dlt == DLT_LINUX_SLL) return CaptureLinkType::kLinuxCooked;
  if (dlt == DLT_LINUX_SLL2) return CaptureLinkType::kLinuxCooked2;
  return CaptureLinkType::kEthernet;
}

// The packet with its link header replaced for `dlt`.
std::vector<std::uint8_t> relinked(const Capture& in, const Packet& p, int dlt) {
  const auto link = pong::lab::ip_header_in(link_type_of(in.dlt), p.bytes);
  if (!link || !*link) return {};
  std::vector<std::uint8_t> ip(p.bytes.begin() + static_cast<long>((*link)->length), p.bytes.end());
  if (dlt == DLT_RAW) return ip;
  std::vector<std::uint8_t> out;
  if (dlt == DLT_NULL) {
    const std::uint8_t family = (*link)->family == pong::wire::IpFamily::kIpv4 ? 2 : 30;
    out = {family, 0, 0, 0};
  } else {
    out.assign(24, 0);  // a radiotap-less 802.11 header's worth of zeros
  }
  out.insert(out.end(), ip.begin(), ip.end());
  return out;
}

int relink(const char* in_path, const char* out_path, const std::string& type) {
  Capture in;
  if (!read_capture(in_path, in)) return 1;
  const int dlt = type == "raw" ? DLT_RAW : type == "null" ? DLT_NULL : DLT_IEEE802_11;
  pcap_t* dead = pcap_open_dead(dlt, in.snap_length);
  pcap_dumper_t* dumper = pcap_dump_open(dead, out_path);
  if (dumper == nullptr) {
    std::fprintf(stderr, "capture_tool: %s\n", pcap_geterr(dead));
    return 1;
  }
  for (const Packet& p : in.packets) {
    const auto bytes = relinked(in, p, dlt);
    if (bytes.empty()) continue;  // not IP: ARP has no place in a raw IP file
    pcap_pkthdr header = p.header;
    const auto removed = p.bytes.size() - bytes.size();
    header.caplen = static_cast<bpf_u_int32>(bytes.size());
    header.len = static_cast<bpf_u_int32>(p.header.len - removed);
    pcap_dump(reinterpret_cast<u_char*>(dumper), &header, bytes.data());
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
  return 0;
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

// An Enhanced Packet Block: the packet, on interface `interface`.
void put_packet(std::vector<std::uint8_t>& out, std::uint32_t interface, const Packet& p) {
  const std::uint32_t padded = (p.header.caplen + 3u) & ~3u;
  const std::uint32_t length = 32 + padded;
  // if_tsresol defaults to 6: microseconds since the epoch, in 64 bits.
  const std::uint64_t us = std::uint64_t(p.header.ts.tv_sec) * 1000000u +
                           static_cast<std::uint64_t>(p.header.ts.tv_usec);
  put32(out, 6);
  put32(out, length);
  put32(out, interface);
  put32(out, static_cast<std::uint32_t>(us >> 32));
  put32(out, static_cast<std::uint32_t>(us));
  put32(out, p.header.caplen);
  put32(out, p.header.len);
  out.insert(out.end(), p.bytes.begin(), p.bytes.end());
  out.resize(out.size() + (padded - p.header.caplen), 0);
  put32(out, length);
}

// pcapng, little-endian: SHB (type 0x0a0d0d0a), an IDB (type 1) per
// input, EPBs (type 6).
int to_pcapng(const std::vector<const char*>& in_paths, const char* out_path) {
  std::vector<Capture> inputs(in_paths.size());
  for (std::size_t i = 0; i < in_paths.size(); ++i) {
    if (!read_capture(in_paths[i], inputs[i])) return 1;
  }
  std::vector<std::uint8_t> out;
  put32(out, 0x0a0d0d0a);
  put32(out, 28);
  put32(out, 0x1a2b3c4d);  // byte-order magic
  put16(out, 1);
  put16(out, 0);
  put32(out, 0xffffffff);  // section length: not given
  put32(out, 0xffffffff);
  put32(out, 28);
  for (const Capture& in : inputs) {
    put32(out, 1);
    put32(out, 20);
    put16(out, static_cast<std::uint16_t>(in.dlt));
    put16(out, 0);
    put32(out, static_cast<std::uint32_t>(in.snap_length));
    put32(out, 20);
  }
  for (std::uint32_t interface = 0; interface < inputs.size(); ++interface) {
    for (const Packet& p : inputs[interface].packets) put_packet(out, interface, p);
  }
  std::ofstream file(out_path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
  return file ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "relink" && argc == 5) return relink(argv[2], argv[3], argv[4]);
  if (command == "pcapng" && argc == 4) return to_pcapng({argv[2]}, argv[3]);
  if (command == "pcapng" && argc == 5) return to_pcapng({argv[2], argv[3]}, argv[4]);
  std::fprintf(stderr,
               "usage: capture_tool relink IN OUT raw|null|ieee802_11\n"
               "       capture_tool pcapng IN [IN2] OUT\n");
  return 2;
}
