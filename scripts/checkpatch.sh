#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the tree's checkpatch.pl --strict over every patch of the series and
# report what it finds, patch by patch. Fails if anything is reported.
#
# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") fires for every new
# file; instead, every file the series adds must be covered by a
# MAINTAINERS entry (checked below with get_maintainer.pl).
# UNKNOWN_COMMIT_ID: the base is a source tarball without upstream history,
# so the commits that Fixes: tags name can't be looked up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -x "$TREE/scripts/checkpatch.pl" ] || die "no work tree at $TREE (make tree)"
# spdxcheck.py needs Debian's python3-ply and python3-git.
export PATH=/usr/bin:$PATH
bad=0 n=0
while read -r p; do
	n=$((n + 1))
	out=$(cd "$TREE" && ./scripts/checkpatch.pl --strict --quiet \
		--no-summary --show-types --ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID \
		"$PATCHES/$p" 2>&1) || [ -n "$out" ] || out="checkpatch.pl failed"
	if [ -n "$out" ]; then
		bad=$((bad + 1))
		echo "== $p"
		echo "$out"
	fi
done < <(series_patches)
# New files need a maintainer: a MAINTAINERS entry, not just the list.
while read -r f; do
	[ -e "$TREE/$f" ] || continue
	if ! (cd "$TREE" && ./scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-rolestats --no-l --no-r -f "$f" 2>/dev/null) | grep -q .; then
		echo "== $f: added by the series, but no MAINTAINERS entry covers it"
		bad=$((bad + 1))
	fi
done < <(git -C "$TREE" diff --name-only --diff-filter=A base HEAD)
[ "$bad" = 0 ] || die "checkpatch: $bad of $n patches have errors or warnings"
log "checkpatch --strict: $n patches clean"
