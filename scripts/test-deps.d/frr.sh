#!/usr/bin/env bash
# The FRR oracle (internal/oracle) needs FRR's daemons and vtysh, iproute2
# (ip netns, veth, macvlan) and sysctl, and runs as root. Idempotent: installs
# only what is missing, with apt-get.
set -euo pipefail

need=()
[ -x /usr/lib/frr/bgpd ] && [ -x /usr/lib/frr/zebra ] && [ -x /usr/lib/frr/staticd ] && [ -x /usr/lib/frr/bfdd ] \
  && command -v vtysh >/dev/null 2>&1 || need+=(frr)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v sysctl >/dev/null 2>&1 || need+=(procps)

bash "$(dirname "$0")/../apt-install.sh" "${need[@]}"

# Debian's package starts FRR as a service where systemd runs; the oracle
# starts its own instances in network namespaces and needs none of it.
if [ ! -x /usr/lib/frr/bgpd ]; then
  echo "frr.sh: /usr/lib/frr/bgpd is still missing after installing frr" >&2
  exit 1
fi
