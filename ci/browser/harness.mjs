// What every browser test file shares: the built site (build/site) served by
// book-tools on a free loopback port, and one headless Chromium.
//
//   import { open, start } from "./harness.mjs";
//   start();                    // registers node:test's before and after
//   const { p } = await open("/de/index.html");

import { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
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

export function start() {
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
}

// A new page at `url` (a path on the site); its response.
export async function open(url) {
    const p = await browser.newPage();
    p.setDefaultTimeout(10_000);
    const response = await p.goto(base + url);
    return { p, response };
}
