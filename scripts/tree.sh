#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Set up the kernel work tree: unpack the pinned base into $TREE as a git
# repository, commit it and tag it 'base', then apply patches/series with
# 'git am' (no fuzz, no 3-way). An existing tree is kept when its commits are
# the series; one that has other commits is refused unless RESET=1.
#
# Usage: tree.sh [--reset]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

reset=${RESET:-0}
[ "${1:-}" = --reset ] && reset=1

"$TOP/scripts/check-base.sh"

git_t() { git -C "$TREE" "$@"; }

unpack() {
	log "unpacking $BASE_TARBALL ($BASE_PACKAGE $BASE_VERSION) into $TREE"
	rm -rf "$TREE"
	mkdir -p "$TREE"
	tar -xJf "$BASE_TARBALL" -C "$TREE" --strip-components=1
	# Debian's packaging rule '/*' ignores every top-level path: drop it.
	sed -i -e '/^# Debian packaging:/,$d' "$TREE/.gitignore"
	git_t init -q -b master
	git_t config core.abbrev 12
	git_t config user.name "$PROJECT_NAME"
	git_t config user.email "$PROJECT_EMAIL"
	git_t config gc.auto 0
	git_t config am.threeWay false
	git_t add -A
	git_t -c core.bigFileThreshold=1m commit -q \
		-m "Linux $BASE_VERSION ($BASE_PACKAGE)" \
		-m "Unpacked from $(basename "$BASE_TARBALL"), sha256 $BASE_SHA256, with Debian's top-level '/*' .gitignore rule removed."
	git_t tag base
	log "base committed and tagged"
}

# Patch ids of base..HEAD and of the series, one per line.
tree_ids() {
	git_t rev-list --reverse base..HEAD | while read -r c; do
		git_t show --format= "$c" | git patch-id --stable | cut -d' ' -f1
	done
}
series_ids() {
	series_patches | while read -r p; do
		git patch-id --stable <"$PATCHES/$p" | cut -d' ' -f1
	done
}

apply_series() {
	local p n=0
	while read -r p; do
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
		if ! git_t am -q --no-3way --whitespace=error-all "$PATCHES/$p" 2>"$BUILD/am.err"; then
			printf 'error: patch %s does not apply:\n' "$p" >&2
			grep -v '^hint:' "$BUILD/am.err" >&2 || true
			git_t am --abort
			# Show the failing hunk.
			git_t apply --check --verbose "$PATCHES/$p" 2>&1 |
				sed -n '/^error: while searching for:/,/^error: patch failed/p' >&2 || true
			exit 1
		fi
		n=$((n + 1))
	done < <(series_patches)
	log "applied $n patches"
}

mkdir -p "$BUILD"
if ! git_t rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
	unpack
	apply_series
	exit 0
fi

if [ -n "$(git_t status --porcelain --untracked-files=no)" ]; then
	[ "$reset" = 1 ] || die "$TREE has uncommitted changes; commit them or run with RESET=1"
fi
if [ "$(tree_ids)" = "$(series_ids)" ]; then
	log "work tree already holds the series ($(series_patches | wc -l) patches)"
	exit 0
fi
if [ "$reset" != 1 ] && [ -n "$(git_t rev-list base..HEAD)" ]; then
	die "$TREE has commits that differ from patches/series.
  Export them first (make export), or discard them (make tree RESET=1)."
fi
log "resetting work tree to base and applying the series"
git_t am --abort >/dev/null 2>&1 || true
git_t checkout -q -f master
git_t reset -q --hard base
apply_series
