#include "count_allocations.hpp"

#include <cstdlib>
#include <new>

namespace {

// Only the thread that asked counts: the others (a log writer, gtest's
// own) may allocate as they like.
thread_local bool t_counting = false;
thread_local std::size_t t_allocations = 0;

void* counted_allocation(std::size_t size) {
  if (t_counting) ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t size) {
  return counted_allocation(size);
}
void* operator new[](std::size_t size) {
  return counted_allocation(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace pong::test {

void start_counting_allocations() {
  t_allocations = 0;
  t_counting = true;
}

std::size_t stop_counting_allocations() {
  t_counting = false;
  return t_allocations;
}

}  // namespace pong::test
