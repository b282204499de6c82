#!/usr/bin/env bash
# The journal's benchmarks, in one command (see Benchmarks/README.md).
#
#   Benchmarks/run.sh                 everything: the package-benchmark suites, then journal-bench
#   Benchmarks/run.sh --quick         a smoke run in about a minute (small fixture, short windows)
#   Benchmarks/run.sh check           allocation thresholds only: exit 0 pass, 2 regression,
#                                     4 improvement (then record them again: `update-thresholds`)
#   Benchmarks/run.sh update-thresholds
#   Benchmarks/run.sh domain [...]      the domain figures only (domain-bench: full replay, baselines,
#                                     memory, single-dossier queries on 1 M and 10 M demo events)
#
# Anything else is passed to journal-bench (e.g. `--only verify,read --events 200000`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
thresholds=(--filter '.*-(journal|domain).*' --metric mallocCountTotal --path "$here/Thresholds" --no-progress)

domain() {
    # The fixtures are built by the `dmp` tool of the root package (release).
    swift build --package-path "$here/.." -c release --product dmp
    swift build --package-path "$here" -c release --product domain-bench
    "$here/.build/release/domain-bench" --dmp "$here/../.build/release/dmp" "$@"
}

case "${1:-}" in
domain)
    shift
    domain "$@"
    exit
    ;;
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
if [ "$quick" = 1 ]; then
    domain --sizes 100k --only size,replay,baselines --repeats 1
else
    domain
fi
