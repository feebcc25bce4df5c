#!/usr/bin/env bash
# Checks the steps that must not compile: the crates listed under `exclude`
# in steps/Cargo.toml. Each must fail to build with exactly the output the
# book shows, steps/<step>/expected-error.txt (paths made relative).
#
#   ci/compile-fail.sh            check
#   ci/compile-fail.sh --update   rewrite expected-error.txt, e.g. after a
#                                 new Rust release changed a message
source "$(dirname "$0")/lib.sh"

update=false
case "${1:-}" in
--update) update=true ;;
"") ;;
*) die "usage: ci/compile-fail.sh [--update]" ;;
esac

mapfile -t crates < <(sed -n '/^exclude = \[/,/^\]/p' steps/Cargo.toml | sed -n 's/^ *"\(.*\)",$/\1/p')
[ "${#crates[@]}" -gt 0 ] || die "no compile-fail steps found under exclude in steps/Cargo.toml"

status=0
for crate in "${crates[@]}"; do
    dir="steps/$crate"
    expected="$dir/expected-error.txt"
    rustfmt --check --edition 2024 "$dir"/src/*.rs || status=1

    set +e
    actual=$(cd "$dir" && CARGO_TARGET_DIR="$ROOT/steps/target/compile-fail" RUSTFLAGS= \
        cargo build --locked --color never 2>&1)
    built=$?
    set -e
    if [ "$built" -eq 0 ]; then
        say "$dir: compiles, but the book shows it failing"
        status=1
        continue
    fi
    # What a reader sees, without what depends on this machine.
    actual=$(printf '%s\n' "$actual" |
        sed -e "s|$ROOT/||g" -e '/^ *Finished /d' -e '/^ *Blocking /d' -e '/^warning: build failed/d')

    if $update; then
        printf '%s\n' "$actual" >"$expected"
        say "$expected written"
    elif ! diff -u "$expected" <(printf '%s\n' "$actual"); then
        say "$dir: the compiler's output differs from $expected (above)."
        say "If the new output is right (a new Rust release), run ci/compile-fail.sh --update."
        status=1
    else
        say "$dir: fails as the book shows ($(grep -m1 -o 'error\[E[0-9]*\]' "$expected"))"
    fi
done
exit "$status"
