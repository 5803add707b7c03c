#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Netdev-CI-style checks of the series, patch by patch, the way NIPA checks
# a posted series: for every patch
#   checkpatch   checkpatch.pl --strict (the options of checkpatch.sh)
#   x86_64       W=1 build of the C files it touches (normal config)
#   i386         the same on the 32-bit config
#   clang        the same with clang (x86_64)
#   sparse       C=2 (sparse on those files), x86_64
#   kernel-doc   scripts/kernel-doc -none on the C files and headers
#   maintainers  every file it adds is covered by a MAINTAINERS entry
# A finding counts only if it is new: warnings of a file are compared with
# the same file's warnings before the patch (line numbers ignored), so
# warnings the base already has don't count. Header changes are built
# through the C files of the same patch; make bisect builds every patch in
# full.
#
# Runs in its own worktree ($BUILD/nipa/linux) and object directories, so
# the work tree is left alone. Needs clang and sparse (installed with apt
# on first use). The first run does a full x86_64 and i386 build in
# $BUILD/nipa (mostly ccache hits after make kernel and make i386).
#
# Usage: nipa.sh [--final] [FIRST [LAST]]
#   FIRST, LAST  patch numbers (1-based) to check; default all
#   --final      what CI runs: the series as one change from base to HEAD
#                in the work tree: W=1 x86_64 on the normal kernel's
#                objects (warnings on lines the series wrote), kernel-doc
#                and maintainers; test.sh runs checkpatch per patch
set -euo pipefail
. "$(dirname "$0")/lib.sh"

final=0
[ "${1:-}" = --final ] && { final=1; shift; }

git_t() { git -C "$TREE" "$@"; }
git_t rev-parse -q --verify refs/tags/base >/dev/null ||
	die "no work tree at $TREE (make tree)"

NIPA=$BUILD/nipa
WT=$NIPA/linux
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_BASEDIR=$WT
export KBUILD_BUILD_USER=zcrx KBUILD_BUILD_HOST=vm
# checkpatch's spdxcheck.py needs Debian's python3-ply and python3-git.
export PATH=/usr/bin:$PATH
jobs=$(($(nproc) + 1))

checks=(checkpatch x86_64 i386 clang sparse kernel-doc maintainers)
[ "$final" = 1 ] || apt_need clang sparse

# A detached worktree of the work tree at REV.
wt_checkout() {
	if [ ! -e "$WT/.git" ]; then
		rm -rf "$WT"
		git_t worktree prune
		git_t worktree add -q --detach "$WT" "$1"
	else
		git -C "$WT" checkout -q --detach "$1"
	fi
}

# Configure and build the object directory of a build kind once (a full
# build, so that it is known which files the config builds; ccache makes
# it quick after make kernel). Kinds: x86_64, i386, clang (prepared only,
# single objects built), and sparse (x86_64's objects with C=2).
kind_obj() {
	case $1 in
	sparse) echo "$NIPA/obj-x86_64" ;;
	*) echo "$NIPA/obj-$1" ;;
	esac
}
kind_make() {
	local kind=$1 arch=x86_64 cc="ccache gcc"
	shift
	case $kind in
	i386) arch=i386 ;;
	clang) cc="ccache clang" ;;
	esac
	make -s -C "$WT" O="$(kind_obj "$kind")" ARCH=$arch CC="$cc" \
		HOSTCC="ccache gcc" -j"$jobs" "$@"
}
kind_config() {
	local kind=$1 obj flav=normal
	obj=$(kind_obj "$kind")
	[ -f "$obj/first-build.log" ] && return 0
	[ "$kind" = i386 ] && flav=i386
	mkdir -p "$obj"
	local frags
	read -r -a frags <<<"$(flavour_fragments "$flav")"
	cat "${frags[@]}" >"$obj/fragments.config"
	KCONFIG_ALLCONFIG="$obj/fragments.config" kind_make "$kind" allnoconfig >/dev/null
	# clang builds only single objects: which ones the config builds is
	# known from the x86_64 kind, which has the same config
	if [ "$kind" = clang ]; then
		kind_config x86_64
		log "nipa: $kind: preparing ${obj#$TOP/}"
		kind_make "$kind" prepare >"$obj/first-build.log" 2>&1 ||
			die "nipa: $kind: make prepare failed (${obj#$TOP/}/first-build.log)"
		return 0
	fi
	log "nipa: $kind: first build in ${obj#$TOP/}"
	kind_make "$kind" >"$obj/first-build.log" 2>&1 ||
		die "nipa: $kind: the first build failed (${obj#$TOP/}/first-build.log)"
}

# Objects of the C files in $@ that the kind's config builds: a file whose
# directory's Makefile does not build it under this config is skipped.
built_objs() {
	local kind=$1 f o ref
	shift
	ref=$(kind_obj "$kind")
	[ "$kind" = clang ] && ref=$(kind_obj x86_64)
	for f in "$@"; do
		o=${f%.c}.o
		# Built before, or new in a directory that is built.
		if [ -f "$ref/$o" ] || [ -f "$ref/$(dirname "$o")/built-in.a" ] ||
		   [ -f "$ref/$(dirname "$o")/modules.order" ]; then
			echo "$o"
		fi
	done
}

# Warnings (and errors) of building objects $2..., normalised: path and
# message without line and column numbers, sorted.
build_warnings() {
	local kind=$1 o out
	shift
	[ $# -gt 0 ] || return 0
	out=$(mktemp)
	for o in "$@"; do
		rm -f "$(kind_obj "$kind")/$o"
	done
	local extra=(W=1)
	[ "$kind" = sparse ] && extra+=(C=2)
	kind_make "$kind" "${extra[@]}" "$@" >"$out" 2>&1 || echo "BUILD FAILED: $*" >>"$out"
	grep -E ': (warning|error): |BUILD FAILED' "$out" |
		sed -E -e "s|^($WT\|\.\./linux)/||" -e 's|:[0-9]+:[0-9]+:|:|' \
			-e 's|:[0-9]+:|:|' | sort |
		# a header's warning once, however many objects include it
		awk '/^[^:]*\.h:/ { if (seen[$0]++) next } { print }' || true
	rm -f "$out"
}

# For warnings (stdin) in headers under include/, the object of one C file
# of the worktree that includes the header and that the kind's config
# builds.
header_users() {
	local ref h o
	ref=$(kind_obj "$1")
	[ "$1" = clang ] && ref=$(kind_obj x86_64)
	sed -n -E 's|^include/([^:]+\.h):.*|\1|p' | sort -u | while read -r h; do
		git -C "$WT" grep -l -F "#include <$h>" -- '*.c' | while read -r o; do
			o=${o%.c}.o
			[ -f "$ref/$o" ] && { echo "$o"; break; }
		done
	done
}

# kernel-doc warnings of files $2... in tree $1, without line numbers.
kdoc_warnings() {
	local dir=$1 f
	shift
	for f in "$@"; do
		[ -f "$dir/$f" ] || continue
		(cd "$dir" && ./scripts/kernel-doc -none "$f" 2>&1) || true
	done | sed -E -e 's|:[0-9]+:|:|' | sort
}

# Lines in $2 that $1 does not have (both sorted), as a count and the lines.
new_lines() {
	comm -13 <(printf '%s\n' "$1" | sed '/^$/d') <(printf '%s\n' "$2" | sed '/^$/d')
}

# Check the change from $1 to $2; prints one result per check, fails if
# anything is new.
check_change() {
	local from=$1 to=$2 label=$3 bad=0 kind res
	local files cfiles docfiles objs before after new
	mapfile -t files < <(git_t diff --name-only --diff-filter=d "$from" "$to" |
		grep -v -E '^(tools|Documentation)/' || true)
	mapfile -t cfiles < <(printf '%s\n' "${files[@]}" | grep -E '\.c$' || true)
	mapfile -t docfiles < <(printf '%s\n' "${files[@]}" | grep -E '\.[ch]$' || true)
	res=()
	for kind in "${checks[@]}"; do
		new=""
		case $kind in
		checkpatch)
			new=$(git_t format-patch -1 --stdout "$to" |
				(cd "$WT" && ./scripts/checkpatch.pl --strict --quiet \
					--no-summary --show-types \
					--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID -) 2>&1 || true)
			;;
		x86_64 | i386 | clang | sparse)
			kind_config "$kind"
			wt_checkout "$to"
			mapfile -t objs < <(built_objs "$kind" "${cfiles[@]}")
			after=$(build_warnings "$kind" "${objs[@]}")
			if [ -n "$after" ]; then
				# Only the objects that warn are built before the change,
				# and for a warning in a header, one object that
				# includes it (a new C file brings its headers' old
				# warnings along).
				wt_checkout "$from"
				mapfile -t objs < <({ printf '%s\n' "$after" |
					sed -n -E 's|^([^:]+)\.[ch]:.*|\1.o|p'
					printf '%s\n' "$after" | header_users "$kind"; } |
					sort -u |
					while read -r o; do [ -f "$WT/${o%.o}.c" ] && echo "$o"; done)
				before=$(build_warnings "$kind" "${objs[@]}")
				new=$(new_lines "$before" "$after")
				wt_checkout "$to"
			fi
			;;
		kernel-doc)
			wt_checkout "$from"
			before=$(kdoc_warnings "$WT" "${docfiles[@]}")
			wt_checkout "$to"
			after=$(kdoc_warnings "$WT" "${docfiles[@]}")
			new=$(new_lines "$before" "$after")
			;;
		maintainers)
			local f
			new=$(git_t diff --name-only --diff-filter=A "$from" "$to" | while read -r f; do
				(cd "$WT" && ./scripts/get_maintainer.pl --no-git \
					--no-git-fallback --no-rolestats --no-l --no-r \
					-f "$f" 2>/dev/null) | grep -q . ||
					echo "$f: no MAINTAINERS entry"
			done)
			;;
		esac
		if [ -n "$new" ]; then
			res+=("$kind FAIL")
			bad=1
			printf '%s\n' "$new" | sed "s|^|    $kind: |" >&2
		else
			res+=("$kind ok")
		fi
	done
	local IFS=,
	echo "$label: ${res[*]}"
	return $bad
}

# --final: the series as one change, in the work tree and the normal
# kernel's object directory (built before). A W=1 warning counts when it
# points at a line the series added or changed; kernel-doc warnings are
# compared with base's as above.
final_check() {
	local obj ranges warn new f cfiles objs docfiles before after bad=0
	obj=$(objdir normal)
	[ -f "$obj/vmlinux" ] || die "nipa --final: build the normal kernel first"
	mapfile -t cfiles < <(git_t diff --name-only --diff-filter=d base HEAD -- '*.c' |
		grep -v -E '^(tools|Documentation)/' || true)
	objs=()
	for f in "${cfiles[@]}"; do
		[ -f "$obj/${f%.c}.o" ] && objs+=("${f%.c}.o") && rm -f "$obj/${f%.c}.o"
	done
	log "nipa: W=1 build of the ${#objs[@]} objects the series touches"
	warn=$(make -s -C "$TREE" O="$obj" ARCH=x86_64 CC="ccache gcc" \
		HOSTCC="ccache gcc" -j"$jobs" W=1 "${objs[@]}" 2>&1 >/dev/null |
		grep -E ': (warning|error): ' |
		sed -e "s|^$TREE/||" || true)
	# file:line of every line the series added, from the unified diff.
	ranges=$(git_t diff -U0 base HEAD -- "${cfiles[@]}" '*.h' | awk '
		/^\+\+\+ b\// { f = substr($2, 3) }
		/^@@/ { split($3, a, ","); s = substr(a[1], 2); n = (a[2] == "") ? 1 : a[2]
			for (i = 0; i < n; i++) print f ":" s + i }')
	new=$(printf '%s\n' "$warn" | while IFS= read -r f; do
		[ -n "$f" ] || continue
		grep -qxF "$(echo "$f" | cut -d: -f1,2)" <<<"$ranges" && echo "$f"
	done)
	if [ -n "$new" ]; then
		printf '%s\n' "$new" | sed 's|^|    W=1: |' >&2
		bad=1
	fi
	mapfile -t docfiles < <(git_t diff --name-only --diff-filter=d base HEAD -- '*.c' '*.h' |
		grep -v -E '^(tools|Documentation)/' || true)
	after=$(kdoc_warnings "$TREE" "${docfiles[@]}")
	# The base's versions of the files, without a second work tree.
	local old
	old=$(mktemp -d)
	for f in "${docfiles[@]}"; do
		mkdir -p "$old/$(dirname "$f")"
		git_t show "base:$f" >"$old/$f" 2>/dev/null || rm -f "$old/$f"
	done
	ln -s "$TREE/scripts" "$old/scripts"
	before=$(kdoc_warnings "$old" "${docfiles[@]}")
	rm -rf "$old"
	new=$(new_lines "$before" "$after")
	if [ -n "$new" ]; then
		printf '%s\n' "$new" | sed 's|^|    kernel-doc: |' >&2
		bad=1
	fi
	new=$(git_t diff --name-only --diff-filter=A base HEAD | while read -r f; do
		(cd "$TREE" && ./scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats --no-l --no-r -f "$f" 2>/dev/null) | grep -q . ||
			echo "$f: no MAINTAINERS entry"
	done)
	if [ -n "$new" ]; then
		printf '%s\n' "$new" | sed 's|^|    maintainers: |' >&2
		bad=1
	fi
	return $bad
}

mkdir -p "$NIPA"
trap 'git_t worktree remove --force "$WT" >/dev/null 2>&1 || true' EXIT
failed=0
if [ "$final" = 1 ]; then
	final_check || die "nipa: the series adds warnings (above)"
	log "nipa: W=1 (x86_64), kernel-doc and maintainers: nothing new"
	exit 0
fi

mapfile -t commits < <(git_t rev-list --reverse base..HEAD)
n=${#commits[@]}
first=${1:-1}
last=${2:-$n}
wt_checkout "${commits[$((first - 1))]}"
for ((i = first; i <= last; i++)); do
	c=${commits[$((i - 1))]}
	check_change "$c^" "$c" "[$i/$n] $(git_t log -1 --format=%s "$c")" ||
		failed=$((failed + 1))
done
[ "$failed" = 0 ] || die "nipa: $failed of $((last - first + 1)) patches add warnings (above)"
log "nipa: patches $first to $last add no warnings"
