#!/usr/bin/env bash
# Refreshes the translation catalogue after the English text changed:
# extracts po/messages.pot from the book, then merges it into every
# po/<language>.po with msgmerge. New messages arrive untranslated, changed
# ones as fuzzy; `ci/test.sh` lists both until they are translated.
source "$(dirname "$0")/lib.sh"
ensure_book_toolchain
ensure_book_tools

step "Extracting the English messages into po/messages.pot"
extract_pot "$ROOT/build/pot"
cp build/pot/messages.pot po/messages.pot
say "$(grep -c '^msgid ' po/messages.pot) messages"

for lang in "${TRANSLATIONS[@]}"; do
    po="po/$lang.po"
    if [ ! -f "$po" ]; then
        step "Creating $po"
        msginit --no-translator --locale="$lang" --input=po/messages.pot --output-file="$po" >/dev/null
    else
        step "Merging the new catalogue into $po"
        msgmerge --quiet --update --backup=none "$po" po/messages.pot
    fi
    say "$(msgfmt --statistics -o /dev/null "$po" 2>&1)"
done
