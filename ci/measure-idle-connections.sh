#!/usr/bin/env bash
# Chapter 8's experiment: starts the thread-per-connection server, opens 100,
# 1,000 and 10,000 idle connections to it on loopback, and saves its threads,
# memory and memory regions after each batch, with the kernel's memory for
# thread stacks and sockets, in steps/ch08-idle-connections/results.txt,
# which the book shows. Linux only; takes well under two minutes. The
# kernel's figures are for the whole machine: run it on a quiet one.
#
#   COUNTS   the numbers of connections (default 100,1000,10000; the book's
#            results.txt must hold the default)
source "$(dirname "$0")/lib.sh"

COUNTS=${COUNTS:-100,1000,10000}
RESULTS=steps/ch08-idle-connections/results.txt
SERVER_LOG=build/measure-server.log
WANTED_FILES=30000

[ "$(uname -s)" = Linux ] || die "this experiment reads /proc: it runs on Linux only"
command -v cargo >/dev/null || die "cargo not found: install Rust from https://rustup.rs first"

# Each process needs an open file per connection, and some to spare.
largest=${COUNTS##*,}
needed_files=$((largest + 100))

step "Raising the open-file limit (ulimit -n) for the server and the tool"
hard=$(ulimit -Hn)
target=$WANTED_FILES
if [ "$hard" != unlimited ] && [ "$hard" -lt "$target" ]; then
    target=$hard
fi
[ "$target" -ge "$needed_files" ] ||
    die "$largest connections need an open-file limit of $needed_files, but the hard limit is $hard (ask your administrator, or see /etc/security/limits.conf)"
ulimit -n "$target" || die "could not raise the open-file limit to $target"
say "ulimit -n $(ulimit -n) (hard limit $hard; $largest connections need $needed_files)"

step "Building the server and the tool (cargo build --release)"
(cd steps && cargo build --release --quiet -p ch08-thread-per-connection -p ch08-idle-connections) ||
    die "the build failed"
target_dir=$(cd steps && cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
[ -n "$target_dir" ] || die "could not find cargo's target directory"
server_bin=$target_dir/release/ch08-thread-per-connection
tool_bin=$target_dir/release/ch08-idle-connections

server=
stop_server() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    server=
}
trap stop_server EXIT

step "Starting the server from steps/ (output in $SERVER_LOG)"
mkdir -p build
# From steps/, where it finds hello.html; exec keeps the pid of the subshell.
(cd steps && exec "$server_bin") >"$SERVER_LOG" 2>&1 &
server=$!
for _ in $(seq 100); do
    grep -q '^Listening on' "$SERVER_LOG" && break
    kill -0 "$server" 2>/dev/null || { cat "$SERVER_LOG" >&2; die "the server exited (is port 7878 in use?)"; }
    sleep 0.1
done
grep -q '^Listening on' "$SERVER_LOG" || die "the server did not print \"Listening on\" within 10 s"
say "$(cat "$SERVER_LOG") (pid $server)"

step "Opening $COUNTS idle connections (at most two minutes)"
say "kernel stacks and sockets are counted for the whole machine: other work on it shows in them"
timeout 180 "$tool_bin" --pid "$server" --counts "$COUNTS" --save "$RESULTS" ||
    die "the measurement failed (the server's output is in $SERVER_LOG)"

step "Stopping the server"
stop_server
if grep -q panicked "$SERVER_LOG"; then
    die "the server panicked during the run (see $SERVER_LOG): check $RESULTS"
fi
say "done: $RESULTS"
