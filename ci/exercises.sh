#!/usr/bin/env bash
# Checks the exercises, steps/exercises/<nn>-<name>/, in both directions:
#
# - the starting point (start/) compiles, fails every `goal_…` test and
#   passes every `still_…` test: it is not solved as shipped, not even in part;
# - the solution (solution/) passes every test: the exercise can be solved.
#
# Both crates run one and the same test file, tests.rs beside them, so the
# solution cannot pass other tests than the reader's. A test that is named
# neither `goal_…` nor `still_…` fails the check. Everything is built first,
# once; a starting point that does not compile is an error, not a failing test.
source "$(dirname "$0")/lib.sh"
cd steps

# package_of CRATE_DIR: the package name in its Cargo.toml.
package_of() { sed -n 's/^name = "\(.*\)"$/\1/p' "$1/Cargo.toml" | head -n 1; }

# test_binaries PACKAGE: the test executables of PACKAGE (built already).
test_binaries() {
    cargo test --no-run --locked --quiet -p "$1" --message-format=json |
        grep -E '"profile":\{[^}]*"test":true' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p'
}

# run_tests PACKAGE LOG: runs every test of PACKAGE; LOG gets one line per
# test, "ok NAME" or "failed NAME" (NAME without its module path), and
# LOG.out what the tests printed. Fails if a test did not report.
run_tests() {
    local package=$1 log=$2 binary listed
    : >"$log"
    : >"$log.out"
    listed=$(mktemp)
    for binary in $(test_binaries "$package"); do
        "$binary" --list --format terse 2>/dev/null | sed -n 's/^\(.*\): test$/\1/p' >>"$listed"
        # libtest's log file: one line per test, whatever the tests print.
        "$binary" --logfile "$log.part" >>"$log.out" 2>&1 || true
        cat "$log.part" >>"$log" 2>/dev/null || true
        rm -f "$log.part"
    done
    # Without the module path: `tests::goal_1_…` is `goal_1_…`.
    sed 's/^\([a-z]*\) \(.*::\)\{0,1\}\([^:]*\)$/\1 \3/' "$log" >"$log.names" && mv "$log.names" "$log"
    sed 's/^.*:://' "$listed" >"$listed.names" && mv "$listed.names" "$listed"
    local missing
    missing=$(comm -23 <(sort "$listed") <(cut -d' ' -f2 "$log" | sort))
    rm -f "$listed"
    if [ -n "$missing" ]; then
        say "$package: these tests did not report (did the test binary crash?): $missing"
        return 1
    fi
}

# names LOG STATUS PREFIX: the tests in LOG with STATUS (ok, failed) whose name starts with PREFIX.
names() { awk -v status="$2" -v prefix="$3" '$1 == status && index($2, prefix) == 1 { print $2 }' "$1"; }

exercises=()
packages=()
for dir in exercises/*/; do
    dir=${dir%/}
    exercises+=("$dir")
    packages+=(-p "$(package_of "$dir/start")" -p "$(package_of "$dir/solution")")
done
[ "${#exercises[@]}" -gt 0 ] || die "no exercises in steps/exercises/"

say "Building the ${#exercises[@]} exercises' starting points and solutions with their tests"
cargo test --no-run --locked --quiet "${packages[@]}" ||
    die "an exercise does not compile (above): a starting point must compile, and fail its tests"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for dir in "${exercises[@]}"; do
    start=$(package_of "$dir/start")
    solution=$(package_of "$dir/solution")
    ok=true

    # One test file, tests.rs, and only that one, for both crates.
    [ -f "$dir/tests.rs" ] || { say "$dir: no tests.rs"; ok=false; }
    for crate in "$dir/start" "$dir/solution"; do
        if [ -e "$crate/tests" ] || [ -e "$crate/src/tests.rs" ]; then
            say "$crate: has tests of its own; the exercise's tests belong in $dir/tests.rs"
            ok=false
        fi
        if ! grep -qF 'path = "../tests.rs"' "$crate/Cargo.toml" &&
            ! grep -qF '#[path = "../../tests.rs"]' "$crate/src/main.rs"; then
            say "$crate: does not run $dir/tests.rs"
            ok=false
        fi
    done

    run_tests "$start" "$work/start" || ok=false
    run_tests "$solution" "$work/solution" || ok=false

    others=$(cut -d' ' -f2 "$work/start" "$work/solution" | grep -v -e '^goal_' -e '^still_' || true)
    if [ -n "$others" ]; then
        say "$dir: every test is named goal_… or still_…, not:" $others
        ok=false
    fi
    goals=$(names "$work/start" failed goal_ | wc -l)
    if [ "$goals" -eq 0 ]; then
        say "$start: no goal_… test fails"
        ok=false
    fi
    solved=$(names "$work/start" ok goal_)
    if [ -n "$solved" ]; then
        say "$start: solved as shipped, these goals pass already:" $solved
        ok=false
    fi
    broken=$(names "$work/start" failed still_)
    if [ -n "$broken" ]; then
        say "$start: these still_… tests fail, they must pass from the start:" $broken
        ok=false
    fi
    unsolved=$(names "$work/solution" failed "")
    if [ -n "$unsolved" ]; then
        sed 's/^/        /' "$work/solution.out"
        say "$solution: fails (its output is above):" $unsolved
        ok=false
    fi
    if ! diff -q <(cut -d' ' -f2 "$work/start" | sort) <(cut -d' ' -f2 "$work/solution" | sort) >/dev/null; then
        say "$dir: the starting point and the solution do not run the same tests"
        ok=false
    fi

    if $ok; then
        stills=$(names "$work/start" ok still_ | wc -l)
        say "$dir: $start fails its $goals goal_… tests (its $stills still_… pass); $solution passes all $((goals + stills))"
    else
        status=1
    fi
done
exit "$status"
