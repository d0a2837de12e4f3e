// Reading and writing sysctls through /proc/sys, and a guard that puts a
// value back. /proc/sys/net shows the caller's network namespace.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pong::sys {

// "net.ipv4.icmp_echo_ignore_all" -> "/proc/sys/net/ipv4/icmp_echo_ignore_all"
std::string sysctl_path(std::string_view name);

// The value without its trailing newline.
std::expected<std::string, std::string> read_sysctl(std::string_view name);
std::expected<void, std::string> write_sysctl(std::string_view name, std::string_view value);

// A sysctl holding one integer, read without allocating (stack buffers and
// three syscalls), for a loop that reads it again while it serves. Empty if
// it cannot be read or does not start with an integer.
std::optional<long> read_sysctl_integer(std::string_view name);

// Sets a sysctl and restores the value it found when destroyed, unless the
// value was already what was asked for (then nothing is written at all).
class ScopedSysctl {
 public:
  static std::expected<ScopedSysctl, std::string> set(std::string_view name,
                                                      std::string_view value);

  ScopedSysctl(ScopedSysctl&& other) noexcept;
  ScopedSysctl& operator=(ScopedSysctl&&) = delete;
  ScopedSysctl(const ScopedSysctl&) = delete;
  ScopedSysctl& operator=(const ScopedSysctl&) = delete;
  ~ScopedSysctl();

  const std::string& name() const { return name_; }
  // The value found before set(); empty optional when nothing was changed.
  const std::optional<std::string>& original() const { return original_; }
  // Puts the original value back now; returns the error, if any.
  std::expected<void, std::string> restore();
  // Forgets the original value: nothing is restored.
  void dismiss() { original_.reset(); }

 private:
  ScopedSysctl(std::string name, std::optional<std::string> original)
      : name_(std::move(name)), original_(std::move(original)) {}

  std::string name_;
  std::optional<std::string> original_;
};

}  // namespace pong::sys
