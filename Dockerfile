# pong's lab image: the responder (pong), the client (pinger) and icmp-lab, plus
# iputils ping and tcpdump. One image serves both compose services, over IPv4
# and IPv6 (pong serves both; pinger -6 and ping -6 are here).
#
#   docker compose up --build        (or: docker-compose up --build)
#
# Works with the classic builder and BuildKit alike (no heredocs, no --mount).
# debian:bookworm-slim is Debian's image, or on machines that cannot pull one,
# the debootstrap image that `scripts/docker-engine base-image` imports under
# that name. (The compose file's "monitoring" profile adds a Prometheus built
# from docker/prometheus/ on the same base.)

# ---- build stage: toolchain, -dev packages, build, unit tests ----------------
FROM debian:bookworm-slim AS build

ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake make pkg-config \
      libcap-dev libseccomp-dev libspdlog-dev libfmt-dev libcli11-dev libgtest-dev \
      nlohmann-json3-dev prometheus-cpp-dev libsystemd-dev libpcap-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . /src

# Jobs for make; 2 keeps a small machine usable.
ARG PONG_BUILD_JOBS=2
# The unit tests: label "unit", but none also labelled "integration" (those are
# scripts that want tools and namespaces of the host; CI runs them there).
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON \
 && cmake --build /build -j "${PONG_BUILD_JOBS}" \
 && ctest --test-dir /build -L '^unit$' -LE '^integration$' --no-tests=error --output-on-failure -j "${PONG_BUILD_JOBS}" \
 && cmake --install /build --prefix /opt/pong --strip \
 && ls -l /opt/pong/bin

# ---- runtime stage: the binaries, their libraries, ping and tcpdump ----------
FROM debian:bookworm-slim

ARG DEBIAN_FRONTEND=noninteractive
# The libraries of the build stage's -dev packages (libsystemd0 is in the base
# already: apt needs it). prometheus-cpp and civetweb serve pong's /metrics
# (--metrics-listen); the ldd check below fails the build if one is missing.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libspdlog1.10 libfmt9 libcap2 libseccomp2 libsystemd0 libpcap0.8 \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libcivetweb1 \
      iputils-ping tcpdump \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log

COPY --from=build /opt/pong/bin/ /usr/local/bin/

# Fails the build if a binary misses a library.
RUN for b in /usr/local/bin/*; do \
      if ldd "$b" | grep -q 'not found'; then ldd "$b"; exit 1; fi; \
    done \
 && pong --version

LABEL org.opencontainers.image.title="pong" \
      org.opencontainers.image.description="User-space ICMP echo responder lab: pong, pinger, icmp-lab, ping, tcpdump"

# The server runs pong as PID 1: it handles SIGTERM and SIGINT itself.
STOPSIGNAL SIGTERM
CMD ["pong"]
