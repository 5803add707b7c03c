#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build a kernel flavour of the work tree out of tree, with
# ccache: build/obj-<flavour>/arch/x86/boot/bzImage.
#
# Usage: build.sh normal|debug|i386 [--no-check]
#   --no-check  do not insist that every fragment symbol came out as asked
#               (bisect builds of early patches lack later symbols)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:?usage: build.sh normal|debug|i386 [--no-check]}
check=1
[ "${2:-}" = --no-check ] && check=0
obj=$(objdir "$flavour")
read -r -a frags <<<"$(flavour_fragments "$flavour")"

[ -f "$TREE/Makefile" ] || die "no work tree at $TREE (make tree)"
mkdir -p "$obj"

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_BASEDIR=$TREE
export KBUILD_BUILD_USER=zcrx KBUILD_BUILD_HOST=vm
export KBUILD_BUILD_TIMESTAMP="$(git -C "$TREE" log -1 --format=%cd base)"
MAKE=(make -s -C "$TREE" O="$obj" ARCH="$(flavour_arch "$flavour")" CC="ccache gcc" HOSTCC="ccache gcc")
jobs=$(($(nproc) + 1))

# Configure into a scratch file and only replace .config when it changed,
# so an unchanged configuration does not trigger a rebuild.
cat "${frags[@]}" >"$obj/fragments.config"
KCONFIG_ALLCONFIG="$obj/fragments.config" KCONFIG_CONFIG=.config.new \
	"${MAKE[@]}" allnoconfig >/dev/null
if ! cmp -s "$obj/.config.new" "$obj/.config"; then
	mv "$obj/.config.new" "$obj/.config"
	log "$flavour: configuration updated"
else
	rm -f "$obj/.config.new"
fi

# Each symbol as the last fragment that mentions it sets it.
merged_fragments() {
	grep -hE '^CONFIG_[A-Za-z0-9_]+=|^# CONFIG_[A-Za-z0-9_]+ is not set' "$@" |
		awk '/^CONFIG_/ { k = $0; sub(/=.*/, "", k) }
		     /^# CONFIG_/ { k = $2 }
		     { if (!(k in v)) ord[++n] = k; v[k] = $0 }
		     END { for (i = 1; i <= n; i++) print v[ord[i]] }'
}

if [ "$check" = 1 ]; then
	bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$obj/.config" && continue
			got=$(grep -E "^(# )?${line%%=*}[= ]" "$obj/.config" || echo "${line%%=*} absent")
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -qE "^$sym=[ym]" "$obj/.config" || continue
			got=$(grep -E "^$sym=" "$obj/.config")
			;;
		*) continue ;;
		esac
		echo "  asked for '$line', got '$got'" >&2
		bad=1
	done < <(merged_fragments "${frags[@]}")
	[ "$bad" = 0 ] || die "$flavour: the configuration lacks symbols the fragments ask for (see above): a missing dependency, or a symbol without a prompt that nothing selects"
fi

log "$flavour: building bzImage in ${obj#$TOP/} (-j$jobs)"
with_progress "$flavour kernel build" "${MAKE[@]}" -j"$jobs" bzImage
