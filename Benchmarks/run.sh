#!/usr/bin/env bash
# The journal's benchmarks, in one command (see Benchmarks/README.md).
#
#   Benchmarks/run.sh                 everything: the package-benchmark suites, then journal-bench
#   Benchmarks/run.sh --quick         a smoke run in about a minute (small fixture, short windows)
#   Benchmarks/run.sh check           allocation thresholds only: exit 0 pass, 2 regression,
#                                     4 improvement (then record them again: `update-thresholds`)
#   Benchmarks/run.sh update-thresholds
#
# Anything else is passed to journal-bench (e.g. `--only verify,read --events 200000`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
thresholds=(--filter '.*-journal.*' --metric mallocCountTotal --path "$here/Thresholds" --no-progress)

case "${1:-}" in
check)
    exec swift package --package-path "$here" benchmark thresholds check "${thresholds[@]}"
    ;;
update-thresholds)
    exec swift package --package-path "$here" --allow-writing-to-package-directory \
        benchmark thresholds update "${thresholds[@]}"
    ;;
esac

quick=0
for argument in "$@"; do [ "$argument" = --quick ] && quick=1; done
if [ "$quick" = 1 ]; then
    # A 20,000-event fixture: the thresholds (recorded with 1 M) do not apply.
    DMP_BENCH_EVENTS=20000 swift package --package-path "$here" benchmark --no-progress
else
    swift package --package-path "$here" benchmark --no-progress
fi
swift build --package-path "$here" -c release --product journal-bench
"$here/.build/release/journal-bench" "$@"
