// A test-only hook. Off unless PONG_TEST_FAULT is in pong's environment;
// then SIGUSR2 makes the serving process fail the way the variable names:
//   segv               a SIGSEGV (a write through a null pointer)
//   forbidden-syscall  socket(2), which the seccomp filter forbids
// The integration tests use it to check that the monitor gives the kernel
// its echo back however the serving process ends.
#pragma once

namespace pong::responder {

// Installs the SIGUSR2 handler when PONG_TEST_FAULT names a fault; logs a
// warning that it did. Does nothing otherwise.
void arm_test_fault_from_environment();

}  // namespace pong::responder
