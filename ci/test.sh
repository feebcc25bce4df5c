#!/usr/bin/env bash
# Runs every test and check of the project; `.ci/run` calls exactly this.
# Installs what is missing first. Every check runs, even after one failed, and
# the summary at the end names the ones that failed.
source "$(dirname "$0")/lib.sh"

step "Checking the tools"
ensure_book_toolchain
# Warnings fail the build, in the steps and in our own tools alike. (Set after
# the installs above: it must not apply to the tools cargo installs.)
export RUSTFLAGS="-D warnings"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-auto}
ensure_book_tools

passed=()
failed=()

# check NAME COMMAND...: runs one check and records how it went.
check() {
    local name=$1
    shift
    step "$name"
    local start=$SECONDS
    # In a background subshell with `set -e`: a command that fails inside a
    # check fails the check. (Run as the condition of `if` or `||`, bash would
    # silently ignore `set -e` in everything the check runs.)
    (
        set -euo pipefail
        "$@"
    ) &
    if wait "$!"; then
        passed+=("$name ($((SECONDS - start)) s)")
    else
        failed+=("$name ($((SECONDS - start)) s)")
        printf '\033[31mFAILED:\033[0m %s\n' "$name"
    fi
}

# check_in_background NAME COMMAND...: starts a check that mostly waits (the
# steps' tests sit in their servers' five-second sleeps) beside the checks
# that follow; finish_background_checks prints its output and records it.
background=()
check_in_background() {
    local name=$1
    shift
    local log
    log=$(mktemp)
    {
        # As in `check`: a background subshell with `set -e`, then `wait`.
        (
            set -euo pipefail
            "$@"
        ) >"$log" 2>&1 &
        local status=0
        wait "$!" || status=$?
        echo "$status $SECONDS" >"$log.done"
    } &
    background+=("$!:$SECONDS:$log:$name")
    step "$name (in the background; its output comes at the end)"
}

finish_background_checks() {
    local entry pid start log name status end
    for entry in "${background[@]}"; do
        IFS=: read -r pid start log name <<<"$entry"
        wait "$pid" || true
        read -r status end <"$log.done"
        step "$name (ran in the background)"
        cat "$log"
        if [ "$status" -eq 0 ]; then
            passed+=("$name ($((end - start)) s)")
        else
            failed+=("$name ($((end - start)) s)")
            printf '\033[31mFAILED:\033[0m %s\n' "$name"
        fi
        rm -f "$log" "$log.done"
    done
    background=()
}

in_dir() { (cd "$1" && shift && "$@"); }

workspace_build() {
    # `cargo build` also warns about output filename collisions between crates.
    local log
    log=$(mktemp)
    cargo build --workspace --all-targets 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]}
    if grep -q '^warning' "$log"; then
        echo "cargo build printed warnings (above)"
        status=1
    fi
    rm -f "$log"
    return "$status"
}

check "steps: rustfmt" in_dir steps cargo fmt --all --check
check "steps: build, warning-free" in_dir steps workspace_build
check "steps: clippy" in_dir steps cargo clippy --workspace --all-targets --quiet -- -D warnings
# The exercises (packages `ex<N>-…`) are checked on their own: their starting
# points must fail their tests. Before the steps' tests, which hold
# steps/target's lock while they run.
# What the exercises are made of: their crates, the crates they build on, the
# workspace's manifest and lock file, and the script that checks them.
exercise_inputs() {
    echo steps/exercises steps/testkit steps/check steps/Cargo.toml steps/Cargo.lock ci/exercises.sh
    sed -n 's|.*path = "\.\./\.\./\.\./\([^"]*\)".*|steps/\1|p' steps/exercises/*/*/Cargo.toml | sort -u
}
# shellcheck disable=SC2046 # one path per word
check "steps: every exercise fails as shipped and passes once solved" \
    unless_unchanged exercises $(exercise_inputs) -- ci/exercises.sh
# Built already (above), so the tests only run, six test binaries at a
# time: most of them wait (for `/sleep`, for time limits), and one after the
# other, as `cargo test` runs them, their waits add up to minutes.
check_in_background "steps: tests (six test binaries at a time)" \
    "$BOOK_TOOLS" test-side-by-side --dir steps --jobs 6 -- --workspace --exclude 'ex[0-9]*'
check "steps: the listings that must not compile fail as the book shows" ci/compile-fail.sh
# A workspace of its own (cargo fuzz builds it on nightly); checked here
# without libFuzzer, whose C++ the test command need not build.
fuzz_target_compiles() {
    cargo fmt --check && cargo clippy --no-default-features --quiet -- -D warnings
}
check "steps: chapter 16's fuzz target compiles" in_dir steps/ch16-parser/fuzz fuzz_target_compiles

check "ci/tools: rustfmt" in_dir ci/tools cargo fmt --check
check "ci/tools: clippy" in_dir ci/tools cargo clippy --all-targets --quiet -- -D warnings
check "ci/tools: tests" unless_unchanged tools-tests ci/tools -- in_dir ci/tools cargo test --quiet
check "ci/skeptic: rustfmt" in_dir ci/skeptic cargo fmt --check

check "quizzes: one of 3 to 6 questions per chapter, each explained; every tracing answer proven by rustc" \
    "$BOOK_TOOLS" quiz-check src

check "book: builds in every language without warnings" ci/build.sh

check "site: every internal link and anchor resolves" "$BOOK_TOOLS" links build/site

# In a subshell, so that a failed install fails this check, not the whole run.
browser_tests() {
    (ensure_browser_tools && cd ci/browser && node --test)
}
# Skipped while the site, the tests and book-tools (their server) are as they
# were when the tests last passed; the page sweep of axe-core also keeps a
# record per page (ci/browser/clean-record.mjs).
browser_tests_unless_unchanged() {
    unless_unchanged browser build/site ci/browser ci/tools -- browser_tests
}
check "site: in a real browser (Chromium): interface, picker, search, 404 pages, hreflang and sitemap, shared assets, listing widths, the quizzes, the exercises' folds, the timelines, accessibility (axe-core)" browser_tests_unless_unchanged

PO_FILES=()
for lang in "${TRANSLATIONS[@]}"; do PO_FILES+=("po/$lang.po"); done

po_valid() {
    local po status=0
    for po in "${PO_FILES[@]}"; do
        msgfmt --check -o /dev/null "$po" || status=1
    done
    return "$status"
}
check "po: valid (msgfmt --check)" po_valid

po_complete() {
    extract_pot "$ROOT/build/pot" &&
        "$BOOK_TOOLS" po-check --pot build/pot/messages.pot "${PO_FILES[@]}"
}
# shellcheck disable=SC2046 # one path per word
check "po: complete, none fuzzy, in step with the English text" \
    unless_unchanged po-complete $(book_inputs) po -- po_complete

code_matches() {
    local lang status=0
    for lang in "${TRANSLATIONS[@]}"; do
        "$BOOK_TOOLS" code-check build/en/markdown "build/$lang/markdown" || status=1
    done
    return "$status"
}
check "listings: translations change only comments and messages" code_matches

check "listings: every Rust block compiles, in every language (skeptic)" \
    unless_unchanged skeptic build/en/markdown build/de/markdown build/pt-BR/markdown ci/skeptic -- \
    in_dir ci/skeptic cargo test --quiet



finish_background_checks

step "Summary"
for name in "${passed[@]}"; do say "ok      $name"; done
for name in "${failed[@]}"; do say "FAILED  $name"; done
say "all checks took $SECONDS s"
echo "checks: ${#passed[@]} passed, ${#failed[@]} failed"
[ "${#failed[@]}" -eq 0 ]
