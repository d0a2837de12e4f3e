# shellcheck shell=bash
# shellcheck disable=SC2034  # the package lists are read by the scripts that source this
# ensure_packages PKG...: installs the Debian packages that are missing,
# with one apt-get update at most, and says what it installs.

ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "error: these packages are missing and installing them needs root: ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building pong needs, and what its tests and demo run (used by the
# scripts that source this file).

PONG_BUILD_PACKAGES=(g++ make cmake pkg-config libcap-dev libseccomp-dev libspdlog-dev libfmt-dev libgtest-dev
  libcli11-dev nlohmann-json3-dev prometheus-cpp-dev libsystemd-dev libpcap-dev)
PONG_RUNTIME_PACKAGES=(iproute2 iputils-ping procps util-linux)
PONG_TEST_PACKAGES=(fping tcpdump python3 systemd curl jq prometheus)

# build_pong BUILD_DIR [cmake options...]: configure (once) and build.
build_pong() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -DPONG_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

# Running as root is needed for namespaces and raw sockets.
require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: $(basename "$0") creates network namespaces and raw sockets: run it as root (sudo $0)" >&2
    exit 2
  fi
}
