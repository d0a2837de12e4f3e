# pinger, the ping client: unit tests of its pure parts, the broken
# responder the integration tests need, and the namespaced integration tests.
# Included from tests/CMakeLists.txt.

pong_unit_test(test_ping_statistics pong_client)
pong_unit_test(test_rtt_histogram pong_client)
pong_counts_allocations(test_rtt_histogram)
pong_unit_test(test_reply_match pong_client)
pong_unit_test(test_pinger_report pong_client)
pong_unit_test(test_pinger_payload pong_client)

# Answers echo like pong, over IPv4 or (-6) IPv6, but damages each reply:
# flips a data byte (with or without fixing the checksum) and can answer
# from another address.
add_executable(flip_responder helpers/flip_responder.cpp)
target_link_libraries(flip_responder PRIVATE pong_responder pong_sys CLI11::CLI11)

pong_integration_test(pinger_replies pinger_replies.sh)
pong_integration_test(pinger_kernel pinger_kernel.sh)
pong_integration_test(pinger_errors pinger_errors.sh)
pong_integration_test(pinger_broken_replies pinger_broken_replies.sh)
pong_integration_test(pinger_ipv6 pinger_ipv6.sh)
# The integration tests run pinger, pong and flip_responder from PONG_BIN.
foreach(t pinger_replies pinger_kernel pinger_errors pinger_broken_replies pinger_ipv6)
  set_property(TEST ${t} APPEND PROPERTY LABELS pinger)
endforeach()
