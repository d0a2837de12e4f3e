#include "test_fault.hpp"

#include <sys/socket.h>

#include <csignal>
#include <cstdlib>
#include <string_view>

#include <spdlog/spdlog.h>

namespace pong::responder {
namespace {

volatile int* volatile g_null = nullptr;

void segv(int /*signal*/) {
  *g_null = 1;
}

void forbidden_syscall(int /*signal*/) {
  (void)::socket(AF_INET, SOCK_STREAM, 0);
}

}  // namespace

void arm_test_fault_from_environment() {
  const char* value = std::getenv("PONG_TEST_FAULT");
  if (value == nullptr) return;
  const std::string_view fault = value;
  void (*handler)(int) = fault == "segv"                ? segv
                         : fault == "forbidden-syscall" ? forbidden_syscall
                                                        : nullptr;
  if (handler == nullptr) {
    spdlog::warn("PONG_TEST_FAULT={}: not a fault this build knows (segv, forbidden-syscall)",
                 fault);
    return;
  }
  std::signal(SIGUSR2, handler);
  spdlog::warn("test hook armed: SIGUSR2 makes this process fail ({})", fault);
}

}  // namespace pong::responder
