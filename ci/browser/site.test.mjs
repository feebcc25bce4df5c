// The built site (build/site) in a real browser, headless Chromium, as readers
// use it: the language picker keeps the page, search finds words of each
// language, and an unknown address gets the "not found" page of its language.
//
// Run by ci/test.sh after ci/build.sh; by hand: `npm test` in ci/browser.

import { test } from "node:test";
import assert from "node:assert/strict";
import { serveSite } from "./harness.mjs";

const site = serveSite();

async function page(url) {
    const p = await site.browser.newPage();
    const response = await p.goto(site.base + url);
    return { p, response };
}

async function switchTo(p, name) {
    await p.click("#language-toggle");
    await p.click(`#language-list a:text-is("${name}")`);
    await p.waitForLoadState("load");
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
