// The timeline pictures of chapters 7, 8, 10 and 11 (src/img/timeline-*.svg,
// drawn by steps/timeline) in headless Chromium: in every language, each
// chapter page shows its pictures, loaded (the translations load the one copy
// that `book-tools share-assets` keeps at the root), each with an alt text.
//
// Run by ci/test.sh after ci/build.sh; by hand: `npm test` in ci/browser.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { SITE, serveSite } from "./harness.mjs";

const site = serveSite();
const LANGUAGES = ["", "de/", "pt-BR/"];

// The pictures the site has, and the English pages that show them:
// { "ch07-sleep.html": ["timeline-ch07.svg"], ... }.
const PICTURES = readdirSync(path.join(SITE, "img")).filter((f) => /^timeline-.*\.svg$/.test(f)).sort();
const PAGES = Object.fromEntries(
    readdirSync(SITE)
        .filter((file) => file.endsWith(".html") && file !== "print.html")
        .map((file) => {
            const html = readFileSync(path.join(SITE, file), "utf8");
            const shown = [...new Set([...html.matchAll(/src="img\/(timeline-[^"]+\.svg)"/g)].map((m) => m[1]))];
            return [file, shown.sort()];
        })
        .filter(([, shown]) => shown.length > 0),
);

test("every timeline picture is shown on a chapter page", () => {
    assert.ok(PICTURES.length >= 5, `build/site/img has ${PICTURES.length} timeline pictures`);
    assert.deepEqual(Object.values(PAGES).flat().sort(), PICTURES, "a picture on no page, or on two");
    for (const page of Object.keys(PAGES)) {
        assert.match(page, /^ch(07|08|10|11)-/, `${page} shows a timeline`);
    }
});

for (const language of LANGUAGES) {
    test(`the timeline pictures load, with an alt text, in /${language}`, async () => {
        for (const [page, shown] of Object.entries(PAGES)) {
            const url = `/${language}${page}`;
            const { p, response } = await site.page(url);
            assert.equal(response.status(), 200, url);
            // mdBook's zoom puts each picture in twice: the one on the page, and a
            // hidden larger one for a click. Both must load.
            const pictures = await p.$$eval('main img[src*="timeline-"]', (images) =>
                Promise.all(
                    images.map(async (img) => {
                        await img.decode().catch(() => {});
                        return {
                            url: new URL(img.src).pathname,
                            width: img.naturalWidth,
                            alt: img.alt.trim(),
                            visible: img.getBoundingClientRect().width > 0,
                        };
                    }),
                ),
            );
            const names = [...new Set(pictures.map((pic) => pic.url.split("/").pop()))].sort();
            assert.deepEqual(names, shown, `${url}: the pictures`);
            for (const pic of pictures) {
                assert.ok(pic.width > 0, `${url}: ${pic.url} did not load`);
                assert.ok(pic.alt.length > 20, `${url}: ${pic.url} has no alt text`);
                // One copy for every language, at the root.
                assert.match(pic.url, /^\/img\/timeline-/, `${url}: ${pic.url} is not the shared copy`);
            }
            assert.equal(
                pictures.filter((pic) => pic.visible).length,
                shown.length,
                `${url}: each picture is on the page once`,
            );
            await p.close();
        }
    });
}
