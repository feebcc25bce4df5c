#!/usr/bin/env bash
# Part IV's matrix: every echo server of the book (steps/ch22-… to
# ch26-…) against the seed's three scenarios, one run each, on loopback:
#   1k       1,000 clients × 100 lines
#   10k      10,000 clients × 100 lines
#   10k-cpu  10,000 clients × 1 line, each costing the server about a
#            millisecond of work (loadgen::matrix::CPU_WORK)
# Every run is cut off after 60 seconds at most; the whole matrix takes a
# few minutes. Writes steps/loadgen/results/: matrix.tsv (a row per run),
# matrix.txt (the machine, the date, every run's report) and rows/, the
# rows of the book's tables; steps/loadgen/tests/results.rs checks that
# rows/ matches matrix.tsv and what the chapters say of it. Linux (it
# reads /proc); run it on a quiet machine: other work shows in the figures.
# Extra arguments go to the matrix (for a try: --only echo-tokio --scenario
# 1k --out /tmp/matrix).
source "$(dirname "$0")/lib.sh"

[ -r /proc/self/status ] || die "this measurement reads /proc: it needs Linux"
# 10,000 clients hold 10,000 sockets, and the server as many.
ulimit -n 20000 2>/dev/null || die "cannot raise the open-file limit to 20,000 (ulimit -n; see ulimit -Hn)"

step "Building the echo servers and the load generator (cargo build --release)"
build_release_steps loadgen ch22-echo-threads ch23-select ch24-event-loop ch25-per-core \
    ch26-tokio

step "Running the matrix (a few minutes)"
"$target_dir/release/matrix" --out "$ROOT/steps/loadgen/results" \
    --date "$(date -u +%F)" --command "ci/measure-echo.sh${*:+ $*}" "$@"
say "steps/loadgen/results/matrix.txt has every report"
