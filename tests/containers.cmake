# The container test: a private dockerd (scripts/docker-engine), the
# debootstrap base image, docker-compose build/up, pings between icmp-client
# and icmp-server, the monitoring profile's Prometheus scraping pong, down.
# Needs root; exits 77 (skipped) without it or when another Docker engine runs.
# Run it alone with: ctest -L containers --output-on-failure
add_test(NAME containers COMMAND ${CMAKE_SOURCE_DIR}/tests/integration/containers.sh)
set_tests_properties(containers PROPERTIES
  LABELS "integration;containers"
  TIMEOUT 2400
  RUN_SERIAL TRUE
  SKIP_RETURN_CODE 77)
