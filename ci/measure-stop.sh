#!/usr/bin/env bash
# Chapter 19's measurement: what SIGTERM does to requests in flight. For the
# last step of chapter 18 and for chapter 19's server, on loopback: wrk
# sends with 100 open connections for 4 s, and 2 s into it the server gets
# SIGTERM. wrk's read errors are requests that lost their connection while
# they waited for an answer; after the port is closed, wrk's attempts to
# reconnect fail too, as they should (its connect and write errors).
# Saves the table in steps/ch19-stop-under-load/results.txt, which the book
# shows. Linux or macOS; takes about half a minute; bounded in time.
source "$(dirname "$0")/lib.sh"

RESULTS=steps/ch19-stop-under-load/results.txt
STEPS=(ch18-b-hand-back ch19-stop-under-load)

command -v wrk >/dev/null || die "wrk not found: install it (Debian, Ubuntu: sudo apt-get install wrk)"
ulimit -n 4096 2>/dev/null || true

step "Building the servers (cargo build --release)"
build_release_steps "${STEPS[@]}"
trap stop_server EXIT

now_ms() { date +%s%3N; }

rows=()
for name in "${STEPS[@]}"; do
    step "$name"
    start_server "$name"
    wrk_out=build/measure-wrk.txt
    timeout 30 wrk -t2 -c100 -d4s --timeout 2s http://127.0.0.1:7878/ >"$wrk_out" 2>&1 &
    wrk_pid=$!
    sleep 2
    signalled=$(now_ms)
    kill -TERM "$server"
    status=0
    # A stop takes the time for a head and the work in the queue at most;
    # this limit only keeps the measurement bounded.
    for _ in $(seq 200); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server" 2>/dev/null; then
        stop_server
        stop_ms=">20000"
        status="-"
    else
        wait "$server" || status=$?
        stop_ms=$(( $(now_ms) - signalled ))
    fi
    server=
    wait "$wrk_pid" || die "wrk failed: $(cat "$wrk_out")"
    out=$(cat "$wrk_out")
    requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
    non_2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
    read_errors=$(sed -n 's/^ *Socket errors: .*read \([0-9]*\).*/\1/p' <<<"$out")
    after=$(sed -n 's/^ *Socket errors: connect \([0-9]*\), read [0-9]*, write \([0-9]*\).*/\1+\2/p' <<<"$out")
    timeouts=$(sed -n 's/.*timeout \([0-9]*\).*/\1/p' <<<"$out")
    say "$(grep -E 'requests in|Non-2xx|Socket' <<<"$out" | tr -s ' ' | paste -sd';'); stopped in $stop_ms ms, exit status $status"
    rows+=("$(printf '%-20s  %8s  %7s  %4s  %8s  %13s  %9s  %4s' "$name" "$requests" \
        "${non_2xx:-0}" "${read_errors:-0}" "${timeouts:-0}" "${after:-0+0}" "$stop_ms" "$status")")
done

if [ -r /proc/cpuinfo ]; then
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
else
    cpu=$(sysctl -n machdep.cpu.brand_string 2>/dev/null)
fi
cores=$(getconf _NPROCESSORS_ONLN)
{
    echo "SIGTERM under load: two servers of four workers on 127.0.0.1:7878"
    echo "machine: ${cpu:-unknown CPU}, $cores cores; kernel: $(uname -sr)"
    echo "run:     $(date -u +%Y-%m-%d), by ci/measure-stop.sh; release builds; $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo
    echo "server                requests  non-200  lost  timeouts  after the stop  stop (ms)  exit"
    echo "--------------------  --------  -------  ----  --------  --------------  ---------  ----"
    printf '%s\n' "${rows[@]}"
    echo
    echo "From \`wrk -t2 -c100 -d4s --timeout 2s http://127.0.0.1:7878/\`, whose 100"
    echo "connections stay open; SIGTERM 2 s into it. lost: wrk's read errors, requests"
    echo "whose connection ended before their answer. timeouts: no answer within 2 s."
    echo "after the stop: wrk's connect + write errors, its attempts to go on once the"
    echo "port is closed. stop: from the signal to the end of the process."
} >"$RESULTS"
say "done: $RESULTS"
cat "$RESULTS"
