#!/usr/bin/env bash
# The rehearsal's real-IPsec test (lab/ipsec_test.go) runs Debian's
# strongSwan in network namespaces: charon with the kernel-libipsec plugin
# (ESP in user space over /dev/net/tun, since the test machines' kernel has
# no ESP transform), swanctl, and the openssl plugin for the ECP groups JD
# Cloud offers. Idempotent: installs only what is missing, with apt-get.
set -euo pipefail

need=()
[ -x /usr/lib/ipsec/charon ] || need+=(strongswan-charon)
[ -x /usr/sbin/swanctl ] || need+=(strongswan-swanctl)
[ -f /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] || need+=(libcharon-extra-plugins)
[ -f /usr/lib/ipsec/plugins/libstrongswan-openssl.so ] || need+=(libstrongswan-standard-plugins)

bash "$(dirname "$0")/../apt-install.sh" "${need[@]}"

# Debian's package may start a system-wide charon where systemd runs; the
# lab starts its own in network namespaces and needs none of it.
if [ ! -x /usr/lib/ipsec/charon ]; then
  echo "strongswan.sh: /usr/lib/ipsec/charon is still missing after installing strongSwan" >&2
  exit 1
fi
