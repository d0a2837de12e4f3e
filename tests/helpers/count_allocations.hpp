// Counting heap allocations, for the tests that prove a path allocates
// nothing: linking count_allocations.cpp replaces the global operator new
// and delete of the test program with ones that count, on the thread that
// asked, while a body runs.
#pragma once

#include <cstddef>

namespace pong::test {

// The counting part, without the template: count_allocations.cpp.
void start_counting_allocations();
std::size_t stop_counting_allocations();

// How many times operator new ran on this thread while `body` ran.
template <class Body>
std::size_t allocations_during(Body body) {
  start_counting_allocations();
  body();
  return stop_counting_allocations();
}

}  // namespace pong::test
