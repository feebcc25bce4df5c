#!/usr/bin/env bash
# Part IV's web servers beside nginx, on loopback, in one run: wrk against
# nginx with two worker processes and keep-alive (as the book's servers keep
# connections open: up to 100 requests, 5 s idle; and a line in its access
# log for each request, as the book's servers log each answer), then against
# Part III's last server (ch21-under-fire) and chapter 27's on Tokio
# (ch27-tokio-web), all on the same file, steps/hello.html at /. Two loads,
# each bounded: `wrk -t2 -c50 -d10s` and `wrk -t2 -c1000 -d10s`. After each
# run of a book's server, four requests for /sleep side by side show that
# every worker is alive. Saves the report in steps/ch27-tokio-web/results.txt
# (or the file given as the first argument), which chapter 27 shows and
# steps/ch27-tokio-web/tests/results.rs checks. Linux; needs wrk and nginx
# (Debian, Ubuntu: sudo apt-get install wrk nginx-light); about two minutes.
# SERVERS (names of steps, separated by spaces) measures others.
source "$(dirname "$0")/lib.sh"

RESULTS=${1:-steps/ch27-tokio-web/results.txt}
# The book's servers to measure after nginx; chapter 28 measures its own:
# SERVERS="ch27-tokio-web ch28-axum" ci/measure-web.sh steps/ch28-axum/results.txt
read -r -a SERVERS <<<"${SERVERS:-ch21-under-fire ch27-tokio-web}"
URL=http://127.0.0.1:7878/
NGINX_PORT=7979
LOADS=("-c50" "-c1000")

command -v wrk >/dev/null || die "wrk not found: install it (Debian, Ubuntu: sudo apt-get install wrk)"
NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null) ||
    die "nginx not found: install it (Debian, Ubuntu: sudo apt-get install nginx-light)"
# wrk's 1,000 connections, and the servers' as many.
ulimit -n 8192 2>/dev/null || die "cannot raise the open-file limit to 8192 (ulimit -n)"
export RUST_BACKTRACE=0

step "Building the servers and the hostile clients (cargo build --release)"
build_release_steps "${SERVERS[@]}" hostile
HOSTILE="$target_dir/release/hostile"
nginx_pid=
cleanup() {
    stop_server
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
    true
}
trap cleanup EXIT

sleeps_only() { "$HOSTILE" --sleeps-only | sed 's/^Four/four/; s/\.$//' || true; }
threads_of() { ls "/proc/$1/task" | wc -l; }
# The 2xx answers per second: wrk's requests per second $1, times the share
# of its $2 requests that were not among the $3 not 2xx.
ok_per_second() { awk -v r="$1" -v n="$2" -v bad="$3" 'BEGIN { printf "%d", r * (n - bad) / n }'; }

# Runs wrk with the load $1 against $2; prints one row of the table for the
# server named $3, whose pid is $4 (for its threads).
measure() {
    local out requests non_2xx socket per_second p50 p99 max most=0 pid=$4
    out=$ROOT/build/measure-web-wrk.txt
    timeout 40 wrk -t2 "$1" -d10s --timeout 5s --latency "$2" >"$out" 2>&1 &
    local wrk_pid=$!
    # The most threads the server ran during the load.
    while kill -0 "$wrk_pid" 2>/dev/null; do
        local now
        now=$(threads_of "$pid" 2>/dev/null || echo 0)
        [ "$now" -gt "$most" ] && most=$now
        sleep 0.2
    done
    wait "$wrk_pid" || die "wrk failed: $(cat "$out")"
    read -r requests non_2xx socket per_second p50 p99 max <<<"$(wrk_figures "$(cat "$out")")"
    printf '%-15s  %-6s  %10s  %10s  %8s  %-13s  %8s  %8s  %7s\n' "$3" "$1" "$per_second" \
        "$(ok_per_second "$per_second" "$requests" "$non_2xx")" "$non_2xx" "$socket" "$p99" "$max" "$most"
}

row() { printf '%-15s  %-6s  %10s  %10s  %8s  %-13s  %8s  %8s  %7s\n' "$@"; }
table=$(row server load "requests/s" "2xx/s" "not 2xx" "socket errors" "p99" "max" threads)
table+=$'\n'$(row --------------- ------ ---------- ---------- -------- ------------- -------- -------- -------)

step "nginx ($("$NGINX" -v 2>&1 | sed 's/.*: //')), two workers, keep-alive"
nginx_dir=$ROOT/build/nginx-keep-alive
mkdir -p "$nginx_dir/logs"
cat >"$nginx_dir/nginx.conf" <<EOF
# Written by ci/measure-web.sh: hello.html at /, two worker processes,
# connections kept open as the book's servers keep them.
worker_processes 2;
error_log $nginx_dir/logs/error.log;
pid $nginx_dir/nginx.pid;
daemon off;
events { worker_connections 4096; }
http {
    access_log $nginx_dir/logs/access.log;
    keepalive_timeout 5;
    keepalive_requests 100;
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
for load in "${LOADS[@]}"; do
    # nginx's threads: those of its worker processes.
    table+=$'\n'$(measure "$load" "http://127.0.0.1:$NGINX_PORT/" nginx "$(pgrep -P "$nginx_pid" | head -1)")
done
kill "$nginx_pid"
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=

alive=
for name in "${SERVERS[@]}"; do
    step "$name"
    for load in "${LOADS[@]}"; do
        start_server "$name"
        table+=$'\n'$(measure "$load" "$URL" "$name" "$server")
        alive+="$name after $load: $(sleeps_only)"$'\n'
        stop_server
    done
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cores=$(getconf _NPROCESSORS_ONLN)
{
    echo "Part IV's web servers beside nginx, on 127.0.0.1, the same file (steps/hello.html)"
    echo "machine: ${cpu:-unknown CPU}, $cores cores; kernel: $(uname -sr)"
    echo "run:     $(date -u +%Y-%m-%d), by ci/measure-web.sh; release builds;"
    echo "         $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); $("$NGINX" -v 2>&1 | sed 's/.*: //')"
    echo "load:    wrk -t2 -c50 -d10s --timeout 5s, then -c1000; each server started afresh"
    echo "nginx:   $nginx_workers worker processes, keepalive_timeout 5, keepalive_requests 100,"
    echo "         an access log line for each request; its threads: one worker process's"
    echo
    echo "$table"
    echo
    printf '%s' "$alive"
} >"$RESULTS"
say "done: $RESULTS"
cat "$RESULTS"
