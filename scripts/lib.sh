# SPDX-License-Identifier: GPL-2.0
# Common paths and helpers for the project's scripts. Source, don't run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../base.env
. "$TOP/base.env"

# BASE=trixie works on Debian 13's 6.12 (base-trixie.env) in build/trixie.
BASE=${BASE:-bookworm}
case "$BASE" in
bookworm) BUILD=${BUILD:-$TOP/build} ;;
trixie)
	BUILD=${BUILD:-$TOP/build/trixie}
	# shellcheck source=../base-trixie.env
	. "$TOP/base-trixie.env"
	;;
*)
	echo "error: unknown BASE '$BASE' (bookworm or trixie)" >&2
	exit 1
	;;
esac
export BASE
TREE=${TREE:-$BUILD/linux}
PATCHES=$TOP/patches
SERIES=$PATCHES/series
CONFIGS=$TOP/config
BENCH_BIN=$BUILD/bench/zcrx-bench

export GIT_AUTHOR_NAME="$PROJECT_NAME" GIT_AUTHOR_EMAIL="$PROJECT_EMAIL"
export GIT_COMMITTER_NAME="$PROJECT_NAME" GIT_COMMITTER_EMAIL="$PROJECT_EMAIL"

_t0=${_T0:-$(date +%s)}
export _T0=$_t0

log() {
	printf '[%4ds] %s\n' "$(($(date +%s) - _t0))" "$*" >&2
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# Kernel flavours: each has its own object directory and config fragments.
flavour_fragments() {
	case "$1" in
	normal) echo "$CONFIGS/vm.config $CONFIGS/zcrx.config $CONFIGS/drivers.config" ;;
	# the debug kernel leaves out drivers.config: CI's hour
	debug) echo "$CONFIGS/vm.config $CONFIGS/zcrx.config $CONFIGS/debug.config" ;;
	i386) echo "$CONFIGS/vm.config $CONFIGS/zcrx.config $CONFIGS/drivers.config $CONFIGS/i386.config" ;;
	*) die "unknown kernel flavour '$1' (normal, debug or i386)" ;;
	esac
}

# The i386 flavour is a build check only (32-bit arithmetic, highmem).
flavour_arch() {
	case "$1" in
	i386) echo i386 ;;
	*) echo x86_64 ;;
	esac
}

objdir() {
	echo "$BUILD/obj-$1"
}

# tools/zcrx-bench against the series' uapi headers (make selftests installs
# them) into build/bench.
build_bench_tool() {
	[ -f "$BUILD/uapi/include/linux/io_uring.h" ] ||
		die "no uapi headers in ${BUILD#$TOP/}/uapi (make selftests)"
	log "zcrx-bench: building into ${BUILD#$TOP/}/bench"
	make -s -C "$TOP/tools/zcrx-bench" KHDR="$BUILD/uapi/include" \
		OUT="$BUILD/bench" || die "zcrx-bench build failed"
}

# Patch files listed in the series, in order.
series_patches() {
	[ -f "$SERIES" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$SERIES"
}

# Run a command, printing a progress line with elapsed time every minute.
with_progress() {
	local what=$1 pid rc start
	shift
	start=$(date +%s)
	"$@" &
	pid=$!
	while ! wait_timeout "$pid" 60; do
		log "$what: still running ($(($(date +%s) - start))s)"
	done
	wait "$pid"
	rc=$?
	log "$what: done in $(($(date +%s) - start))s (exit $rc)"
	return $rc
}

wait_timeout() {
	local pid=$1 n=$2
	while [ "$n" -gt 0 ]; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 1
		n=$((n - 1))
	done
	! kill -0 "$pid" 2>/dev/null
}

# Install the Debian packages in $@ that are not installed yet (for tools
# that only some make targets need).
apt_need() {
	local p need=() sudo=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			need+=("$p")
	done
	[ ${#need[@]} -gt 0 ] || return 0
	log "installing ${need[*]}"
	[ "$(id -u)" = 0 ] || sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "${need[@]}" >/dev/null ||
		die "installing ${need[*]} failed"
}
