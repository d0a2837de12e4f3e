#include "admission_setup.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

namespace pong::responder {
namespace {

std::expected<void, std::string> add_rules(const std::vector<std::string>& texts,
                                           const char* option, bool allow, policy::Acl& acl) {
  for (const auto& text : texts) {
    const auto cidr = policy::Cidr::parse(text);
    if (!cidr) return std::unexpected(fmt::format("{} {}: {}", option, text, cidr.error()));
    if (allow) {
      acl.allow(*cidr);
    } else {
      acl.deny(*cidr);
    }
  }
  return {};
}

std::expected<void, std::string> read_acl_file(const std::string& path, policy::Acl& acl) {
  std::ifstream in(path);
  if (!in)
    return std::unexpected(
        fmt::format("cannot read the ACL file {}: {}", path, std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  if (auto parsed = policy::parse_acl_file(text.str(), acl); !parsed) {
    return std::unexpected(
        fmt::format("{} line {}: {}", path, parsed.error().line, parsed.error().message));
  }
  return {};
}

}  // namespace

std::expected<double, std::string> parse_rate(const std::string& text, const char* option,
                                              const char* what) {
  std::string_view number = text;
  if (number.ends_with("/s")) number.remove_suffix(2);
  double value = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (error != std::errc{} || end != number.data() + number.size() || !(value > 0)) {
    return std::unexpected(
        fmt::format("{} {}: give {} per second, a number above 0, e.g. 20/s", option, text, what));
  }
  return value;
}

std::expected<policy::AdmissionConfig, std::string> admission_config(const AdmissionFlags& flags) {
  policy::AdmissionConfig config;
  if (auto r = add_rules(flags.allow, "--allow", true, config.acl); !r)
    return std::unexpected(r.error());
  if (auto r = add_rules(flags.deny, "--deny", false, config.acl); !r)
    return std::unexpected(r.error());
  if (flags.acl_file) {
    if (auto r = read_acl_file(*flags.acl_file, config.acl); !r) return std::unexpected(r.error());
  }
  if (flags.burst && !flags.rate) return std::unexpected(std::string("--burst needs --rate"));
  if (flags.rate) {
    const auto rate = parse_rate(*flags.rate, "--rate");
    if (!rate) return std::unexpected(rate.error());
    // Without --burst, a second's worth (and at least one request).
    config.per_source = policy::RateLimit{*rate, flags.burst.value_or(std::max(1.0, *rate))};
  }
  if (flags.global_rate) {
    const auto rate = parse_rate(*flags.global_rate, "--global-rate");
    if (!rate) return std::unexpected(rate.error());
    config.global = policy::RateLimit{*rate, std::max(1.0, *rate)};
  }
  config.table_size = flags.rate_table;
  // The table's hash seed: unpredictable, so no one can aim a flood at
  // one set of the table.
  config.seed = (std::uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  return config;
}

}  // namespace pong::responder
