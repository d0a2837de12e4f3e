# Hostile traffic against pong, included by tests/CMakeLists.txt:
# malformed packets and a spoofed-source flood, put on the client's veth by
# a helper that crafts them byte by byte.

# Sends hand-made IPv4/IPv6 packets, fragments and floods through an
# AF_PACKET socket on one interface.
add_executable(inject helpers/inject.cpp)
target_link_libraries(inject PRIVATE pong_sys CLI11::CLI11)

pong_integration_test(responder_malformed responder_malformed.sh)
pong_integration_test(responder_flood responder_flood.sh)
foreach(t responder_malformed responder_flood)
  set_property(TEST ${t} APPEND PROPERTY LABELS hostile)
endforeach()
