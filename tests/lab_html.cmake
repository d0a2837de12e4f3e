# icmp-lab decode --html in a real browser, included by tests/lab.cmake.
#
# The program writes the page of a pasted request and of a paste of pairs;
# headless Chromium runs its script; the DOM must hold every field of the
# known packet with its value, the pair's incremental update and changed
# word, the bad checksum's red sentence, and nothing from outside the page;
# a screenshot must not be blank. Last, a ping to pong captured with
# tcpdump -w in namespaces of its own, decoded to a page from the file.
# Exits 77 (skipped) when chromium is not installed and cannot be
# (apt-get), or python3 is missing. Needs no network.
add_test(NAME lab_html_browser COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/lab_html_browser.sh)
set_tests_properties(lab_html_browser PROPERTIES
  LABELS integration
  ENVIRONMENT "PONG_BIN=${CMAKE_BINARY_DIR}/bin"
  TIMEOUT 300
  RUN_SERIAL TRUE
  SKIP_RETURN_CODE 77)
