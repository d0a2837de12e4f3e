# icmp-lab (issues 5 and 8), included by tests/CMakeLists.txt.
#
# Unit tests, one per lab module (label unit).
foreach(module hex_input link_layer checksum_steps incremental decode reply craft render)
  pong_unit_test(test_lab_${module} pong_lab)
endforeach()

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
