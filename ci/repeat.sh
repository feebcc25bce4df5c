#!/usr/bin/env bash
# ci/repeat.sh [N [PACKAGE...]]: runs the tests of Part III that depend on
# timing (the flood, the queue and the closer, the shutdown), or those of the
# packages named, N times in a row (default 20), each time all at once, as
# `cargo test` runs them, and stops at the first failure. Not part of ci/test.sh: it proves that those tests do not
# fail now and then, on this machine, under their own load.
source "$(dirname "$0")/lib.sh"
export RUSTFLAGS="-D warnings"
runs=${1:-20}
cd "$ROOT/steps"
packages=(-p ch13-b-panics -p ch14-bounded-queue -p ch15-a-read-timeout -p ch15-b-head-deadline -p ch16-parser -p ch18-b-hand-back -p ch19-stop-under-load -p ch20-logs -p ch21-under-fire)
if [ $# -gt 1 ]; then
    packages=()
    for package in "${@:2}"; do packages+=(-p "$package"); done
fi
step "Building the tests"
cargo test "${packages[@]}" --no-run --quiet
for run in $(seq "$runs"); do
    step "Run $run of $runs"
    start=$SECONDS
    if ! cargo test "${packages[@]}" --quiet >"$ROOT/build/repeat.log" 2>&1; then
        cat "$ROOT/build/repeat.log"
        echo "run $run of $runs failed (output above, and in build/repeat.log)" >&2
        exit 1
    fi
    say "passed in $((SECONDS - start)) s"
done
say "all $runs runs passed"
