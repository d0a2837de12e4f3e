# shellcheck shell=bash
# scripts/lib/docker/base_image.sh - the base image debian:bookworm-slim, made
# on a machine that can pull no image: `debootstrap --variant=minbase bookworm`
# from the machine's own apt mirror, trimmed like Debian's -slim images, and
# imported into the private engine under that name. The rootfs tarball is
# cached in $PONG_DOCKER_CACHE. Sourced by engine.sh.

# pong_apt_mirror: the Debian archive URL from the machine's apt sources
# (deb822 *.sources first, then one-line *.list): the first enabled `deb`
# entry for suite $PONG_BASE_SUITE with component main. PONG_APT_MIRROR
# overrides it; PONG_APT_ETC (default /etc/apt) is where to look.
pong_apt_mirror() {
  if [[ -n "${PONG_APT_MIRROR:-}" ]]; then
    printf '%s\n' "$PONG_APT_MIRROR"
    return 0
  fi
  local suite="$PONG_BASE_SUITE" f url="" etc="${PONG_APT_ETC:-/etc/apt}"
  for f in "$etc"/sources.list.d/*.sources; do
    [[ -r "$f" ]] || continue
    url="$(awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && suites ~ ("(^| )" suite "( |$)") && comps ~ /(^| )main( |$)/ && tolower(enabled) != "no" && uris != "") {
          split(uris, u, " "); print u[1]; found = 1; exit
        }
        types = uris = suites = comps = enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "") }
      key == "types" { types = $0 } key == "uris" { uris = $0 } key == "suites" { suites = $0 }
      key == "components" { comps = $0 } key == "enabled" { enabled = $0 }
      END { if (!found) flush() }' "$f")"
    [[ -n "$url" ]] && break
  done
  if [[ -z "$url" ]]; then
    for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
      [[ -r "$f" ]] || continue
      url="$(awk -v suite="$suite" '
        $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                      if ($(i + 1) == suite) { for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i; exit } } }' "$f")"
      [[ -n "$url" ]] && break
    done
  fi
  [[ -n "$url" ]] || _pd_die "no enabled 'deb' source for $suite/main in $etc (set PONG_APT_MIRROR)" || return 1
  printf '%s\n' "${url%/}"
}

# Trims a debootstrapped tree the way Debian's -slim images are trimmed.
_pd_slimify() {
  local root="$1"
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d" "$root/etc/apt/apt.conf.d"
  cat >"$root/etc/dpkg/dpkg.cfg.d/pong-slim" <<'CFG'
# Like debian:*-slim: no documentation, manuals or translations.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
CFG
  cat >"$root/etc/apt/apt.conf.d/pong-slim" <<'CFG'
Acquire::Languages "none";
APT::AutoRemove::SuggestsImportant "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf --one-file-system "$root"/usr/share/{man,groff,info,lintian,linda,locale}/* \
    "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/log/* "$root"/tmp/* "$root"/var/tmp/* 2>/dev/null || true
  : >"$root/etc/machine-id" 2>/dev/null || true
}

# Removes what a debootstrap that was interrupted left in the cache: processes
# still working in its tree (by their root or command line), mounts, the tree.
_pd_clean_partial_rootfs() {
  local stale p i
  for stale in "$PONG_DOCKER_CACHE"/rootfs.*; do
    [[ -d "$stale" ]] || continue
    for ((i = 0; i < 3; i++)); do
      for p in /proc/[0-9]*; do
        if [[ "$(readlink "$p/root" 2>/dev/null)" == "$stale"* ||
          "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" == *"$stale"* ]]; then
          kill -KILL "${p#/proc/}" 2>/dev/null || true
        fi
      done
      sleep 0.2
    done
    _pd_unmount_below "$stale"
    rm -rf --one-file-system "$stale"
  done
  rm -f "$PONG_DOCKER_CACHE"/*.tar.part
  return 0
}

# pong_docker_base_image: makes the image $PONG_BASE_IMAGE if the engine does
# not have it. The rootfs tarball is cached, keyed by mirror, suite and arch.
pong_docker_base_image() {
  if pong_docker_cli_t 30 image inspect "$PONG_BASE_IMAGE" >/dev/null 2>&1; then
    _pd_log "base image $PONG_BASE_IMAGE already present"
    return 0
  fi
  local mirror arch key tarball
  mirror="$(pong_apt_mirror)" || return 1
  arch="$(dpkg --print-architecture)"
  key="$(printf '%s' "$mirror" | sha256sum | cut -c1-12)"
  tarball="$PONG_DOCKER_CACHE/debian-$PONG_BASE_SUITE-minbase-$arch-$key.tar"
  mkdir -p "$PONG_DOCKER_CACHE"
  _pd_clean_partial_rootfs
  if [[ ! -s "$tarball" ]]; then
    local root
    root="$(mktemp -d "$PONG_DOCKER_CACHE/rootfs.XXXXXX")"
    _pd_log "debootstrap --variant=minbase $PONG_BASE_SUITE from $mirror (a few minutes)"
    if ! pong_docker_bounded 1200 debootstrap --variant=minbase --arch="$arch" "$PONG_BASE_SUITE" "$root" "$mirror" \
      >"$PONG_DOCKER_CACHE/debootstrap.log" 2>&1; then
      tail -n 30 "$PONG_DOCKER_CACHE/debootstrap.log" >&2
      _pd_clean_partial_rootfs
      _pd_die "debootstrap failed (log: $PONG_DOCKER_CACHE/debootstrap.log)"
      return 1
    fi
    _pd_unmount_below "$root"
    _pd_slimify "$root"
    tar --numeric-owner --one-file-system -C "$root" -cf "$tarball.part" . &&
      mv "$tarball.part" "$tarball"
    rm -rf --one-file-system "$root"
    [[ -s "$tarball" ]] || _pd_die "could not write $tarball" || return 1
  fi
  _pd_log "importing $tarball as $PONG_BASE_IMAGE"
  DOCKER_HOST="unix://$PONG_DOCKER_SOCK" pong_docker_bounded 600 "$(_pd_docker_bin)" import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message "debootstrap --variant=minbase $PONG_BASE_SUITE $mirror" \
    "$tarball" "$PONG_BASE_IMAGE" >/dev/null
}
