// mdBook's interface and the language picker, in headless Chromium: every
// string of the interface is in the page's language (the ones mdBook's
// template writes, and the ones its scripts write in the browser), and the
// picker works with the keyboard alone and keeps the section of the page.

import { test } from "node:test";
import assert from "node:assert/strict";
import { open, start } from "./harness.mjs";

start();

// Everything the interface says on a page, after a reader has used it: the
// titles, labels and placeholders, the texts outside the book's own content
// (the keyboard help, the theme names, the search results' header), and the
// description. Numbers are replaced by "#", so that "3 search results" and
// "4 search results" count as one English string.
async function interfaceStrings(p) {
    const strings = new Set();
    const add = (s) => s && s.trim() && strings.add(s.trim().replace(/\s+/g, " ").replace(/\d+/g, "#"));

    // What a reader does: the search, with and without results; a listing's
    // "show hidden lines" button, twice; its "copy" button.
    await p.keyboard.press("s");
    await p.locator("#mdbook-searchbar").pressSequentially("TcpListener");
    await p.waitForSelector("#mdbook-searchresults li a");
    await p.waitForFunction(() => /TcpListener/.test(document.getElementById("mdbook-searchresults-header").textContent));
    (await collect(p)).forEach(add);
    await p.locator("#mdbook-searchbar").fill("");
    await p.locator("#mdbook-searchbar").pressSequentially("zqxzqx");
    await p.waitForFunction(() => /zqxzqx/.test(document.getElementById("mdbook-searchresults-header").textContent));
    (await collect(p)).forEach(add);
    await p.keyboard.press("Escape");

    const eye = p.locator("main pre .buttons button:not(.clip-button)").first();
    const block = p.locator("main pre:has(.buttons button:not(.clip-button)) code").first();
    assert.equal(await block.evaluate((c) => c.classList.contains("hide-boring")), true);
    // Its buttons show when the pointer is over the listing.
    await block.hover();
    await eye.click();
    assert.equal(await block.evaluate((c) => c.classList.contains("hide-boring")), false, "the hidden lines stay hidden");
    assert.equal(await eye.getAttribute("aria-label"), await eye.getAttribute("title"), "the button's label is not its title");
    (await collect(p)).forEach(add);
    await eye.click();
    assert.equal(await block.evaluate((c) => c.classList.contains("hide-boring")), true, "the hidden lines do not hide again");
    await p.locator("main pre code").first().hover();
    await p.locator("main pre .clip-button").first().click();
    await p.waitForSelector("main pre .clip-button.tooltipped");
    (await collect(p)).forEach(add);
    return strings;
}

function collect(p) {
    return p.evaluate(() => {
        const found = [];
        // Not the interface: the book's own text, the table of contents, the
        // book's title, the found pages and their excerpts, the keys
        // (<kbd>), the names of the languages (each in its own language).
        const content = "main, .sidebar-scrollbox, .menu-title, #mdbook-searchresults, kbd, #language-list";
        const isScript = (el) => el.closest("main pre .buttons");
        for (const el of document.querySelectorAll("[title], [aria-label], [placeholder]")) {
            if (el.closest(content) && !isScript(el) && !el.closest("#mdbook-searchresults")) {
                continue;
            }
            for (const name of ["title", "aria-label", "placeholder"]) {
                found.push(el.getAttribute(name));
            }
        }
        found.push(document.querySelector('meta[name="description"]').content);
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const el = node.parentElement;
            if (node.data.trim() === "" || el.closest("script, style, noscript, kbd")) {
                continue;
            }
            if (el.closest(content) && !isScript(el)) {
                continue;
            }
            // The whole sentence around the keys of the keyboard help.
            found.push(el.closest("p, h2, button, div, a, label, i").textContent);
        }
        return found;
    });
}

// The same in every language: the names of two themes.
const NAMES = new Set(["Rust", "Ayu"]);

for (const lang of ["de", "pt-BR"]) {
    test(`no English string of the interface is left in /${lang}/`, async () => {
        const { p: en } = await open("/ch02-read-request.html");
        const english = await interfaceStrings(en);
        await en.close();
        // The reader's actions showed what they should, so their strings were checked.
        for (const s of [
            "Keyboard shortcuts",
            "Press ← or → to navigate between chapters",
            "Coal",
            "Previous chapter",
            "# search results for 'TcpListener':",
            "No search results for 'zqxzqx'.",
            "Search Result Teaser",
            "Hide lines",
            "Copied!",
            "Language: English",
        ]) {
            assert.ok(english.has(s), `"${s}" is not on the English page: ${[...english].join(" | ")}`);
        }

        const { p } = await open(`/${lang}/ch02-read-request.html`);
        const translated = await interfaceStrings(p);
        await p.close();
        const left = [...translated].filter((s) => english.has(s) && !NAMES.has(s));
        assert.deepEqual(left, [], `English on /${lang}/ch02-read-request.html`);
    });
}

test("the search results' header says how many in German, and in Portuguese, with the reader's word", async () => {
    for (const [lang, some, none] of [
        ["de", /^\d+ Suchergebnisse für „Thread“:$/, "Keine Suchergebnisse für „zqxzqx“."],
        ["pt-BR", /^\d+ resultados para “thread”:$/, "Nenhum resultado para “zqxzqx”."],
    ]) {
        const { p } = await open(`/${lang}/index.html`);
        await p.click("#mdbook-search-toggle");
        const word = lang === "de" ? "Thread" : "thread";
        await p.locator("#mdbook-searchbar").pressSequentially(word);
        await p.waitForSelector("#mdbook-searchresults li a");
        assert.match(await p.textContent("#mdbook-searchresults-header"), some);
        await p.locator("#mdbook-searchbar").fill("");
        await p.locator("#mdbook-searchbar").pressSequentially("zqxzqx");
        await p.waitForFunction((t) => document.getElementById("mdbook-searchresults-header").textContent === t, none);
        await p.close();
    }
});

// Keyboard only: Tab to the picker's button, from the top of the page or,
// on a page opened at an #anchor, from that section: past the rest of the
// page (its links, listings, quiz), then round to the top bar.
async function tabToPicker(p) {
    for (let i = 0; i < 200; i++) {
        await p.keyboard.press("Tab");
        if (await p.evaluate(() => document.activeElement.id === "language-toggle")) {
            return;
        }
    }
    assert.fail("Tab never reached the language picker");
}

const focused = (p) =>
    p.evaluate(() => {
        const el = document.activeElement;
        return el.id || el.getAttribute("lang") || el.tagName;
    });
const expanded = (p) => p.getAttribute("#language-toggle", "aria-expanded");

test("the picker, keyboard only: opens at the current language, arrows, Home, End, Escape", async () => {
    const { p } = await open("/de/ch10-pool.html");
    // mdBook's chapter navigation (the arrow keys) would leave the page.
    const left = [];
    p.on("request", (r) => r.isNavigationRequest() && left.push(r.url()));
    const stayed = async (what) => {
        await p.waitForTimeout(300);
        assert.deepEqual(left, [], `${what} left the page`);
    };
    await tabToPicker(p);
    assert.equal(await p.getAttribute("#language-toggle", "title"), "Sprache: Deutsch");
    assert.equal(await p.getAttribute("#language-toggle", "aria-label"), "Sprache wechseln");

    // Closed, on the button: left and right stay here.
    await p.keyboard.press("ArrowRight");
    await p.keyboard.press("ArrowLeft");
    await stayed("an arrow key on the closed picker");

    await p.keyboard.press("Enter");
    assert.equal(await expanded(p), "true");
    assert.equal(await p.isVisible("#language-list"), true);
    assert.equal(await focused(p), "de", "opening focuses the current language");

    await p.keyboard.press("ArrowDown");
    assert.equal(await focused(p), "pt-BR");
    await p.keyboard.press("ArrowDown");
    assert.equal(await focused(p), "pt-BR", "the last stays the last");
    await p.keyboard.press("Home");
    assert.equal(await focused(p), "en");
    await p.keyboard.press("ArrowUp");
    assert.equal(await focused(p), "en");
    await p.keyboard.press("End");
    assert.equal(await focused(p), "pt-BR");
    await p.keyboard.press("ArrowUp");
    assert.equal(await focused(p), "de");

    // Open, on a language: left and right are not "previous / next chapter".
    const scroll = await p.evaluate(() => window.scrollY);
    await p.keyboard.press("ArrowRight");
    await p.keyboard.press("ArrowLeft");
    await stayed("an arrow key in the open picker");
    assert.equal(await focused(p), "de");
    assert.equal(await p.evaluate(() => window.scrollY), scroll, "the arrows scrolled the page");

    await p.keyboard.press("Escape");
    assert.equal(await expanded(p), "false");
    assert.equal(await p.isVisible("#language-list"), false);
    assert.equal(await focused(p), "language-toggle", "Escape returns to the button");

    // The arrows open it too.
    await p.keyboard.press("ArrowDown");
    assert.equal(await expanded(p), "true");
    assert.equal(await focused(p), "de");
    await p.close();
});

test("the picker, keyboard only: Tab out of it closes it", async () => {
    const { p } = await open("/pt-BR/ch02-read-request.html");
    await tabToPicker(p);
    assert.equal(await p.getAttribute("#language-toggle", "title"), "Idioma: Português (Brasil)");
    await p.keyboard.press("Space");
    assert.equal(await expanded(p), "true");
    assert.equal(await focused(p), "pt-BR");
    await p.keyboard.press("Tab");
    assert.equal(await expanded(p), "false", "Tab out left it open");
    assert.equal(await p.isVisible("#language-list"), false);

    await p.keyboard.press("Shift+Tab");
    assert.equal(await focused(p), "language-toggle");
    await p.keyboard.press("Enter");
    // Back through the languages to the button: still in the picker.
    for (const at of ["de", "en", "language-toggle"]) {
        await p.keyboard.press("Shift+Tab");
        assert.equal(await focused(p), at);
        assert.equal(await expanded(p), "true");
    }
    await p.keyboard.press("Shift+Tab");
    assert.equal(await expanded(p), "false", "Shift+Tab out left it open");
    await p.close();
});

test("the picker, keyboard only: Space follows a language", async () => {
    const { p } = await open("/de/ch02-read-request.html");
    await tabToPicker(p);
    await p.keyboard.press("Enter");
    await p.keyboard.press("ArrowDown");
    assert.equal(await focused(p), "pt-BR");
    await p.keyboard.press("Space");
    await p.waitForURL((url) => url.pathname === "/pt-BR/ch02-read-request.html");
    await p.close();
});

// The ids of the page's headings, in order.
const headingIds = (p) => p.$$eval("main :is(h1, h2, h3, h4, h5, h6)[id]", (hs) => hs.map((h) => h.id));

test("the picker keeps the section and the query: a German anchor becomes the Portuguese one", async () => {
    const { p } = await open("/de/ch10-pool.html?from=picker#die-worker-schleife");
    const index = (await headingIds(p)).indexOf("die-worker-schleife");
    assert.ok(index > 0, "no heading die-worker-schleife in /de/ch10-pool.html");

    await tabToPicker(p);
    await p.keyboard.press("Enter");
    // The links name the section too (for a new tab, or a copied link), once known.
    await p.waitForFunction(() => new URL(document.querySelector("#language-list a[lang=en]").href).hash !== "");
    const englishLink = new URL(await p.getAttribute("#language-list a[lang=en]", "href"), p.url());
    assert.equal(englishLink.search, "?from=picker");

    await p.keyboard.press("ArrowDown");
    await p.keyboard.press("Enter");
    await p.waitForURL((url) => url.pathname === "/pt-BR/ch10-pool.html");
    const url = new URL(p.url());
    assert.equal(url.search, "?from=picker");
    const id = (await headingIds(p))[index];
    assert.equal(decodeURIComponent(url.hash), `#${id}`);
    assert.equal(id, "o-loop-do-worker");
    // The reader is at that section, at the top of the window.
    const top = await p.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, id);
    assert.ok(top >= 0 && top < 150, `the section is at ${top}px`);

    // And back to English, through the link the German page prepared.
    const { p: en } = await open(englishLink.pathname + englishLink.search + englishLink.hash);
    assert.equal((await headingIds(en))[index], decodeURIComponent(englishLink.hash.slice(1)));
    await en.close();
    await p.close();
});

test("the picker maps an anchor with non-ASCII letters, and drops one that names no section", async () => {
    const { p } = await open("/de/ch10-pool.html#jedem-worker-den-empfänger-geben");
    const index = (await headingIds(p)).indexOf("jedem-worker-den-empfänger-geben");
    assert.ok(index > 0);
    await tabToPicker(p);
    await p.keyboard.press("Enter");
    await p.keyboard.press("Home");
    await p.keyboard.press("Enter");
    await p.waitForURL((url) => url.pathname === "/ch10-pool.html");
    assert.equal(decodeURIComponent(new URL(p.url()).hash), `#${(await headingIds(p))[index]}`);

    await p.goto(new URL("/ch10-pool.html#no-such-section", p.url()).href);
    await tabToPicker(p);
    await p.keyboard.press("Enter");
    await p.keyboard.press("ArrowDown");
    await p.keyboard.press("Enter");
    await p.waitForURL((url) => url.pathname === "/de/ch10-pool.html");
    assert.equal(new URL(p.url()).hash, "");
    await p.close();
});
