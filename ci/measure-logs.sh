#!/usr/bin/env bash
# Chapter 20's measurement: what the server's log and counts say of a load,
# next to what the load tool says. On loopback: chapter 20's server, its
# output to a file, and wrk with 50 open connections for 5 s; then SIGTERM,
# and the counts the server prints. Saves the report in
# steps/ch20-logs/results.txt, which the book shows and the step's
# tests/results.rs checks. Linux or macOS; takes about ten seconds; bounded.
source "$(dirname "$0")/lib.sh"

RESULTS=steps/ch20-logs/results.txt
NAME=ch20-logs
WRK=(wrk -t2 -c50 -d5s --timeout 2s http://127.0.0.1:7878/)

command -v wrk >/dev/null || die "wrk not found: install it (Debian, Ubuntu: sudo apt-get install wrk)"
ulimit -n 4096 2>/dev/null || true

step "Building the server (cargo build --release)"
build_release_steps "$NAME"
trap stop_server EXIT

step "$NAME under ${WRK[*]}"
start_server "$NAME"
out=$(timeout 30 "${WRK[@]}" 2>&1) || die "wrk failed: $out"
kill -TERM "$server"
for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server" 2>/dev/null && die "the server did not stop within 10 s of SIGTERM"
wait "$server" || die "the server ended with status $?"
server=

requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
non_2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
socket=$(sed -n 's/^ *Socket errors: *//p' <<<"$out")
per_second=$(sed -n 's/^Requests\/sec: *\([0-9]*\).*/\1/p' <<<"$out")
lines=$(grep -cE '^[^ ]+ [^ ]+ [0-9]{3} [0-9]+ms [^ ]+$' "$SERVER_LOG" || true)
statuses=$(grep -E '^[^ ]+ [^ ]+ [0-9]{3} [0-9]+ms [^ ]+$' "$SERVER_LOG" | cut -d' ' -f3 | sort | uniq -c |
    awk '{printf "%s%s × %s", sep, $1, $2; sep=", "}')
slowest=$(grep -E '^[^ ]+ [^ ]+ [0-9]{3} [0-9]+ms [^ ]+$' "$SERVER_LOG" | cut -d' ' -f4 | sort -n | tail -1)
size=$(wc -c <"$SERVER_LOG" | tr -d ' ')
errors=$(wc -l <"$SERVER_ERRORS" | tr -d ' ')
say "wrk: $requests requests, ${non_2xx:-0} non-2xx, socket errors: ${socket:-none}; the log: $lines lines"

if [ -r /proc/cpuinfo ]; then
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
else
    cpu=$(sysctl -n machdep.cpu.brand_string 2>/dev/null)
fi
cores=$(getconf _NPROCESSORS_ONLN)
{
    echo "The log under load: $NAME, four workers, on 127.0.0.1:7878"
    echo "machine: ${cpu:-unknown CPU}, $cores cores; kernel: $(uname -sr)"
    echo "run:     $(date -u +%Y-%m-%d), by ci/measure-logs.sh; release build; $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo
    echo "What wrk saw, from \`${WRK[*]}\`:"
    echo "  requests:        $requests ($per_second per second)"
    echo "  not 2xx:         ${non_2xx:-0}"
    echo "  socket errors:   ${socket:-none}"
    echo
    echo "What the server saw: $lines log lines ($size bytes of output; $errors lines on stderr),"
    echo "  by status:       $statuses"
    echo "  slowest:         $slowest"
    echo "and the counts it printed when SIGTERM stopped it:"
    grep -E '^(Accepted|Served|Rejected|Timed out|Panicked):' "$SERVER_LOG" | sed 's/^/  /'
} >"$RESULTS"
say "done: $RESULTS"
cat "$RESULTS"
