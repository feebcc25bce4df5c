#!/usr/bin/env bash
# The timelines of chapters 7, 8, 10 and 11 (src/img/timeline-*.svg): runs
# each step's real binary under a small, fixed scenario and draws one row per
# connection, a bar from arrival to answer. On Linux the scenarios run at
# once, each on a loopback interface of its own (unshare, ip), so port 7878
# may be busy; elsewhere they take turns on it. About half a minute. A run
# that does not show its chapter's point writes no picture and fails; the
# tests of steps/timeline check the committed pictures.
#
#   timelines.sh [SCENARIO...]   only these (see `cargo run -p timeline -- --list`)
#   timelines.sh --redraw        run nothing: draw the pictures again from the
#                                timings they hold, after a change to the drawing
source "$(dirname "$0")/lib.sh"

command -v cargo >/dev/null || die "cargo not found: install Rust from https://rustup.rs first"

if [ "$#" -eq 0 ]; then
    set -- --all
fi
step "Running the scenarios and drawing the pictures: cargo run --release -p timeline -- $*"
(cd steps && cargo run --release --quiet -p timeline -- "$@") ||
    die "a scenario failed (above); its picture was left as it was"

step "Checking the pictures: cargo test -p timeline"
(cd steps && cargo test --quiet -p timeline) || die "the pictures do not pass their tests"
say "done: src/img/timeline-*.svg (commit them)"
