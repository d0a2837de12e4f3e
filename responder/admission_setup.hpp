// From pong's command line to its admission policy: --allow, --deny,
// --acl-file, --rate, --burst, --rate-table, --global-rate. Reads the ACL
// file; every error is one sentence naming the option (and the file's line).
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "policy/admission.hpp"

namespace pong::responder {

struct AdmissionFlags {
  std::vector<std::string> allow;
  std::vector<std::string> deny;
  std::optional<std::string> acl_file;
  std::optional<std::string> rate;  // "N" or "N/s", per source
  std::optional<double> burst;
  std::size_t rate_table = 65536;
  std::optional<std::string> global_rate;  // "N" or "N/s"
};

// "20", "20/s", "0.5/s": `what` (replies, lines) per second, more than 0.
std::expected<double, std::string> parse_rate(const std::string& text, const char* option,
                                              const char* what = "replies");

std::expected<policy::AdmissionConfig, std::string> admission_config(const AdmissionFlags& flags);

}  // namespace pong::responder
