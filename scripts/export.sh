#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export base..HEAD of the work tree to patches/: one file per commit, named
# after its subject without a number, and patches/series in commit order.
# Group headers ('# ...' lines) in the old series are kept in front of the
# patch they preceded. The output is deterministic: exporting a tree made by
# applying the series gives back the same bytes.
#
# patches/cover-letter is made from cover-letter.txt and the series.
#
# Usage: export.sh [--check]
#   --check  export to a scratch directory and fail if it differs from
#            patches/ (the round-trip check)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check=0
[ "${1:-}" = --check ] && check=1

git -C "$TREE" rev-parse -q --verify refs/tags/base >/dev/null ||
	die "no work tree at $TREE (make tree)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

git -C "$TREE" -c core.abbrev=12 -c diff.noprefix=false -c diff.mnemonicPrefix=false \
	-c diff.renames=true -c diff.algorithm=myers -c format.signOff=false \
	format-patch -q --no-signature --zero-commit -N --no-numbered \
	--subject-prefix=PATCH --abbrev=12 --filename-max-length=100 \
	-o "$tmp/out" base..HEAD

: >"$tmp/series"
# Remember which header lines stood in front of which patch.
declare -A head
pending=""
if [ -f "$SERIES" ]; then
	while IFS= read -r line; do
		case "$line" in
		\#* | "") pending+="$line"$'\n' ;;
		*) head[$line]=$pending; pending="" ;;
		esac
	done <"$SERIES"
fi

for f in "$tmp"/out/*.patch; do
	[ -e "$f" ] || continue
	name=$(basename "$f" | sed -E 's/^[0-9]{4}-//')
	[ -e "$tmp/new/$name" ] && die "two patches export to $name: make their subjects differ"
	mkdir -p "$tmp/new"
	mv "$f" "$tmp/new/$name"
	printf '%s' "${head[$name]:-}" >>"$tmp/series"
	echo "$name" >>"$tmp/series"
done
printf '%s' "$pending" >>"$tmp/series"

# The cover letter: cover-letter.txt (subject line, blank line, text) with
# the series' shortlog and diffstat, as format-patch --cover-letter lays
# them out.
cover_letter() {
	local n
	n=$(git -C "$TREE" rev-list --count base..HEAD)
	printf 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
	printf 'From: %s <%s>\n' "$PROJECT_NAME" "$PROJECT_EMAIL"
	printf 'Subject: [PATCH 00/%s] %s\n' "$n" "$(head -1 "$TOP/cover-letter.txt")"
	tail -n +2 "$TOP/cover-letter.txt"
	echo
	git -C "$TREE" shortlog -w72,2,4 base..HEAD | sed -e '/^$/d'
	echo
	git -C "$TREE" -c diff.renames=true diff --stat=72 --summary base..HEAD
}
mkdir -p "$tmp/new"
cover_letter >"$tmp/new/cover-letter"

if [ "$check" = 1 ]; then
	mkdir -p "$tmp/new"
	mv "$tmp/series" "$tmp/new/series"
	if ! diff -ru "$PATCHES" "$tmp/new" >"$tmp/diff"; then
		head -40 "$tmp/diff" >&2
		die "exporting the work tree does not give back patches/ (see above)"
	fi
	log "round trip: export of the work tree is identical to patches/"
	exit 0
fi

mkdir -p "$PATCHES"
find "$PATCHES" -maxdepth 1 -name '*.patch' -delete
mv "$tmp"/new/* "$PATCHES/"
mv "$tmp/series" "$SERIES"
log "exported $(series_patches | wc -l) patches to patches/"
