#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the normal kernel after each patch of the series (incrementally,
# with ccache) to prove the series is bisectable. Run it before submitting
# a reordered or rebased series. Leaves the work tree at its original HEAD.
#
# Usage: bisect-check.sh [first-patch-number]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start=${1:-1}
git_t() { git -C "$TREE" "$@"; }
[ -z "$(git_t status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes"
head=$(git_t symbolic-ref -q --short HEAD || git_t rev-parse HEAD)
trap 'git_t checkout -q "$head"' EXIT

mapfile -t commits < <(git_t rev-list --reverse base..HEAD)
n=${#commits[@]} i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	[ "$i" -ge "$start" ] || continue
	log "bisect: [$i/$n] $(git_t log -1 --format=%s "$c")"
	git_t checkout -q "$c"
	"$TOP/scripts/build.sh" normal --no-check >"$BUILD/bisect.log" 2>&1 || {
		tail -30 "$BUILD/bisect.log"
		die "bisect: patch $i/$n does not build: $(git_t log -1 --format=%s "$c")"
	}
	if grep -E 'warning:' "$BUILD/bisect.log"; then
		die "bisect: patch $i/$n builds with warnings"
	fi
done
log "bisect: all $n patches build"
