#!/usr/bin/env bash
# Chapter 18's measurement: what connections that stay open do to a pool of
# four workers. For chapter 17's server (which closes every connection) and
# the two steps of chapter 18 (the worker waits for the next request; the
# worker gives the connection back to the reader), on loopback:
#   - wrk, which keeps its connections open, with 50 connections for 5 s;
#   - the time a new request takes while four connections sit open, silent;
#   - the processor time the server spends in 5 s with 200 such connections.
# Saves the table in steps/ch18-b-hand-back/results.txt, which the book
# shows. Linux only (reads /proc); takes about a minute; bounded in time.
source "$(dirname "$0")/lib.sh"

RESULTS=steps/ch18-b-hand-back/results.txt
STEPS=(ch17-files ch18-a-keep-alive ch18-b-hand-back)

[ "$(uname -s)" = Linux ] || die "this measurement reads /proc: it runs on Linux only"
command -v wrk >/dev/null || die "wrk not found: install it (Debian, Ubuntu: sudo apt-get install wrk)"
command -v curl >/dev/null || die "curl not found: install it (sudo apt-get install curl)"
ulimit -n 4096 2>/dev/null || true

step "Building the servers (cargo build --release)"
build_release_steps "${STEPS[@]}"
trap stop_server EXIT

# Processor time of the server so far, in clock ticks (user + system).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }

# Opens $1 connections to the server, each sending one request and then
# staying open and silent, on file descriptors of this shell; closes them
# with close_idle.
idle_fds=()
open_idle() {
    local fd
    for _ in $(seq "$1"); do
        exec {fd}<>/dev/tcp/127.0.0.1/7878 || return 1
        printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >&"$fd"
        idle_fds+=("$fd")
    done
}
close_idle() {
    local fd
    for fd in "${idle_fds[@]}"; do exec {fd}>&-; done
    idle_fds=()
}

rows=()
for name in "${STEPS[@]}"; do
    step "$name"
    start_server "$name"
    out=$(timeout 30 wrk -t2 -c50 -d5s --timeout 2s http://127.0.0.1:7878/ 2>&1) ||
        die "wrk failed: $out"
    requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
    per_second=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
    non_2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
    timeouts=$(sed -n 's/.*timeout \([0-9]*\).*/\1/p' <<<"$out")
    errors=$(sed -n 's/^ *Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\).*/\1+\2+\3/p' <<<"$out")
    say "$(grep -E 'requests in|Requests/sec|Non-2xx|Socket' <<<"$out" | tr -s ' ' | paste -sd';')"
    sleep 6 # the idle time: wrk's connections are gone

    open_idle 4
    sleep 0.5
    new_ms=$(timeout 20 curl -s -o /dev/null -w '%{time_total}' http://127.0.0.1:7878/ |
        awk '{printf "%.0f", $1 * 1000}')
    close_idle
    say "a new request while 4 connections sit open: ${new_ms:-no answer} ms"
    sleep 6

    open_idle 200
    sleep 1
    before=$(cpu_ticks)
    sleep 5
    after=$(cpu_ticks)
    close_idle
    ticks_per_second=$(getconf CLK_TCK)
    cpu_ms=$(( (after - before) * 1000 / ticks_per_second ))
    say "processor time in 5 s with 200 open, silent connections: $cpu_ms ms"
    stop_server
    rows+=("$(printf '%-17s  %8s  %5s  %7s  %8s  %6s  %8s  %8s' "$name" "$requests" \
        "${per_second%.*}" "${non_2xx:-0}" "${timeouts:-0}" "${errors:-0+0+0}" "${new_ms:--}" "$cpu_ms")")
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
    echo "connections that stay open: three servers of four workers on 127.0.0.1:7878"
    echo "machine: ${cpu:-unknown CPU}, $(nproc) cores; kernel: $(uname -sr)"
    echo "run:     $(date -u +%Y-%m-%d), by ci/measure-keep-alive.sh; release builds; $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo
    echo "server             requests  per s  non-200  timeouts  errors  new (ms)  cpu (ms)"
    echo "-----------------  --------  -----  -------  --------  ------  --------  --------"
    printf '%s\n' "${rows[@]}"
    echo
    echo "requests, per s, non-200, timeouts, errors (connect+read+write): from"
    echo "\`wrk -t2 -c50 -d5s --timeout 2s http://127.0.0.1:7878/\`, whose 50"
    echo "connections stay open (timeouts: requests without an answer within 2 s)."
    echo "new: time for curl's request while 4 connections, each answered once, sit"
    echo "open and silent. cpu: the server's processor time (user + system) during"
    echo "5 s with 200 such connections open."
} >"$RESULTS"
say "done: $RESULTS"
cat "$RESULTS"
