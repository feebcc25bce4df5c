// The built site (build/site) in a real browser, headless Chromium, as readers
// use it: the language picker keeps the page, search finds words of each
// language, and an unknown address gets the "not found" page of its language.
//
// Run by ci/test.sh after ci/build.sh; by hand: `npm test` in ci/browser.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SITE = path.join(ROOT, "build/site");
const SERVER = path.join(ROOT, "ci/tools/target/debug/book-tools");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

let server;
let browser;
let base;

function freePort() {
    return new Promise((resolve, reject) => {
        const probe = createServer();
        probe.once("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const { port } = probe.address();
            probe.close(() => resolve(port));
        });
    });
}

before(async () => {
    assert.ok(existsSync(SITE), "build/site is missing: run ci/build.sh first");
    assert.ok(existsSync(SERVER), "book-tools is missing: cargo build --manifest-path ci/tools/Cargo.toml");
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(SERVER, ["serve", SITE, "--port", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the server did not start")), 10_000);
        server.stdout.on("data", (chunk) => {
            if (chunk.toString().includes("Serving")) {
                clearTimeout(timer);
                resolve();
            }
        });
        server.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
    });

    browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    });
});

after(async () => {
    await browser?.close();
    server?.kill();
});

async function page(url) {
    const p = await browser.newPage();
    const response = await p.goto(base + url);
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
