// Capture files through libpcap: every file of tests/data/ (made by
// tests/data/make-captures.sh with tcpdump in namespaces and libpcap's
// writer) decodes to exactly its .expected text; damaged files, unknown
// link types and bad filters are one sentence; craft's writer round-trips.
#include "pcap_file.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "capture.hpp"
#include "render.hpp"

namespace pong::lab {
namespace {

const std::string kData = PONG_TEST_DATA;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What `icmp-lab --color never decode tests/data/NAME` prints.
std::string decoded_text(const std::string& name, const std::string& filter = "") {
  const auto file = read_capture_file(kData + "/" + name, filter);
  EXPECT_TRUE(file) << (file ? "" : file.error().message);
  if (!file) return "";
  return render_capture(decode_capture_file(*file, name), RenderOptions{});
}

class ExpectedOutput : public testing::TestWithParam<const char*> {};

TEST_P(ExpectedOutput, DecodesToExactlyTheCommittedText) {
  const std::string name = GetParam();
  EXPECT_EQ(decoded_text(name), read_text(kData + "/" + name + ".expected"));
}

INSTANTIATE_TEST_SUITE_P(EveryLinkTypeAndFormat, ExpectedOutput,
                         testing::Values("ethernet.pcap", "ethernet.pcapng", "sll.pcap",
                                         "sll2.pcap", "raw.pcap", "loopback.pcap", "mixed.pcap",
                                         "snaplen.pcap", "truncated.pcap", "two-interfaces.pcapng"),
                         [](const testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           // gtest names: letters, digits and underscores.
                           for (char& c : name) {
                             if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
                           }
                           return name;
                         });

TEST(ReadCaptureFile, TheLinkTypesAsLibpcapNamesThem) {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"ethernet.pcap", "EN10MB (Ethernet)"},
      {"ethernet.pcapng", "EN10MB (Ethernet)"},
      {"sll.pcap", "LINUX_SLL (Linux cooked v1)"},
      {"sll2.pcap", "LINUX_SLL2 (Linux cooked v2)"},
      {"raw.pcap", "RAW (Raw IP)"},
      {"loopback.pcap", "NULL (BSD loopback)"}};
  for (const auto& [name, link_type] : files) {
    const auto file = read_capture_file(kData + "/" + name, "");
    ASSERT_TRUE(file) << name;
    EXPECT_EQ(file->link_type_name, link_type) << name;
    EXPECT_FALSE(file->damage) << name;
  }
}

TEST(ReadCaptureFile, PcapngIsToldApartByItsMagicNotItsName) {
  const auto copy = std::filesystem::temp_directory_path() / "icmp-lab-test-capture.pcap";
  std::filesystem::copy_file(kData + "/ethernet.pcapng", copy,
                             std::filesystem::copy_options::overwrite_existing);
  const auto file = read_capture_file(copy.string(), "");
  std::filesystem::remove(copy);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->format, CaptureFormat::kPcapng);
  EXPECT_EQ(file->records.size(), 8u);
}

TEST(ReadCaptureFile, EveryIcmpPacketIsKeptAndTheOthersAreCounted) {
  const auto file = read_capture_file(kData + "/mixed.pcap", "");
  ASSERT_TRUE(file);
  const DecodedCapture capture = decode_capture_file(*file, "mixed.pcap");
  EXPECT_EQ(file->records.size(), 8u);  // ARP x2, ping x2, UDP, port unreachable, SYN, RST
  EXPECT_EQ(capture.frames.size(), 3u);
  EXPECT_EQ(capture.skipped, 5u);
  ASSERT_EQ(capture.pairs.size(), 1u);
  EXPECT_TRUE(capture.unanswered.empty());
}

TEST(ReadCaptureFile, TheFilterIsTcpdumpsAndNumbersStayTheFilesOwn) {
  const auto file = read_capture_file(kData + "/ethernet.pcap", "icmp6");
  ASSERT_TRUE(file);
  ASSERT_EQ(file->records.size(), 4u);
  EXPECT_EQ(file->filtered_out, 4u);
  EXPECT_EQ(file->records.front().number, 5u);  // as Wireshark numbers it
  EXPECT_NE(decoded_text("ethernet.pcap", "icmp6").find("4 packets left out by --filter"),
            std::string::npos);
}

TEST(ReadCaptureFile, AFilterThatDoesNotCompileIsOneSentence) {
  const auto file = read_capture_file(kData + "/ethernet.pcap", "icmp and and");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message.rfind("--filter: 'icmp and and' is not a filter libpcap can "
                                       "compile: ",
                                       0),
            0u)
      << file.error().message;
}

TEST(ReadCaptureFile, ATruncatedFileKeepsThePacketsBeforeTheDamage) {
  const auto file = read_capture_file("truncated.pcap", "");
  ASSERT_FALSE(file);  // relative to the wrong directory: cannot be read
  const auto damaged = read_capture_file(kData + "/truncated.pcap", "");
  ASSERT_TRUE(damaged);
  EXPECT_EQ(damaged->records.size(), 7u);
  ASSERT_TRUE(damaged->damage);
  EXPECT_EQ(damaged->damage->message,
            kData +
                "/truncated.pcap: the file is damaged at packet 8 (truncated dump file; "
                "tried to read 118 captured bytes, only got 98); the 7 packets before it "
                "were read");
}

// Wireshark capturing on eth0 and "any" at once writes one pcapng section
// with an Ethernet and a Linux cooked interface; libpcap stops there.
TEST(ReadCaptureFile, InterfacesOfTwoLinkTypesSayHowToSplitThem) {
  const auto file = read_capture_file(kData + "/two-interfaces.pcapng", "");
  ASSERT_TRUE(file);
  EXPECT_TRUE(file->records.empty());
  ASSERT_TRUE(file->damage);
  EXPECT_EQ(file->damage->message,
            kData +
                "/two-interfaces.pcapng: stopped at packet 1: the file holds interfaces of more "
                "than one link type (an interface has a type 113 different from the type of the "
                "first interface), and libpcap reads one link type per file: save each "
                "interface's packets on their own (in Wireshark, filter on frame.interface_id == "
                "0, then File > Export Specified Packets); no packet before it was read");
}

TEST(ReadCaptureFile, AnUnknownLinkTypeIsNamed) {
  const auto file = read_capture_file(kData + "/wifi.pcap", "");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message,
            kData +
                "/wifi.pcap: link type IEEE802_11 (802.11): icmp-lab decodes Ethernet, Linux "
                "cooked (SLL, SLL2), raw IP and loopback captures");
}

TEST(ReadCaptureFile, AFileThatIsNoCaptureIsRefusedByItsMagic) {
  const auto file = read_capture_file(kData + "/make-captures.sh", "");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message,
            kData +
                "/make-captures.sh: not a pcap or pcapng file (its first bytes are no "
                "capture's magic number)");
  EXPECT_FALSE(read_capture_file(kData + "/no-such-file.pcap", ""));
}

TEST(CaptureFormatOf, TheFourPcapMagicsAndPcapng) {
  using B = std::vector<std::uint8_t>;
  EXPECT_EQ(capture_format_of(B{0xa1, 0xb2, 0xc3, 0xd4}), CaptureFormat::kPcap);
  EXPECT_EQ(capture_format_of(B{0xd4, 0xc3, 0xb2, 0xa1}), CaptureFormat::kPcap);
  EXPECT_EQ(capture_format_of(B{0xa1, 0xb2, 0x3c, 0x4d}), CaptureFormat::kPcap);
  EXPECT_EQ(capture_format_of(B{0x4d, 0x3c, 0xb2, 0xa1}), CaptureFormat::kPcap);
  EXPECT_EQ(capture_format_of(B{0x0a, 0x0d, 0x0d, 0x0a}), CaptureFormat::kPcapng);
  EXPECT_FALSE(capture_format_of(B{0x45, 0x00, 0x00, 0x54}));
  EXPECT_FALSE(capture_format_of(B{0xa1, 0xb2, 0xc3}));
}

TEST(WriteRawIpPcap, WhatCraftWritesLibpcapReadsBack) {
  const std::vector<std::uint8_t> datagram = {
      0x45, 0x00, 0x00, 0x1e, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01, 0xe2, 0xad, 0xac, 0x16, 0x00,
      0x02, 0xac, 0x16, 0x00, 0x03, 0x08, 0x00, 0x8f, 0x94, 0x00, 0x01, 0x00, 0x01, 0x68, 0x69};
  const auto path = (std::filesystem::temp_directory_path() / "icmp-lab-test-craft.pcap").string();
  ASSERT_TRUE(write_raw_ip_pcap(path, {datagram}));
  const auto file = read_capture_file(path, "");
  std::filesystem::remove(path);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->format, CaptureFormat::kPcap);
  EXPECT_EQ(file->link_type, CaptureLinkType::kRawIp);
  ASSERT_EQ(file->records.size(), 1u);
  EXPECT_EQ(file->records[0].bytes, datagram);
  EXPECT_EQ(file->records[0].original_length, datagram.size());
  const DecodedCapture capture = decode_capture_file(*file, "craft.pcap");
  ASSERT_EQ(capture.frames.size(), 1u);
  ASSERT_TRUE(capture.frames[0].decoded);
  ASSERT_TRUE(capture.frames[0].decoded->icmp);
  EXPECT_TRUE(capture.frames[0].decoded->icmp->checksum->valid);
}

TEST(WriteRawIpPcap, AnUnwritablePathIsOneSentence) {
  const auto written = write_raw_ip_pcap("/nonexistent-dir/x.pcap", {{0x45}});
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message.rfind("--pcap: /nonexistent-dir/x.pcap: ", 0), 0u)
      << written.error().message;
}

}  // namespace
}  // namespace pong::lab
