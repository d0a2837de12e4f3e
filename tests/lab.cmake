# icmp-lab, included by tests/CMakeLists.txt.
#
# Unit tests, one per lab module (label unit).
foreach(module hex_input link_layer checksum_steps incremental decode reply craft render capture
    pcap_file field_layout html_page)
  pong_unit_test(test_lab_${module} pong_lab)
endforeach()
# The capture files the tests decode (tests/data/make-captures.sh made them).
target_compile_definitions(test_lab_pcap_file PRIVATE PONG_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data")

# The command line against good and bad input: exit statuses, the one-line
# error messages, the RFC numbers, colour. Needs no namespace and no
# privilege, so it is labelled unit as well and runs in the sanitizer build.
add_test(NAME lab_cli COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/lab_cli.sh)
set_tests_properties(lab_cli PROPERTIES
  LABELS "unit;integration"
  ENVIRONMENT "PONG_BIN=${CMAKE_BINARY_DIR}/bin"
  TIMEOUT 300)

# In namespaces the tests create: craft --send against pong, and every
# command of LAB.md.
pong_integration_test(lab_send lab_send.sh)
pong_integration_test(lab_handout lab_handout.sh)

# The HTML page in a real browser (headless Chromium): every field of a
# known packet, and a screenshot that is not blank.
include(${CMAKE_CURRENT_SOURCE_DIR}/lab_html.cmake)
