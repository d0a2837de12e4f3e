# Tests of pong-bench, the load generator: unit tests of its pure core, a
# smoke test in namespaces, and scripts/bench --quick run whole. Included
# from tests/CMakeLists.txt.

pong_unit_test(test_bench pong_bench_core)

pong_integration_test(bench_smoke bench_smoke.sh)
set_property(TEST bench_smoke APPEND PROPERTY LABELS bench)

# scripts/bench --quick itself, as a new user runs it (about a minute).
pong_integration_test(bench_quick bench_quick.sh)
set_property(TEST bench_quick APPEND PROPERTY LABELS bench)
