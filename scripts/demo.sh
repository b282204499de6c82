#!/usr/bin/env bash
# Builds the `dmp` tool, builds a demo journal, verifies it and asks it a few questions.
#
#   scripts/demo.sh [DIR] [extra `dmp demo` options...]
#
# DIR defaults to ./demo-out (replaced if it holds a previous demo). Examples:
#   scripts/demo.sh
#   scripts/demo.sh /tmp/big --dossiers 100000 --seed 7
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-demo-out}"
shift || true

# SCRATCH_PATH, if set, is passed to `swift build --scratch-path`.
build=(swift build -c release ${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
"${build[@]}" --product dmp
dmp="$("${build[@]}" --show-bin-path)/dmp"

"$dmp" demo --out "$out" --force --format table "$@"
echo
"$dmp" verify "$out/journal.dmpj" --public-key "$out/journal.pub" --format table
echo
"$dmp" stats "$out/journal.dmpj" --format table | head -n 14 || true
echo
# The access trace of the first dossier whose document was read, as its holder sees it.
dossier="$("$dmp" events "$out/journal.dmpj" --type DocumentConsulted --format jsonl | head -n 1 \
    | sed -e 's/.*"dossier":"\([^"]*\)".*/\1/')" || true
if [ -n "$dossier" ]; then
    "$dmp" trace "$out/journal.dmpj" --dossier "$dossier" --format table | head -n 25 || true
fi
