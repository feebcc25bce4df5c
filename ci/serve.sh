#!/usr/bin/env bash
# Builds the book in every language and serves it on http://127.0.0.1:3000
# (English at /, German at /de/, Brazilian Portuguese at /pt-BR/). Rebuilds
# when the text, the translations, the theme or the steps change.
#
#   PORT   the port to serve on (default 3000)
source "$(dirname "$0")/lib.sh"
ensure_book_toolchain
ensure_book_tools

PORT=${PORT:-3000}
ci/build.sh
step "Serving the book"
exec "$BOOK_TOOLS" serve build/site --port "$PORT" \
    --watch src --watch po --watch theme --watch steps --watch book.toml \
    --rebuild "ci/build.sh"
