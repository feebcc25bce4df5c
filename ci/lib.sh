# Shared by the scripts in ci/: pinned tool versions, languages, and helpers
# that install what is missing. Sourced, not run.
# shellcheck shell=bash

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# The languages of the book: the source language first, then the translations
# (each has po/<language>.po and is published under /<language>/).
LANGUAGES=(en de pt-BR)
TRANSLATIONS=(de pt-BR)

# The public address of the site (the English book; each translation is under
# <language>/ below it): the canonical and hreflang links of every page and
# sitemap.xml name it. The default is where .github/workflows/book.yml publishes
# the site; that workflow sets it from GitHub Pages' own settings.
SITE_URL=${SITE_URL:-https://serving-the-web-with-rust.github.io/book/}
export SITE_URL

# Pinned tools. Change a version here and every script follows.
MDBOOK_VERSION=0.5.4
I18N_HELPERS_VERSION=0.4.0
# The quizzes at the end of the chapters. ci/tools/src/quiz.rs knows this
# version's script (`book-tools quiz-widget`): a new one must be checked there.
MDBOOK_QUIZ_VERSION=0.5.0

# The English title, as in book.toml; translated titles come from the po files.
BOOK_TITLE=$(sed -n 's/^title = "\(.*\)"$/\1/p' book.toml | head -n 1)
# Its description (the pages' <meta name="description">), translated like mdBook's interface.
BOOK_DESCRIPTION=$(sed -n 's/^description = "\(.*\)"$/\1/p' book.toml | head -n 1)

BOOK_TOOLS="$ROOT/ci/tools/target/debug/book-tools"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
say() { printf '    %s\n' "$*"; }
die() {
    printf '\033[31merror:\033[0m %s\n' "$*" >&2
    exit 1
}

# ensure_cargo_tool CRATE VERSION BINARY [--debug]: installs CRATE at VERSION
# unless cargo already installed exactly that version and BINARY is on the
# PATH. With --debug, unoptimised: for a tool that does little work, whose
# optimised build would take minutes of a cold ci/test.sh.
ensure_cargo_tool() {
    local crate=$1 version=$2 binary=$3
    local profile=("${@:4}")
    if command -v "$binary" >/dev/null 2>&1 &&
        cargo install --list | grep -qxF "$crate v$version:"; then
        return
    fi
    step "Installing $crate $version (cargo install --locked ${profile[*]}; a few minutes, once)"
    cargo install --locked --quiet "${profile[@]}" "$crate" --version "=$version" ||
        die "could not install $crate $version"
}

# apt_install PACKAGE...: installs Debian packages (as root, or with sudo).
apt_install() {
    command -v apt-get >/dev/null || die "please install $* with your package manager"
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    step "Installing $* (apt-get)"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null ||
        die "could not install $* with apt-get"
}

# ensure_gettext: msgfmt, msgmerge and msgcat, from the system's package manager.
ensure_gettext() {
    if command -v msgfmt >/dev/null && command -v msgmerge >/dev/null && command -v msgcat >/dev/null; then
        return
    fi
    if command -v brew >/dev/null && ! command -v apt-get >/dev/null; then
        brew install gettext || die "could not install gettext with brew"
    else
        apt_install gettext
    fi
}

# ensure_browser_tools: Node.js and npm, Chromium, and the pinned
# playwright-core and axe-core of ci/browser/package-lock.json, for the browser tests.
ensure_browser_tools() {
    command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
    [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || apt_install chromium
    if [ ! -d ci/browser/node_modules/playwright-core ] || [ ! -d ci/browser/node_modules/axe-core ]; then
        step "Installing playwright-core and axe-core (npm ci in ci/browser)"
        (cd ci/browser && npm ci --silent --no-audit --no-fund) || die "npm ci failed in ci/browser"
    fi
}

# ensure_book_tools: our own checker and server, ci/tools (its crates pinned
# by ci/tools/Cargo.lock).
ensure_book_tools() {
    cargo build --quiet --locked --manifest-path ci/tools/Cargo.toml ||
        die "could not build ci/tools"
}

ensure_book_toolchain() {
    command -v cargo >/dev/null || die "cargo not found: install Rust from https://rustup.rs first"
    export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
    # Measured on 2 cores: mdBook takes 50 s to install unoptimised against
    # 119 s optimised, and builds a language in 1.4 s instead of 0.9 s.
    ensure_cargo_tool mdbook "$MDBOOK_VERSION" mdbook --debug
    # Optimised: unoptimised, it takes 8.5 s instead of 1.6 s to translate a book.
    ensure_cargo_tool mdbook-i18n-helpers "$I18N_HELPERS_VERSION" mdbook-gettext
    # About 1 minute unoptimised on 2 cores, against 2 to 3 optimised; it makes
    # each language's build about 2 s slower (it validates the quizzes).
    ensure_cargo_tool mdbook-quiz "$MDBOOK_QUIZ_VERSION" mdbook-quiz --debug
    ensure_gettext
}

# extract_pot DIR: writes DIR/messages.pot, every message of the English book,
# of its "page not found", of the quizzes (src/quizzes: ci/tools/src/quiz.rs),
# and of the interface around them (mdBook's buttons, search and keyboard help,
# the language picker, the quiz's buttons, the description: the list in
# ci/tools/src/interface.rs). Needs book-tools (ensure_book_tools).
extract_pot() {
    local dir=$1
    mkdir -p "$dir/main" "$dir/page-404"
    local book
    for book in main page-404; do
        local root=.
        [ "$book" = main ] || root=ci/$book
        if ! MDBOOK_OUTPUT='{"xgettext": {"granularity": 0}}' \
            mdbook build "$root" -d "$dir/$book" >"$dir/$book.log" 2>&1; then
            cat "$dir/$book.log" >&2
            echo "error: extracting the messages of $root failed" >&2
            return 1
        fi
    done
    "$BOOK_TOOLS" interface-pot --description "$BOOK_DESCRIPTION" "$dir/interface.pot"
    "$BOOK_TOOLS" quiz-pot src/quizzes "$dir/quiz.pot"
    msgcat --use-first "$dir/main/messages.pot" "$dir/page-404/messages.pot" "$dir/quiz.pot" \
        "$dir/interface.pot" -o "$dir/messages.pot.all"
    # A message of digits alone (a cell of a measured table, whose rows come
    # from steps/loadgen/results/rows/) reads the same in every language and
    # changes with every measurement: it is left out, and the gettext
    # preprocessor leaves it as it is. Quiz answers (msgctxt) stay.
    perl -00 -ne 'print unless /^msgid "(?:[0-9 .,]|\xe2\x80\xaf)+"\nmsgstr ""/m && !/^msgctxt /m' \
        "$dir/messages.pot.all" >"$dir/messages.pot"
}

# For the measurement scripts (ci/measure-*.sh): release builds of step
# servers, started from steps/ on port 7878, one at a time.
SERVER_LOG="$ROOT/build/measure-server.log"
# What it prints on stderr: apart, since stderr is written piece by piece
# and would break the lines of stdout in the middle.
SERVER_ERRORS="$ROOT/build/measure-server.err"
server=

# Builds the packages named, in release mode, and sets `target_dir`.
build_release_steps() {
    (cd steps && cargo build --release --quiet "${@/#/-p}") || die "the build failed"
    target_dir=$(cd steps && cargo metadata --format-version 1 --no-deps |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    [ -n "$target_dir" ] || die "could not find cargo's target directory"
}

# Starts the step server $1 from steps/ (where it finds its pages) and
# waits until it listens; sets `server` to its pid. Its output goes to
# $SERVER_LOG and $SERVER_ERRORS.
start_server() {
    mkdir -p "$ROOT/build"
    # exec keeps the pid of the subshell.
    (cd steps && exec "$target_dir/release/$1") >"$SERVER_LOG" 2>"$SERVER_ERRORS" &
    server=$!
    for _ in $(seq 100); do
        grep -q '^Listening on' "$SERVER_LOG" && return 0
        kill -0 "$server" 2>/dev/null || { cat "$SERVER_LOG" "$SERVER_ERRORS" >&2; die "$1 exited (is port 7878 in use?)"; }
        sleep 0.1
    done
    die "$1 did not print \"Listening on\" within 10 s"
}

# Stops the server, if it runs: Ctrl-C, and after half a second a second
# Ctrl-C, which ends it at once.
stop_server() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -INT "$server" 2>/dev/null || true
        sleep 0.5
        kill -INT "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    server=
}

# wrk's figures, from its output $1: `requests non_2xx socket_errors per_second p50 p99 max`.
wrk_figures() {
    local out=$1
    local requests non_2xx socket per_second p50 p99 max
    requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
    non_2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
    socket=$(sed -n 's/^ *Socket errors: *//p' <<<"$out" | tr -d ' ')
    per_second=$(sed -n 's/^Requests\/sec: *\([0-9]*\).*/\1/p' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    max=$(awk '$1 == "Latency" { print $4 }' <<<"$out")
    echo "$requests ${non_2xx:-0} ${socket:-none} $per_second $p50 $p99 $max"
}

# What a warm run need not repeat. A check (or a language's build) whose
# every input is as it was when it last passed is not run again:
# `unless_unchanged NAME PATH... -- COMMAND...` runs COMMAND only if the files
# under the PATHs (directories without their target/ and node_modules/, or
# files), the tools that check them, or this helper changed since COMMAND
# last passed with them; it records each pass in build/passed/NAME. A clean
# clone, as CI has, runs everything; so does CHECK_CACHE=0.
PASSED_DIR="$ROOT/build/passed"

# The versions of the tools every check depends on besides its files.
tools_fingerprint() {
    if [ -z "${TOOLS_FINGERPRINT:-}" ]; then
        TOOLS_FINGERPRINT=$(
            rustc -V 2>&1
            cargo -V 2>&1
            echo "mdbook $MDBOOK_VERSION, i18n-helpers $I18N_HELPERS_VERSION, quiz $MDBOOK_QUIZ_VERSION"
            command -v node >/dev/null && node --version
            [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && "${CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null
            sha256sum "$ROOT/ci/lib.sh"
            true
        )
    fi
    printf '%s\n' "$TOOLS_FINGERPRINT"
}

# inputs_key PATH...: one hash of the tools and of every file under the
# PATHs (relative to the root), names and contents, and of $KEY_EXTRA (what
# else a result depends on, such as a setting). src/quiz is left out:
# mdbook-quiz writes it.
inputs_key() {
    {
        tools_fingerprint
        echo "${KEY_EXTRA:-}"
        local path
        for path in "$@"; do
            if [ -e "$path" ]; then
                find "$path" \( -name target -o -name node_modules -o -path src/quiz \) -prune -o -type f -print
            else
                echo "(no $path)"
            fi
        done | LC_ALL=C sort | tr '\n' '\0' | xargs -0 -r sha256sum
    } | sha256sum | cut -d ' ' -f 1
}

unless_unchanged() {
    local name=$1 paths=()
    shift
    while [ "$1" != -- ]; do
        paths+=("$1")
        shift
    done
    shift
    local key record="$PASSED_DIR/$name"
    key=$(inputs_key "${paths[@]}")
    if [ "${CHECK_CACHE:-1}" != 0 ] && [ -f "$record" ] && [ "$(cat "$record")" = "$key" ]; then
        local shown="${paths[*]:0:7}"
        [ "${#paths[@]}" -le 7 ] || shown="$shown and $((${#paths[@]} - 7)) more"
        say "skipped: passed before, and nothing it checks has changed since ($shown); CHECK_CACHE=0 runs it"
        return 0
    fi
    rm -f "$record"
    "$@" || return
    mkdir -p "$PASSED_DIR"
    echo "$key" >"$record"
}

# book_inputs: what the book is made of, for unless_unchanged: its text,
# theme, configuration and tools, and the files of steps/ that it includes
# (its listings, transcripts and results), not the rest of steps/.
book_inputs() {
    printf "%s\n" src theme book.toml ci/page-404 ci/build.sh ci/tools
    grep -rhoE '\{\{#(rustdoc_)?include \.\./steps/[^}:]+' src | sed -E 's/.*\.\.\/(steps\/[^}:]*)/\1/' | sort -u
}
