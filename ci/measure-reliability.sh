#!/usr/bin/env bash
# Chapter 21's measurements: the last server of Part III (ch21-under-fire),
# or the step named as the first argument, under fire, on loopback. Three
# runs, each bounded in time:
#   1. sixty seconds of wrk (50 connections) and of the hostile clients of
#      steps/hostile at once; then SIGTERM;
#   2. a flood: wrk with 1,000 connections for ten seconds;
#   3. next to nginx, on the same file, in the same run: wrk -t2 -c50 -d10s
#      against nginx configured to close every connection, then against
#      the step.
# After each, four requests for /sleep side by side show whether every
# worker is alive. Saves the report in steps/hostile/results.txt, which the
# book shows and steps/hostile/tests/results.rs checks, or in the file given
# as the second argument (the first run, of chapter 20's server:
# `ci/measure-reliability.sh ch20-logs steps/hostile/before.txt`). Linux;
# needs wrk and
# nginx (Debian, Ubuntu: sudo apt-get install wrk nginx-light); about four
# minutes.
source "$(dirname "$0")/lib.sh"

NAME=${1:-ch21-under-fire}
RESULTS=${2:-steps/hostile/results.txt}
[ -d "steps/$NAME" ] || die "no step steps/$NAME"
URL=http://127.0.0.1:7878/
NGINX_PORT=7979

command -v wrk >/dev/null || die "wrk not found: install it (Debian, Ubuntu: sudo apt-get install wrk)"
NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null) ||
    die "nginx not found: install it (Debian, Ubuntu: sudo apt-get install nginx-light)"
[ -r /proc/self/status ] || die "this measurement reads /proc: it needs Linux"
# wrk's 1,000 connections, and the server's as many.
ulimit -n 8192 2>/dev/null || die "cannot raise the open-file limit to 8192 (ulimit -n)"
# A panic's message, without a backtrace: as a reader's terminal shows it.
export RUST_BACKTRACE=0

step "Building the server and the hostile clients (cargo build --release)"
build_release_steps "$NAME" hostile
HOSTILE="$target_dir/release/hostile"
nginx_pid=
cleanup() {
    stop_server
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
    true
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# Whether every worker is alive, in a few words: four requests for /sleep
# side by side, and how long the slowest took.
sleeps_only() { "$HOSTILE" --sleeps-only | sed 's/^Four/four/; s/\.$//' || true; }

# Peak memory of the server so far (VmHWM), in MiB.
peak_mib() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }

# Stops the server with SIGTERM; sets `stop_ms` and `exit_status`.
stop_with_sigterm() {
    local signalled
    signalled=$(now_ms)
    kill -TERM "$server"
    for _ in $(seq 200); do kill -0 "$server" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$server" 2>/dev/null; then
        stop_server
        stop_ms=">10000"
        exit_status="-"
    else
        exit_status=0
        wait "$server" || exit_status=$?
        stop_ms=$(($(now_ms) - signalled))
    fi
    server=
}

# The counts that the server printed, on one line.
counts() {
    grep -E '^(Accepted|Served|Rejected|Timed out|Panicked):' "$SERVER_LOG" |
        sed 's/:  */ /' | paste -sd';' | sed 's/;/; /g'
}

# The log lines that the server printed.
log_lines() { grep -cE '^[^ ]+ [^ ]+ [0-9]{3} [0-9]+ms [^ ]+$' "$SERVER_LOG" || true; }

step "1. Sixty seconds of wrk and of hostile clients at once"
start_server "$NAME"
wrk_out=$ROOT/build/reliability-wrk.txt
timeout 90 wrk -t2 -c50 -d60s --timeout 5s --latency "$URL" >"$wrk_out" 2>&1 &
wrk_pid=$!
hostile_status=0
"$HOSTILE" --seconds 60 >"$ROOT/build/reliability-hostile.txt" || hostile_status=$?
wait "$wrk_pid" || die "wrk failed: $(cat "$wrk_out")"
read -r fire_requests fire_non_2xx fire_socket fire_per_second fire_p50 fire_p99 fire_max \
    <<<"$(wrk_figures "$(cat "$wrk_out")")"
fire_peak=$(peak_mib)
fire_alive=$(sleeps_only)
stop_with_sigterm
fire_stop_ms=$stop_ms fire_exit=$exit_status
fire_counts=$(counts)
fire_lines=$(log_lines)
fire_panics=$(grep -c 'panicked at' "$SERVER_ERRORS" || true)
say "wrk: $fire_requests requests, $fire_non_2xx not 2xx, socket errors: $fire_socket; hostile exit status $hostile_status"

step "2. A flood: 1,000 connections for ten seconds"
start_server "$NAME"
out=$(timeout 40 wrk -t2 -c1000 -d10s --timeout 5s --latency "$URL" 2>&1) || die "wrk failed: $out"
read -r flood_requests flood_non_2xx flood_socket flood_per_second flood_p50 flood_p99 flood_max \
    <<<"$(wrk_figures "$out")"
flood_peak=$(peak_mib)
flood_alive=$(sleeps_only)
stop_with_sigterm
flood_stop_ms=$stop_ms flood_exit=$exit_status
flood_counts=$(counts)
say "wrk: $flood_requests requests, $flood_non_2xx not 2xx, socket errors: $flood_socket"

step "3. Next to nginx ($("$NGINX" -v 2>&1 | sed 's/.*: //')), on the same file"
nginx_dir=$ROOT/build/nginx
mkdir -p "$nginx_dir/logs"
cat >"$nginx_dir/nginx.conf" <<EOF
# Written by ci/measure-reliability.sh: hello.html at /, as the book's
# server answers it, and every connection closed after its answer.
worker_processes auto;
error_log $nginx_dir/logs/error.log;
pid $nginx_dir/nginx.pid;
daemon off;
events { worker_connections 4096; }
http {
    access_log $nginx_dir/logs/access.log;
    keepalive_timeout 0;
    types { text/html html; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $ROOT/steps;
        location = / { try_files /hello.html =404; }
    }
}
EOF
"$NGINX" -c "$nginx_dir/nginx.conf" -p "$nginx_dir" &
nginx_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break; sleep 0.1; done
[ "$(curl -s "http://127.0.0.1:$NGINX_PORT/")" = "$(cat steps/hello.html)" ] ||
    die "nginx does not serve steps/hello.html at / (see $nginx_dir/logs/error.log)"
nginx_workers=$(pgrep -P "$nginx_pid" | wc -l)
out=$(timeout 40 wrk -t2 -c50 -d10s "http://127.0.0.1:$NGINX_PORT/" 2>&1) || die "wrk failed: $out"
read -r nginx_requests nginx_non_2xx nginx_socket nginx_per_second _ <<<"$(wrk_figures "$out")"
kill "$nginx_pid"
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=

start_server "$NAME"
out=$(timeout 40 wrk -t2 -c50 -d10s "$URL" 2>&1) || die "wrk failed: $out"
read -r pool_requests pool_non_2xx pool_socket pool_per_second _ <<<"$(wrk_figures "$out")"
pool_alive=$(sleeps_only)
stop_with_sigterm
pool_exit=$exit_status
say "nginx: $nginx_per_second requests/s; $NAME: $pool_per_second requests/s"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cores=$(getconf _NPROCESSORS_ONLN)
# The 2xx answers per second: wrk's requests per second $1, times the share
# of its $2 requests that were not among the $3 not 2xx.
ok_per_second() { awk -v r="$1" -v n="$2" -v bad="$3" 'BEGIN { printf "%d", r * (n - bad) / n }'; }
row() { printf '%-15s  %10s  %10s  %8s  %s\n' "$@"; }
{
    echo "Under fire: steps/$NAME, four workers, on 127.0.0.1:7878"
    echo "machine: ${cpu:-unknown CPU}, $cores cores; kernel: $(uname -sr)"
    echo "run:     $(date -u +%Y-%m-%d), by ci/measure-reliability.sh; release builds;"
    echo "         $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); $("$NGINX" -v 2>&1 | sed 's/.*: //')"
    echo
    echo "1. Sixty seconds of load and of hostile clients at once"
    echo
    echo "\`wrk -t2 -c50 -d60s --timeout 5s --latency $URL\`, beside \`hostile --seconds 60\`."
    echo "wrk:     $fire_requests requests ($fire_per_second per second), $fire_non_2xx not 2xx,"
    echo "         socket errors: $fire_socket; latency: 50% $fire_p50, 99% $fire_p99, max $fire_max"
    echo "hostile: (exit status $hostile_status)"
    sed -n '/^kind /,$p' "$ROOT/build/reliability-hostile.txt" | sed 's/^/  /'
    echo "server:  peak memory $fire_peak MiB; after the load, $fire_alive"
    echo "         SIGTERM: ended in $fire_stop_ms ms, exit status $fire_exit; $fire_lines log lines,"
    echo "         $fire_panics panic messages on stderr; counts: $fire_counts"
    echo
    echo "2. A flood: 1,000 connections at once"
    echo
    echo "\`wrk -t2 -c1000 -d10s --timeout 5s --latency $URL\`."
    echo "wrk:     $flood_requests requests ($flood_per_second per second), $flood_non_2xx not 2xx,"
    echo "         socket errors: $flood_socket; latency: 50% $flood_p50, 99% $flood_p99, max $flood_max"
    echo "server:  peak memory $flood_peak MiB; after the flood, $flood_alive"
    echo "         SIGTERM: ended in $flood_stop_ms ms, exit status $flood_exit; counts: $flood_counts"
    echo
    echo "3. Next to nginx, on the same file (steps/hello.html), in the same run"
    echo
    echo "\`wrk -t2 -c50 -d10s\` against each: nginx with $nginx_workers worker processes and"
    echo "keepalive_timeout 0 (it closes every connection), then $NAME (which keeps them open)."
    echo
    row server "requests/s" "2xx/s" "not 2xx" "socket errors"
    row --------------- ---------- ---------- -------- -------------
    row nginx "$nginx_per_second" "$(ok_per_second "$nginx_per_second" "$nginx_requests" "$nginx_non_2xx")" "$nginx_non_2xx" "$nginx_socket"
    row "$NAME" "$pool_per_second" "$(ok_per_second "$pool_per_second" "$pool_requests" "$pool_non_2xx")" "$pool_non_2xx" "$pool_socket"
    echo
    echo "$NAME after it: $pool_alive; SIGTERM: exit status $pool_exit."
} >"$RESULTS"
say "done: $RESULTS"
cat "$RESULTS"
