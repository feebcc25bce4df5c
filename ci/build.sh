#!/usr/bin/env bash
# Builds the book in every language into one site, build/site/: English at the
# root, each translation under /<language>/. Fails on any warning of mdBook.
#
#   SITE_ROOT   where the site will be served from (default "/"; the GitHub
#               Pages workflow sets "/<repository>/")
#   SITE_URL    the public address of the published site, for the canonical
#               and hreflang links of every page and for sitemap.xml (default
#               in ci/lib.sh: where the Pages workflow publishes it)
#
# Then the translations load the fonts, stylesheets and scripts they share
# with the English book from its copy (`book-tools share-assets`), and every
# page names its translations (`book-tools alternates`).
source "$(dirname "$0")/lib.sh"
ensure_book_toolchain
ensure_book_tools

SITE_ROOT=${SITE_ROOT:-/}
case "$SITE_ROOT" in */) ;; *) SITE_ROOT="$SITE_ROOT/" ;; esac

rm -rf build/site
mkdir -p build/site

# build_language LANG: builds the book in LANG into build/LANG/html (and its
# Markdown, for the skeptic check, into build/LANG/markdown).
build_language() {
    local lang=$1 url title edit_url not_found log
    if [ "$lang" = en ]; then
        url=$SITE_ROOT
        title=$BOOK_TITLE
        edit_url="$(sed -n 's/^edit-url-template = "\(.*\)"$/\1/p' book.toml)"
    else
        [ -f "po/$lang.po" ] || die "po/$lang.po is missing"
        url="$SITE_ROOT$lang/"
        title=$("$BOOK_TOOLS" po-msgstr "po/$lang.po" "$BOOK_TITLE") ||
            die "po/$lang.po has no translation of the title \"$BOOK_TITLE\""
        # Readers who want to improve a translation edit its po file.
        edit_url="$(sed -n 's/^git-repository-url = "\(.*\)"$/\1/p' book.toml)/edit/main/po/$lang.po"
    fi

    # The "page not found" page, translated through the same po file.
    rm -rf "build/404/$lang"
    MDBOOK_BOOK__LANGUAGE=$lang mdbook build ci/page-404 -d "$ROOT/build/404/$lang" >"build/404-$lang.log" 2>&1 ||
        { cat "build/404-$lang.log"; die "building the 404 page in $lang failed"; }

    rm -rf "build/$lang"
    log="build/mdbook-$lang.log"
    # mdBook writes the page for an absolute input-404 next to its input:
    # build/404/<language>/404.html, which we move into place below.
    if ! MDBOOK_BOOK__LANGUAGE=$lang \
        MDBOOK_BOOK__TITLE=$title \
        MDBOOK_OUTPUT__HTML__SITE_URL=$url \
        MDBOOK_OUTPUT__HTML__EDIT_URL_TEMPLATE=$edit_url \
        MDBOOK_OUTPUT__HTML__INPUT_404="$ROOT/build/404/$lang/404.md" \
        mdbook build -d "$ROOT/build/$lang" >"$log" 2>&1; then
        cat "$log"
        die "mdbook failed for $lang"
    fi
    if grep -E 'WARN|ERROR' "$log"; then
        die "mdbook printed warnings for $lang (above); the book must build cleanly"
    fi

    # src/404/ holds the source of that page, not a part of the book.
    rm -rf "build/$lang/html/404"
    # Its <title> says "Page not found" in English whatever the language.
    not_found=$(sed -n 's/^# //p' "build/404/$lang/404.md" | head -n 1)
    sed "s|<title>Page not found - |<title>$not_found - |" "build/404/$lang/404.html" >"build/$lang/html/404.html"
    # What axe-core finds wrong in the markup of mdBook's templates (see ci/tools/src/a11y.rs).
    "$BOOK_TOOLS" a11y-markup "build/$lang/html" --title "$title" >/dev/null

    # The quiz's script asks theme/interface.js for its buttons' texts (the
    # same script in every language: the translations share the root's copy).
    "$BOOK_TOOLS" quiz-widget "build/$lang/html/quiz/quiz-embed.iife.js" >/dev/null ||
        die "preparing the quiz's script for $lang failed"

    # mdBook's own interface (buttons, search, keyboard help), the quiz's, and
    # the description, in the translation's language: ci/tools/src/interface.rs;
    # the quizzes' questions and explanations: ci/tools/src/quiz.rs.
    if [ "$lang" != en ]; then
        "$BOOK_TOOLS" interface-apply --po "po/$lang.po" --description "$BOOK_DESCRIPTION" "build/$lang/html" ||
            die "translating the interface of $lang failed"
        "$BOOK_TOOLS" quiz-apply --po "po/$lang.po" "build/$lang/html" ||
            die "translating the quizzes of $lang failed"
    fi

    # mdBook indexes every language with English rules; rebuild the index
    # with this language's (and name it and its users anew).
    "$BOOK_TOOLS" search-index --language "$lang" "build/$lang/html" >"build/search-$lang.log" ||
        die "rebuilding the search index for $lang failed"

    say "$(find "build/$lang/html" -name '*.html' | wc -l) pages"
}

for lang in "${LANGUAGES[@]}"; do
    # A language is built again only if something it is made of changed:
    # the text, the listings it includes, the theme, the tools or its po file.
    mapfile -t inputs < <(book_inputs)
    [ "$lang" = en ] || inputs+=("po/$lang.po")
    [ -d "build/$lang/html" ] && [ -d "build/$lang/markdown" ] || rm -f "$PASSED_DIR/book-$lang"
    step "Building the book in $lang"
    KEY_EXTRA="site root $SITE_ROOT" unless_unchanged "book-$lang" "${inputs[@]}" -- build_language "$lang"

    if [ "$lang" = en ]; then
        cp -R "build/$lang/html/." build/site/
    else
        cp -R "build/$lang/html" "build/site/$lang"
    fi
done

step "One copy of what the languages share; canonical and hreflang links, sitemap.xml"
"$BOOK_TOOLS" share-assets build/site --site-root "$SITE_ROOT" "${TRANSLATIONS[@]}"
"$BOOK_TOOLS" alternates build/site --url "$SITE_URL" "${LANGUAGES[@]}"

step "The site is in build/site"
