// A record of the accessibility checks that found nothing, so that a warm
// run of ci/test.sh does not repeat them while nothing they depend on has
// changed. What axe-core finds on a page depends only on the page's HTML,
// on what the page loads (style sheets, scripts, fonts, images: every other
// file of the site but the search index and the files no page loads), on
// axe, and on the test that
// drives the page. A check's key hashes all of them; a check whose key is in
// the record is skipped.
//
// Each test file keeps its own record, build/a11y-clean-<name>.json, listing
// clean checks only. A clean clone has none and checks everything, as CI
// does; A11Y_CACHE=0 checks everything too.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import { ROOT, SITE } from "./harness.mjs";

export const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const sha256 = (...parts) => {
    const hash = createHash("sha256");
    for (const part of parts) hash.update(part).update("\0");
    return hash.digest("hex");
};

// mdBook names the search index after a hash of its contents, and its
// script, and so every page, by that name: any change of any page's text
// would change every page. A page loads the index only when its search
// opens, so the index is left out of a page's key, and its name out of
// the pages and the script; a check that opens the search adds the index
// (`searchIndexKey()`).
const SEARCH_INDEX = /^searchindex-[0-9a-f]+\.js(on)?$/;
const withoutIndexName = (bytes) =>
    bytes.toString("latin1").replace(/(searchindex|searcher)-[0-9a-f]{8}\.js/g, "$1.js");
const siteFiles = (keep) =>
    readdirSync(SITE, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && keep(entry.name))
        .map((entry) => path.join(entry.parentPath, entry.name))
        .sort();

// What a page may load: everything of the site but its pages, its search
// indexes, and the files that no page loads (the quizzes' sources, whose
// questions each page carries in its HTML, and the sitemap).
const NOT_LOADED = /\.(html|toml|xml|md)$/;
// All that, hashed once per test file.
let assets;
function assetsKey() {
    if (assets === undefined) {
        const hash = createHash("sha256");
        for (const file of siteFiles((name) => !NOT_LOADED.test(name) && !SEARCH_INDEX.test(name))) {
            const bytes = readFileSync(file);
            // The search's script is named after a hash of its contents too.
            hash.update(withoutIndexName(Buffer.from(path.relative(SITE, file)))).update("\0");
            hash.update(file.endsWith(".js") ? withoutIndexName(bytes) : bytes);
        }
        assets = hash.digest("hex");
    }
    return assets;
}

/** The search indexes of every language, hashed: for a check that opens the search. */
export function searchIndexKey() {
    return sha256(...siteFiles((name) => SEARCH_INDEX.test(name)).flatMap((file) => [file, readFileSync(file)]));
}

/**
 * The record of the test file at `testFileUrl` (its import.meta.url):
 * `key(pages, ...more)` for a check of those pages (site paths, "/de/x.html")
 * with any more strings that set it apart; `isClean(key)`; `markClean(key)`.
 * The record is written when the file's tests end.
 */
export function cleanRecord(testFileUrl) {
    const testFile = fileURLToPath(testFileUrl);
    const file = path.join(ROOT, "build", `a11y-clean-${path.basename(testFile, ".test.mjs")}.json`);
    const enabled = process.env.A11Y_CACHE !== "0";
    const known = new Set(enabled && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : []);
    const clean = new Set();
    const shared = sha256(assetsKey(), AXE, readFileSync(testFile));
    after(() => {
        if (enabled) writeFileSync(file, JSON.stringify([...clean].sort()));
    });
    return {
        enabled,
        key: (pages, ...more) =>
            sha256(shared, ...more, ...pages.flatMap((url) => [url, withoutIndexName(readFileSync(path.join(SITE, url)))])),
        isClean(key) {
            if (enabled && known.has(key)) {
                clean.add(key);
                return true;
            }
            return false;
        },
        markClean: (key) => clean.add(key),
    };
}
