#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the tree's checkpatch.pl --strict over every patch of the series and
# report what it finds, patch by patch. Fails if anything is reported.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -x "$TREE/scripts/checkpatch.pl" ] || die "no work tree at $TREE (make tree)"
bad=0 n=0
while read -r p; do
	n=$((n + 1))
	if ! out=$(cd "$TREE" && ./scripts/checkpatch.pl --strict --quiet \
		--no-summary --show-types "$PATCHES/$p" 2>&1); then
		bad=$((bad + 1))
	fi
	if [ -n "$out" ]; then
		echo "== $p"
		echo "$out"
	fi
done < <(series_patches)
[ "$bad" = 0 ] || die "checkpatch: $bad of $n patches have errors or warnings"
log "checkpatch --strict: $n patches clean"
