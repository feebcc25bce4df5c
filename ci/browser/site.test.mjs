// The built site (build/site) in a real browser, headless Chromium, as readers
// use it: the language picker keeps the page, search finds words of each
// language, an unknown address gets the "not found" page of its language,
// every page names its translations for search engines (as sitemap.xml does),
// and a translation loads the assets it shares with English from one copy.
//
// Run by ci/test.sh after ci/build.sh; by hand: `npm test` in ci/browser.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { ROOT, SITE, serveSite } from "./harness.mjs";

// The public address ci/build.sh built the site for: $SITE_URL, as ci/test.sh
// passes it on, or the default of ci/lib.sh.
const SITE_URL =
    process.env.SITE_URL ||
    readFileSync(path.join(ROOT, "ci/lib.sh"), "utf8").match(/^SITE_URL=\$\{SITE_URL:-(.+)\}$/m)[1];
const TRANSLATIONS = ["de", "pt-BR"];

const site = serveSite();

function page(url) {
    return site.page(url);
}

async function switchTo(p, name) {
    const from = p.url();
    await p.click("#language-toggle");
    await p.click(`#language-list a:text-is("${name}")`);
    await p.waitForURL((url) => url.href !== from);
}

test("the picker opens the same page in German, then in Brazilian Portuguese", async () => {
    const { p } = await page("/ch02-read-request.html");
    const english = await p.textContent("main h1");

    await switchTo(p, "Deutsch");
    assert.equal(new URL(p.url()).pathname, "/de/ch02-read-request.html");
    assert.equal(await p.getAttribute("html", "lang"), "de");
    assert.notEqual(await p.textContent("main h1"), english, "the heading is not translated");

    await switchTo(p, "Português (Brasil)");
    assert.equal(new URL(p.url()).pathname, "/pt-BR/ch02-read-request.html");
    assert.equal(await p.getAttribute("html", "lang"), "pt-BR");

    await switchTo(p, "English");
    assert.equal(new URL(p.url()).pathname, "/ch02-read-request.html");
    assert.equal(await p.textContent("main h1"), english);
    await p.close();
});

test("the picker marks the current language and closes with Escape", async () => {
    const { p } = await page("/de/ch10-pool.html");
    await p.click("#language-toggle");
    assert.equal(await p.getAttribute("#language-toggle", "aria-expanded"), "true");
    assert.equal(await p.getAttribute('#language-list a[aria-current="true"]', "lang"), "de");
    await p.keyboard.press("Escape");
    assert.equal(await p.isVisible("#language-list"), false);
    await p.close();
});

for (const [prefix, word] of [["", "request"], ["/de", "Anfrage"], ["/pt-BR", "requisição"]]) {
    test(`search finds "${word}" in ${prefix || "/"}`, async () => {
        const { p } = await page(`${prefix}/index.html`);
        await p.click("#mdbook-search-toggle");
        await p.locator("#mdbook-searchbar").pressSequentially(word);
        await p.waitForSelector("#mdbook-searchresults li a");
        const links = await p.$$eval("#mdbook-searchresults li a", (as) => as.map((a) => a.href));
        assert.ok(links.length > 0);
        for (const link of links) {
            assert.ok(new URL(link).pathname.startsWith(prefix + "/"), `${link} is not in ${prefix || "/"}`);
        }
        await p.close();
    });
}

for (const [prefix, lang] of [["", "en"], ["/de", "de"], ["/pt-BR", "pt-BR"]]) {
    test(`an unknown address under ${prefix || "/"} gets the ${lang} "not found" page`, async () => {
        const { p, response } = await page(`${prefix}/no-such-page.html`);
        assert.equal(response.status(), 404);
        assert.equal(await p.getAttribute("html", "lang"), lang);
        // Its links work: back to the start of that language's book.
        await p.click("main a[href='index.html']");
        await p.waitForLoadState("load");
        assert.equal(new URL(p.url()).pathname, `${prefix}/index.html`);
        await p.close();
    });
}

// The pages search engines should know, from the files ci/build.sh wrote: every
// HTML file but the "not found" page, the table of contents shown in a frame and
// the print page (mdBook marks it noindex). Each with its language and public address.
function bookPages() {
    const pages = [];
    for (const entry of readdirSync(SITE, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith(".html")) continue;
        if (["404.html", "toc.html", "print.html"].includes(entry.name)) continue;
        const rel = path.relative(SITE, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
        const lang = TRANSLATIONS.find((t) => rel.startsWith(t + "/")) || "en";
        const inLang = lang === "en" ? rel : rel.slice(lang.length + 1);
        pages.push({ rel, lang, inLang, url: SITE_URL + rel.replace(/(^|\/)index\.html$/, "$1") });
    }
    return pages;
}

test("every page names its canonical address and all its languages, as sitemap.xml does", async () => {
    const pages = bookPages();
    assert.ok(pages.length >= 3 * 14, `only ${pages.length} pages`);
    const { p, response } = await page("/sitemap.xml");
    assert.equal(response.status(), 200);
    // In the browser: the sitemap, and the <head> of every page it lists,
    // fetched from the local server in place of the public address.
    const { entries, heads } = await p.evaluate(
        async ({ siteUrl, base }) => {
            const xml = new DOMParser().parseFromString(
                await (await fetch("/sitemap.xml")).text(),
                "application/xml",
            );
            const XHTML = "http://www.w3.org/1999/xhtml";
            const entries = [...xml.getElementsByTagName("url")].map((url) => ({
                loc: url.getElementsByTagName("loc")[0].textContent,
                alternates: [...url.getElementsByTagNameNS(XHTML, "link")].map((l) => [
                    l.getAttribute("hreflang"),
                    l.getAttribute("href"),
                ]),
            }));
            const heads = {};
            for (const { loc } of entries) {
                const local = base + "/" + loc.slice(siteUrl.length);
                const html = new DOMParser().parseFromString(await (await fetch(local)).text(), "text/html");
                heads[loc] = {
                    lang: html.documentElement.lang,
                    canonical: [...html.querySelectorAll('link[rel="canonical"]')].map((l) => l.getAttribute("href")),
                    alternates: [...html.querySelectorAll('link[rel="alternate"][hreflang]')].map((l) => [
                        l.getAttribute("hreflang"),
                        l.getAttribute("href"),
                    ]),
                };
            }
            return { entries, heads };
        },
        { siteUrl: SITE_URL, base: site.base },
    );
    await p.close();

    assert.deepEqual(entries.map((e) => e.loc).sort(), pages.map((pg) => pg.url).sort());
    for (const pg of pages) {
        const entry = entries.find((e) => e.loc === pg.url);
        const head = heads[pg.url];
        assert.equal(head.lang, pg.lang, pg.rel);
        assert.deepEqual(head.canonical, [pg.url], `${pg.rel}: its canonical link`);
        // Every language of the same page, itself included, and x-default: English.
        const expected = pages
            .filter((other) => other.inLang === pg.inLang)
            .map((other) => [other.lang, other.url]);
        expected.push(["x-default", expected.find(([lang]) => lang === "en")[1]]);
        const sorted = (pairs) => pairs.map((pair) => pair.join(" ")).sort();
        assert.deepEqual(sorted(head.alternates), sorted(expected), `${pg.rel}: its hreflang links`);
        assert.deepEqual(sorted(entry.alternates), sorted(expected), `${pg.rel}: its alternates in sitemap.xml`);
    }
});

test("robots.txt points to the sitemap where crawlers read it: at the root of a host", async () => {
    const { p, response } = await page("/robots.txt");
    if (new URL(SITE_URL).pathname === "/") {
        assert.equal(response.status(), 200);
        assert.match(await response.text(), new RegExp(`^Sitemap: ${SITE_URL}sitemap\\.xml$`, "m"));
    } else {
        assert.equal(response.status(), 404, `a robots.txt below ${new URL(SITE_URL).pathname} is never read`);
    }
    await p.close();
});

test('the "not found" pages name no canonical address and no translations', async () => {
    for (const prefix of ["", "/de", "/pt-BR"]) {
        const { p } = await page(`${prefix}/no-such-page.html`);
        assert.equal(await p.getAttribute("html", "lang"), prefix.slice(1) || "en");
        assert.equal(await p.locator('link[rel="canonical"], link[rel="alternate"]').count(), 0, prefix || "/");
        await p.close();
    }
});

// Every file a page loads, by address, with its status, once the page and its
// fonts have loaded.
async function load(context, url) {
    const p = await context.newPage();
    const loaded = [];
    p.on("response", (r) => loaded.push({ url: r.url(), status: r.status() }));
    p.on("requestfailed", (r) => loaded.push({ url: r.url(), status: "failed" }));
    await p.goto(site.base + url);
    await p.evaluate(() => document.fonts.ready);
    await p.waitForLoadState("networkidle");
    await p.close();
    return loaded.map(({ url, status }) => ({ path: new URL(url).pathname, status }));
}

for (const [prefix, url] of [
    ["/de", "/ch10-pool.html"],
    ["/pt-BR", "/ch10-pool.html"],
    ["/de", "/no/such/page.html"],
]) {
    test(`${prefix}${url} loads the fonts, stylesheets and scripts it shares with English from the English copy`, async () => {
        const context = await site.browser.newContext();
        const english = await load(context, url.startsWith("/no/") ? "/index.html" : url);
        const translated = await load(context, prefix + url);
        await context.close();

        for (const { path: p, status } of translated.slice(1)) {
            assert.equal(status, 200, `${p} did not load`);
        }
        assert.ok(translated.some(({ path: p }) => p.endsWith(".woff2")), "no font loaded");
        // What the translated page loads below its language's directory is its own:
        // there is no file of the same bytes at the root.
        for (const { path: p } of translated.slice(1)) {
            if (!p.startsWith(prefix + "/")) continue;
            const own = path.join(SITE, p);
            const root = path.join(SITE, p.slice(prefix.length));
            assert.ok(
                !existsSync(root) || !readFileSync(own).equals(readFileSync(root)),
                `${p} is a copy of ${p.slice(prefix.length)}`,
            );
        }
        // So switching from English downloads nothing English had already loaded
        // again: every new address is the language's own. (But for the icons:
        // Chromium fetches them when it likes, on one page or the other.)
        const seen = new Set(english.map(({ path: p }) => p));
        const again = translated.filter(
            ({ path: p }) => !seen.has(p) && !p.startsWith(prefix + "/") && !/\/favicon-/.test(p),
        );
        assert.deepEqual(again, [], "loaded from outside its language and not loaded by the English page");
    });
}

// Which listings of a language's book scroll sideways, in the order of the
// print page (every chapter on one page).
async function scrollingListings(prefix) {
    const { p } = await page(`${prefix}/print.html`);
    await p.evaluate(() => document.fonts.ready);
    const scrolls = await p.$$eval("main pre > code", (codes) => codes.map((c) => c.scrollWidth > c.clientWidth));
    await p.close();
    return scrolls;
}

let englishListings;
for (const prefix of ["/de", "/pt-BR"]) {
    test(`no listing of ${prefix}/ scrolls sideways where the English one does not`, async () => {
        englishListings ??= scrollingListings("");
        const english = await englishListings;
        const translated = await scrollingListings(prefix);
        assert.equal(translated.length, english.length, "not as many listings as in English");
        assert.ok(english.some((s) => !s), "every English listing scrolls: the test would prove nothing");
        const added = translated.flatMap((scrolls, i) => (scrolls && !english[i] ? [i + 1] : []));
        assert.deepEqual(added, [], "these listings (numbered as on the print page) scroll in the translation only");
    });
}
