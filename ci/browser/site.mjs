// What the browser tests share: the built site (build/site) served by
// book-tools on a free loopback port, and headless Chromium. Call
// `startSite()` in `before` and `stop()` in `after`.

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

/** Serves the site and starts Chromium; resolves to { base, browser, page(url), stop() }. */
export async function startSite() {
    assert.ok(existsSync(SITE), "build/site is missing: run ci/build.sh first");
    assert.ok(existsSync(SERVER), "book-tools is missing: cargo build --manifest-path ci/tools/Cargo.toml");
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = spawn(SERVER, ["serve", SITE, "--port", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
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

    let browser;
    try {
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
    } catch (error) {
        server.kill();
        throw error;
    }

    return {
        base,
        browser,
        /** Opens a new page at `url` (a path of the site); resolves to { p, response }. */
        async page(url) {
            const p = await browser.newPage();
            const response = await p.goto(base + url);
            return { p, response };
        },
        async stop() {
            await browser.close();
            server.kill();
        },
    };
}
