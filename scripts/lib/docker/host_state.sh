# shellcheck shell=bash
# scripts/lib/docker/host_state.sh - what the private Docker engine changes on
# the host, and how it is put back: sysctls and the iptables FORWARD policy
# (saved before the engine starts, restored after it stops), the DOCKER*
# iptables chains and the rules that name our bridges, the bridges themselves,
# the mounts below the engine's directories and its containers' cgroups.
# Sourced by engine.sh, which defines the paths used here.

PONG_DOCKER_STATE="$PONG_DOCKER_RUN/host-state"
# Bridges our engine may create: docker-compose.yml names its networks'
# bridges pong-lab0 and pong-mon0; br-<12 hex> only if someone makes a network
# by hand.
PONG_DOCKER_BRIDGE_RE='^(pong-[a-z0-9-]+|br-[0-9a-f]{12})$'

# --- sysctls and the FORWARD policy ------------------------------------------------------

# Saves what dockerd may change, once: a run killed half way must not make the
# next run think that dockerd's values were the host's.
_pd_save_host_state() {
  [[ -s "$PONG_DOCKER_STATE" ]] && return 0
  mkdir -p "$PONG_DOCKER_RUN"
  local f tmp="$PONG_DOCKER_STATE.tmp"
  : >"$tmp"
  for f in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding /proc/sys/net/ipv6/conf/default/forwarding \
    /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables; do
    [[ -r "$f" ]] && printf 'sysctl %s %s\n' "$f" "$(cat "$f")" >>"$tmp"
  done
  local policy
  policy="$(iptables -w 5 -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3; exit }')"
  [[ -n "$policy" ]] && printf 'forward-policy %s\n' "$policy" >>"$tmp"
  _pd_iptables_digest >"$PONG_DOCKER_RUN/iptables.before"
  mv "$tmp" "$PONG_DOCKER_STATE"
}

# Puts back what _pd_save_host_state saved, and warns if iptables still
# differs from what it was before the engine started.
_pd_restore_host_state() {
  [[ -r "$PONG_DOCKER_STATE" ]] || return 0
  local kind a b
  while read -r kind a b; do
    case "$kind" in
      sysctl)
        if [[ -w "$a" && "$(cat "$a" 2>/dev/null)" != "$b" ]]; then
          _pd_log "restoring ${a#/proc/sys/} = $b"
          echo "$b" >"$a" || _pd_log "warning: could not restore $a"
        fi
        ;;
      forward-policy)
        iptables -w 5 -P FORWARD "$a" 2>/dev/null || true
        ;;
    esac
  done <"$PONG_DOCKER_STATE"
  if [[ -r "$PONG_DOCKER_RUN/iptables.before" ]]; then
    _pd_iptables_digest >"$PONG_DOCKER_RUN/iptables.after"
    if ! diff -q "$PONG_DOCKER_RUN/iptables.before" "$PONG_DOCKER_RUN/iptables.after" >/dev/null; then
      _pd_log "warning: iptables rules differ from before the engine started:"
      diff "$PONG_DOCKER_RUN/iptables.before" "$PONG_DOCKER_RUN/iptables.after" >&2 || true
    fi
  fi
  rm -f "$PONG_DOCKER_STATE"
}

# --- iptables --------------------------------------------------------------------------

# iptables' rules and chains, one per line with its table; a built-in chain with
# policy ACCEPT and no rules counts as absent (iptables-nft cannot delete a table).
_pd_iptables_digest() {
  command -v iptables-save >/dev/null 2>&1 || return 0
  iptables-save 2>/dev/null | awk '
    /^\*/ { t = substr($0, 2); next }
    /^:/ { if ($2 == "ACCEPT" && $1 ~ /^:(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)$/) next; print t, $1, $2; next }
    /^-/ { print t, $0 }'
}

# Removes dockerd's rules and chains from the filter and nat tables: rules that
# jump to a DOCKER* chain or name one of our bridges, then the chains.
_pd_clean_iptables() {
  command -v iptables >/dev/null 2>&1 || return 0
  local table rule chain bridges
  bridges="$(_pd_bridges | paste -sd'|' -)"
  for table in filter nat; do
    iptables -w 5 -t "$table" -S >/dev/null 2>&1 || continue
    while read -r rule; do
      # the rule is iptables' own words, split on purpose
      eval "iptables -w 5 -t $table -D ${rule#-A }" 2>/dev/null || true
    done < <(iptables -w 5 -t "$table" -S | grep -E '^-A ' | grep -vE '^-A DOCKER' |
      grep -E -- "-j DOCKER|-g DOCKER|[io] (pong-[a-z0-9-]+|br-[0-9a-f]{12})( |$)${bridges:+|[io] ($bridges)( |$)}" || true)
    while read -r chain; do
      iptables -w 5 -t "$table" -F "$chain" 2>/dev/null || true
    done < <(iptables -w 5 -t "$table" -S | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }')
    while read -r chain; do
      iptables -w 5 -t "$table" -X "$chain" 2>/dev/null || _pd_log "warning: could not delete iptables chain $table/$chain"
    done < <(iptables -w 5 -t "$table" -S | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }')
  done
  return 0
}

# --- bridges -----------------------------------------------------------------------------

# Our bridges that exist now, one per line.
_pd_bridges() {
  ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | { grep -E "$PONG_DOCKER_BRIDGE_RE" || true; }
}

_pd_clean_links() {
  local link
  while read -r link; do
    [[ -z "$link" ]] && continue
    _pd_log "deleting bridge $link"
    ip link delete "$link" 2>/dev/null || true
  done < <(ip -o link show type bridge 2>/dev/null | awk -F': ' '{ print $2 }' | grep -E "$PONG_DOCKER_BRIDGE_RE" || true)
  return 0
}

# --- mounts ------------------------------------------------------------------------------

# Unmounts everything below the given directories, deepest first.
_pd_unmount_below() {
  local dir m
  for dir in "$@"; do
    [[ -d "$dir" ]] || continue
    dir="$(readlink -f "$dir")"
    while read -r m; do
      [[ -z "$m" ]] && continue
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || _pd_log "warning: could not unmount $m"
    done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  done
  return 0
}

# --- cgroups -----------------------------------------------------------------------------

# pong_docker_cgroup_dirs: every cgroup directory named $PONG_DOCKER_CGROUP,
# in v1 and v2 hierarchies, one per line.
pong_docker_cgroup_dirs() {
  local d
  for d in /sys/fs/cgroup/"$PONG_DOCKER_CGROUP" /sys/fs/cgroup/*/"$PONG_DOCKER_CGROUP"; do
    [[ -d "$d" ]] && printf '%s\n' "$d"
  done
  return 0
}

# Kills whatever still runs in our containers' cgroups and removes the cgroups.
_pd_clean_cgroups() {
  local d pids pid i
  for ((i = 0; i < 20; i++)); do
    pids="$(pong_docker_cgroup_dirs | while read -r d; do find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -un)"
    [[ -z "$pids" ]] && break
    ((i == 0)) && _pd_log "killing leftover container processes: $(echo "$pids" | tr '\n' ' ')"
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 0.2
  done
  pong_docker_cgroup_dirs | while read -r d; do
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  return 0
}

# --- what is left ------------------------------------------------------------------------

# pong_docker_leftovers: with the engine stopped, prints one line for each
# kind of thing it left on the host (processes, bridges, iptables rules or
# chains, mounts, cgroups) and returns 1; returns 0 when nothing is left.
# The forwarding sysctls are the caller's to compare: only it knows their
# values from before.
pong_docker_leftovers() {
  local bad=() pids links rules
  pids="$(pong_docker_pids_with "$PONG_DOCKER_RUN" | paste -sd' ' -)"
  [[ -z "$pids" ]] || bad+=("processes: $pids")
  links="$(_pd_bridges | paste -sd' ' -)"
  [[ -z "$links" ]] || bad+=("bridges: $links")
  # (each listing is read whole before it is searched: `cmd | grep -q` could
  # fail under pipefail when grep quits early)
  rules="$(iptables-save 2>/dev/null || true)"
  rules="$(grep -cE 'DOCKER|pong-lab|pong-mon' <<<"$rules" || true)"
  ((rules == 0)) || bad+=("iptables: $rules lines mention DOCKER, pong-lab or pong-mon")
  if awk -v r="$PONG_DOCKER_RUN" -v d="$PONG_DOCKER_DATA" '
    $5 == r || $5 == d || index($5, r "/") == 1 || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    bad+=("mounts under $PONG_DOCKER_RUN or $PONG_DOCKER_DATA")
  fi
  [[ -z "$(pong_docker_cgroup_dirs)" ]] || bad+=("cgroups: $(pong_docker_cgroup_dirs | paste -sd' ' -)")
  if ((${#bad[@]})); then
    printf 'leftover: %s\n' "${bad[@]}"
    return 1
  fi
  echo "nothing left on the host: no process, bridge, iptables rule, mount or cgroup of the engine"
}
