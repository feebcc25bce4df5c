// The shared set-up of site.mjs (the built site served on a loopback port of
// our own server, and one headless Chromium), as calls for test files:
//
//   import { open, start } from "./harness.mjs";
//   start();                    // registers node:test's before and after
//   const { p } = await open("/de/index.html");
//
// or, for a file that needs the browser itself:
//
//   const site = serveSite();   // site.base and site.browser, once `before` ran

import { before, after } from "node:test";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { startSite } from "./site.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SITE = path.join(ROOT, "build/site");

/** Registers the hooks that serve the site; returns { base, browser, page(url) }, set once they ran. */
export function serveSite() {
    const site = { base: undefined, browser: undefined, page: (url) => started.page(url) };
    let started;
    before(async () => {
        started = await startSite();
        site.base = started.base;
        site.browser = started.browser;
    });
    after(async () => {
        await started?.stop();
    });
    return site;
}

let shared;

export function start() {
    shared = serveSite();
}

// A new page at `url` (a path on the site); its response.
export async function open(url) {
    const p = await shared.browser.newPage();
    p.setDefaultTimeout(10_000);
    const response = await p.goto(shared.base + url);
    return { p, response };
}
