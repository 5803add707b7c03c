#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build installable Debian packages (linux-image, linux-headers) of the
# patched kernel with the kernel's bindeb-pkg, into $BUILD/deb.
#
# The configuration (DEB_CONFIG):
#   unset     the project's VM configuration with module support and the
#             zcrx-capable drivers as modules (what this repository tests;
#             it boots the project's VM, not a general machine)
#   FILE      a kernel config, e.g. /boot/config-$(uname -r) on the machine
#             that will run the kernel
#   debian    Debian's own config, from the linux-config-6.12 package
# The series' options are switched on in every case; with a distribution
# config, debug info is switched off (BTF alone would take hours here) and
# Debian's signing certificates are dropped (they are not in the source).
# LOCALMODCONFIG=1 trims the config to the modules loaded right now.
#
# The packages are named after the release "<version>-zcrx" (LOCALVERSION),
# so they never replace Debian's own kernel packages.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

obj=$BUILD/obj-deb
out=$BUILD/deb
localversion=${LOCALVERSION:--zcrx}
[ -f "$TREE/Makefile" ] || die "no work tree at $TREE (make tree)"
mkdir -p "$obj" "$out"

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_BASEDIR=$TREE
MAKE=(make -s -C "$TREE" O="$obj" CC="ccache gcc" HOSTCC="ccache gcc"
      LOCALVERSION="$localversion" -j"$(($(nproc) + 1))")
cfg() { "$TREE/scripts/config" --file "$obj/.config" "$@"; }

# bindeb-pkg runs dpkg-buildpackage with debhelper.
apt_need debhelper dpkg-dev

# Debian's config for this architecture from linux-config-6.12.
debian_config() {
	local f=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
	[ -f "$f" ] || apt_need linux-config-6.12
	xz -dc "$f"
}

case "${DEB_CONFIG:-}" in
"")
	read -r -a frags <<<"$(flavour_fragments normal)"
	cat "${frags[@]}" "$CONFIGS/deb.config" >"$obj/fragments.config"
	KCONFIG_ALLCONFIG="$obj/fragments.config" "${MAKE[@]}" allnoconfig >/dev/null
	what="the project's VM config with modules"
	;;
*)
	if [ "$DEB_CONFIG" = debian ]; then
		debian_config >"$obj/.config"
		what="Debian's linux-config-6.12"
	else
		[ -f "$DEB_CONFIG" ] || die "DEB_CONFIG: no file $DEB_CONFIG"
		cp "$DEB_CONFIG" "$obj/.config"
		what=$DEB_CONFIG
	fi
	cfg -e IO_URING -e NET -e INET -e PCI -e PCI_MSI \
	    -e NET_VENDOR_BROADCOM -m BNXT -e NET_VENDOR_GOOGLE -m GVE \
	    -e NET_VENDOR_INTEL -m E1000E \
	    -d LOCALVERSION_AUTO -d DEBUG_INFO_BTF -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	    -d DEBUG_INFO_DWARF4 -d DEBUG_INFO_DWARF5 -e DEBUG_INFO_NONE \
	    --set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	    --set-str BUILD_SALT ""
	"${MAKE[@]}" olddefconfig
	if [ "${LOCALMODCONFIG:-0}" = 1 ]; then
		yes '' | "${MAKE[@]}" localmodconfig >/dev/null
		cfg -m BNXT -m GVE -m E1000E
		"${MAKE[@]}" olddefconfig
	fi
	;;
esac
grep -q '^CONFIG_IO_URING_ZCRX=y' "$obj/.config" ||
	die "deb: the configuration lacks CONFIG_IO_URING_ZCRX (needs IO_URING, PAGE_POOL, INET)"

log "deb: building packages from $what"
start=$(date +%s)
rm -f "$BUILD"/linux-*.deb "$BUILD"/linux-upstream_* "$obj"/../linux-*.buildinfo
KBUILD_BUILD_USER=zcrx KBUILD_BUILD_HOST=build \
	with_progress "deb: bindeb-pkg" "${MAKE[@]}" bindeb-pkg ||
	die "deb: the package build failed"
rm -f "$out"/*.deb
mv "$BUILD"/linux-image-*.deb "$BUILD"/linux-headers-*.deb "$out/"
rm -f "$BUILD"/linux-libc-dev_*.deb "$BUILD"/linux-upstream_* "$BUILD"/*.buildinfo "$BUILD"/*.changes
log "deb: done in $(($(date +%s) - start)) s:"
ls -1 "$out"/*.deb >&2
