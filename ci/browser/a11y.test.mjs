// Accessibility of the built site, in headless Chromium: axe-core (the WCAG
// 2.1 A and AA rules) finds nothing on any page of any language, in the
// light and the dark themes, on a desktop and on a phone; and what the fixes
// of theme/a11y.js and ci/tools/src/a11y.rs do for keyboards and screen
// readers works.
//
// Run by ci/test.sh after ci/build.sh; by hand: `npm test` in ci/browser.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { AXE, cleanRecord, searchIndexKey } from "./clean-record.mjs";
import { SITE, serveSite } from "./harness.mjs";

const site = serveSite();
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const DESKTOP = { name: "desktop", viewport: { width: 1280, height: 800 } };
const PHONE = { name: "phone", viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };
const DARK_THEMES = ["navy", "coal", "rust", "ayu"];

// Every page of the site, as an address: /index.html, /de/ch01-listen.html, ...
const ALL_PAGES = readdirSync(SITE, { recursive: true })
    .filter((file) => file.endsWith(".html"))
    .map((file) => "/" + file.split(path.sep).join("/"))
    .sort();
// While working on one page, `A11Y_PAGES=/de/ch10-pool.html,/404.html npm test`.
const PAGES = process.env.A11Y_PAGES ? process.env.A11Y_PAGES.split(",") : ALL_PAGES;

// The page sweep below costs about a second of axe's time per page and
// theme, so a check found clean is skipped while nothing it depends on has
// changed (clean-record.mjs): a warm run after a change checks the pages the
// change touched (a theme or asset change, all of them).
const record = cleanRecord(import.meta.url);
const checkKey = (url, device, themes) => record.key([url], device.name, themes.join(","));

// A browser tab of its own size and theme; the theme is mdBook's choice
// from the theme menu, which mdBook keeps in localStorage.
async function tab(device, theme) {
    const { name, ...options } = device;
    const context = await site.browser.newContext(options);
    await context.addInitScript((theme) => localStorage.setItem("mdbook-theme", theme), theme);
    const p = await context.newPage();
    p.errors = [];
    p.on("pageerror", (error) => p.errors.push(`${p.url()}: ${error.message}`));
    return p;
}

// What axe-core finds on the page as it is now, one line per element: with
// `rules`, only those; else every WCAG 2.1 A and AA rule, and also every ARIA
// reference to an id that no element has (axe does not check that
// aria-describedby and aria-controls point somewhere).
async function problems(p, where, rules, except = []) {
    if (!(await p.evaluate(() => "axe" in window))) {
        await p.addScriptTag({ content: AXE });
    }
    const lines = await p.evaluate(
        async ({ tags, rules, except }) => {
            const only = rules ? { type: "rule", values: rules } : { type: "tag", values: tags };
            const off = Object.fromEntries(except.map((rule) => [rule, { enabled: false }]));
            // Colour rules need no style sheets fetched again (preload).
            const result = await window.axe.run(document, {
                runOnly: only,
                rules: off,
                resultTypes: ["violations"],
                preload: !rules,
            });
            const lines = result.violations.flatMap((v) =>
                v.nodes.map((node) => `${v.id} (${v.impact}) ${node.target.join(" ")}: ${node.failureSummary.replace(/\s+/g, " ")}`),
            );
            if (!rules) {
                for (const attribute of ["aria-describedby", "aria-labelledby", "aria-controls", "aria-details", "aria-owns"]) {
                    for (const element of document.querySelectorAll(`[${attribute}]`)) {
                        for (const id of element.getAttribute(attribute).split(/\s+/).filter(Boolean)) {
                            if (!document.getElementById(id)) {
                                const name = element.id ? `#${element.id}` : element.tagName.toLowerCase();
                                lines.push(`${name} ${attribute}="${id}": no element has that id`);
                            }
                        }
                    }
                }
            }
            return lines;
        },
        { tags: WCAG_21_AA, rules, except },
    );
    return lines.map((line) => `${where}: ${line}`);
}

// Only colours change with the theme: the other rules' findings are the same in every one.
const COLOUR_RULES = ["color-contrast", "link-in-text-block"];

// Switches the page to `theme` with mdBook's theme menu, and lets the colours'
// transitions end.
async function switchTheme(p, theme) {
    await p.evaluate((theme) => document.getElementById(`mdbook-theme-${theme}`).click(), theme);
    assert.equal(await p.evaluate((theme) => document.documentElement.classList.contains(theme), theme), true, theme);
    // mdBook switches the highlighting's style sheets on and off, and a
    // <link> switched on loads again.
    await p.waitForFunction(() => [...document.querySelectorAll("link[rel=stylesheet]")].every((l) => l.disabled || l.sheet));
    await p.evaluate(() => document.getAnimations().forEach((animation) => animation.finish()));
}

// Adds to `found` what axe finds on the page as it is, in every theme: in
// the light one with every rule, then in each dark one with the colour rules.
async function inEveryTheme(p, where, found) {
    found.push(...(await problems(p, `${where} (light)`)));
    for (const theme of DARK_THEMES) {
        await switchTheme(p, theme);
        found.push(...(await problems(p, `${where} (${theme})`, COLOUR_RULES)));
    }
    await switchTheme(p, "light");
}

// Each page once in the light theme with every rule, then in each of
// `themesOf(url)` with the colour rules.
async function checkPages(device, pages, themesOf) {
    const p = await tab(device, "light");
    const found = [];
    let skipped = 0;
    for (const url of pages) {
        const key = checkKey(url, device, themesOf(url));
        if (!process.env.A11Y_PAGES && record.isClean(key)) {
            skipped++;
            continue;
        }
        const before = found.length;
        const response = await p.goto(site.base + url);
        assert.ok(response.status() === 200 || url.endsWith("/404.html"), `${url}: ${response.status()}`);
        found.push(...(await problems(p, `${url} (light, ${device.name})`, undefined, exceptOn(url))));
        // toc.html, the sidebar of readers without JavaScript, has no theme
        // menu: without JavaScript, mdBook shows its light theme.
        if (await p.$("#mdbook-theme-list")) {
            for (const theme of themesOf(url)) {
                await switchTheme(p, theme);
                found.push(...(await problems(p, `${url} (${theme}, ${device.name})`, COLOUR_RULES)));
            }
        }
        if (found.length === before) {
            record.markClean(key);
        }
    }
    await p.context().close();
    if (skipped > 0) {
        console.log(`${device.name}: ${skipped} of ${pages.length} pages skipped, unchanged since they were found clean (A11Y_CACHE=0 checks them too)`);
    }
    assert.deepEqual(p.errors, []);
    assert.deepEqual(found, [], `${found.length} accessibility violations:\n${found.join("\n")}`);
}

test("the site has pages in every language", () => {
    for (const prefix of ["/", "/de/", "/pt-BR/"]) {
        for (const page of ["index.html", "ch10-pool.html", "print.html", "404.html", "toc.html"]) {
            assert.ok(ALL_PAGES.includes(prefix + page), `${prefix + page} is missing`);
        }
    }
});

// Every page of every language on a desktop, in the light theme (every
// rule); every English page, and a few pages of each translation, in Navy
// too (the colour rules); a few English pages also in the other dark themes
// (the themes colour every page alike, and a translation changes the text,
// not its colours: the po checks keep its structure, code and links). On a phone, where code blocks scroll and the
// sidebar hides, three pages of each language in the light theme (colours do
// not change with the width): the start, the chapter with the most listings
// and the longest chapter. Each page costs about a second of axe's time per
// check, so the phone does not repeat every page. The two run side by side.
const EVERY_DARK_THEME_ON = ["/index.html", "/ch10-pool.html", "/404.html"];
// print.html is every chapter on one page, with the same style sheets: the
// colour rules, more than half of axe's time there (the English print.html
// took 48 s in the light theme and Navy, 22 s without them), have checked
// each chapter on its own page already, in the same themes. So print.html
// gets every other rule, in the light theme.
const exceptOn = (url) => (url.endsWith("/print.html") ? COLOUR_RULES : []);
const DESKTOP_THEMES = (url) => {
    if (url.endsWith("/print.html")) {
        return [];
    }
    const translated = url.match(/^\/(de|pt-BR)(\/.*)$/);
    if (translated) {
        return EVERY_DARK_THEME_ON.includes(translated[2]) ? ["navy"] : [];
    }
    return EVERY_DARK_THEME_ON.includes(url) ? DARK_THEMES : ["navy"];
};
const PHONE_PAGES = ["/index.html", "/ch10-pool.html", "/ch11-shutdown.html"];
test("axe finds nothing on any page", { concurrency: true }, async (t) => {
    await Promise.all([
        // Two tabs side by side, each with half the pages: axe spends most
        // of its time in the page's renderer, and a tab has one.
        t.test("on a desktop, in the light theme and in Navy (English; a few pages in every theme): the first half", () =>
            checkPages(DESKTOP, PAGES.filter((_, i) => i % 2 === 0), DESKTOP_THEMES),
        ),
        t.test("on a desktop, in the light theme and in Navy (English; a few pages in every theme): the second half", () =>
            checkPages(DESKTOP, PAGES.filter((_, i) => i % 2 === 1), DESKTOP_THEMES),
        ),
        t.test("on a phone, in the light theme", () =>
            checkPages(
                PHONE,
                PAGES.filter((url) => PHONE_PAGES.includes(url.replace(/^\/(de|pt-BR)\//, "/"))),
                () => [],
            ),
        ),
    ]);
});

// The page as readers use it: search open with results (and the page a
// result leads to, with the words marked), the theme menu, the language
// menu; on a phone, the sidebar over the page.
test("axe finds nothing with the search, the menus and the sidebar open, in any theme", async (t) => {
    // Skipped, like the page sweep, while nothing of the site has changed
    // since it was found clean (a search result can lead to any page).
    const key = record.key(ALL_PAGES, "open states", searchIndexKey());
    if (record.isClean(key)) {
        t.diagnostic("the site is unchanged since this was found clean (A11Y_CACHE=0 checks it too)");
        return;
    }
    const found = [];
    const p = await tab(DESKTOP, "light");
    await p.goto(site.base + "/de/ch04-hello-html.html");
    await p.click("#mdbook-search-toggle");
    await p.locator("#mdbook-searchbar").pressSequentially("Anfrage");
    await p.waitForSelector("#mdbook-searchresults li a");
    await inEveryTheme(p, "search results", found);
    await p.click("#mdbook-searchresults li a");
    await p.waitForSelector("main mark");
    await inEveryTheme(p, "marked search words", found);
    await p.click("#mdbook-theme-toggle");
    await inEveryTheme(p, "theme menu", found);
    await p.keyboard.press("Escape");
    await p.click("#language-toggle");
    await inEveryTheme(p, "language menu", found);
    await p.context().close();

    const phone = await tab(PHONE, "light");
    await phone.goto(site.base + "/pt-BR/ch10-pool.html");
    await phone.click("#mdbook-sidebar-toggle");
    await phone.waitForFunction(() => document.documentElement.classList.contains("sidebar-visible"));
    await inEveryTheme(phone, "sidebar on a phone", found);
    await phone.context().close();
    assert.deepEqual([...p.errors, ...phone.errors], []);
    assert.deepEqual(found, [], `${found.length} accessibility violations:\n${found.join("\n")}`);
    record.markClean(key);
});

test("the sidebar toggle is a button that keyboards reach and press", async () => {
    const p = await tab(DESKTOP, "light");
    await p.goto(site.base + "/ch02-read-request.html");
    const toggle = p.locator("#mdbook-sidebar-toggle");
    assert.equal(await toggle.getAttribute("role"), "button");
    // In the tab order, and takes the focus.
    assert.equal(await toggle.evaluate((e) => e.tabIndex), 0);
    await toggle.focus();
    assert.equal(await p.evaluate(() => document.activeElement.id), "mdbook-sidebar-toggle");
    const visible = () => p.evaluate(() => document.documentElement.classList.contains("sidebar-visible"));
    assert.equal(await visible(), true);
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    await p.keyboard.press("Enter");
    assert.equal(await visible(), false);
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    await p.keyboard.press(" ");
    assert.equal(await visible(), true);
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    // Space pressed the button, it did not scroll the page.
    assert.equal(await p.evaluate(() => window.scrollY), 0);
    await p.context().close();
});

test("screen readers hear how many results a search found", async () => {
    const p = await tab(DESKTOP, "light");
    await p.goto(site.base + "/pt-BR/index.html");
    await p.click("#mdbook-search-toggle");
    const searchbar = p.locator("#mdbook-searchbar");
    const header = p.locator("#mdbook-searchresults-header");
    // The search box is described by the header with the count.
    assert.equal(await searchbar.getAttribute("aria-describedby"), await header.getAttribute("id"));
    const status = p.getByRole("status");
    assert.equal(await status.count(), 1);
    // In the accessibility tree from the start, so that a change is announced.
    assert.equal(await status.evaluate((e) => e.closest(".hidden, [hidden]") === null), true);
    assert.equal(await status.textContent(), "");

    await searchbar.pressSequentially("requisição");
    await p.waitForSelector("#mdbook-searchresults li a");
    const count = await p.locator("#mdbook-searchresults li").count();
    const said = await status.textContent();
    assert.equal(said, await header.textContent());
    assert.match(said, new RegExp(`\\b${count}\\b`), `"${said}" does not say ${count}`);

    await searchbar.fill("zzzqqqxxx");
    await searchbar.press("x");
    await p.waitForFunction(() => document.querySelectorAll("#mdbook-searchresults li").length === 0);
    assert.equal(await status.textContent(), await header.textContent());
    assert.doesNotMatch(await status.textContent(), /\d/);

    // Nothing to announce once the search box is empty again.
    await searchbar.fill("");
    await searchbar.press("Backspace");
    await p.waitForFunction(() => document.getElementById("a11y-search-status").textContent === "");
    await p.context().close();
});

test("code blocks that scroll sideways, and only those, are in the tab order and scroll by keyboard", async () => {
    for (const device of [PHONE, DESKTOP]) {
        const p = await tab(device, "light");
        // German: comments longer than the English ones.
        await p.goto(site.base + "/de/ch10-pool.html");
        await p.evaluate(() => document.fonts.ready);
        const blocks = await p.$$eval("pre > code", (codes) =>
            codes.map((code) => ({ scrolls: code.scrollWidth > code.clientWidth, tabindex: code.getAttribute("tabindex") })),
        );
        const scrolling = blocks.filter((b) => b.scrolls).length;
        if (device === PHONE) {
            assert.ok(scrolling >= 5, `only ${scrolling} of ${blocks.length} code blocks scroll on a phone`);
        }
        assert.ok(scrolling < blocks.length, `all ${blocks.length} code blocks scroll on a ${device.name}`);
        for (const [i, block] of blocks.entries()) {
            assert.equal(block.tabindex, block.scrolls ? "0" : null, `code block ${i + 1} on a ${device.name}`);
        }
        if (device === PHONE) {
            const code = p.locator("pre > code[tabindex='0']").first();
            await code.focus();
            await p.keyboard.press("ArrowRight");
            await p.keyboard.press("ArrowRight");
            // Chromium scrolls smoothly: give it a moment.
            const scrolled = await code
                .evaluate((e) => new Promise((resolve) => {
                    const start = Date.now();
                    (function poll() {
                        if (e.scrollLeft > 0 || Date.now() - start > 3000) {
                            resolve(e.scrollLeft > 0);
                        } else {
                            requestAnimationFrame(poll);
                        }
                    })();
                }))
                .catch(() => false);
            assert.ok(scrolled, "ArrowRight did not scroll the code block");
            // ... and did not turn the page, as it does elsewhere.
            assert.equal(new URL(p.url()).pathname, "/de/ch10-pool.html");
        }
        // From a phone to a desktop: what no longer scrolls leaves the tab order.
        if (device === PHONE) {
            await p.setViewportSize(DESKTOP.viewport);
            await p.waitForFunction(() =>
                [...document.querySelectorAll("pre > code")].every(
                    (code) => (code.getAttribute("tabindex") === "0") === code.scrollWidth > code.clientWidth,
                ),
            );
        }
        await p.context().close();
    }
});
