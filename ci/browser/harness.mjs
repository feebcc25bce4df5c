// The built site (build/site) on a loopback port of our own server, and one
// headless Chromium, for the browser tests (site.test.mjs, a11y.test.mjs).

import { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SITE = path.join(ROOT, "build/site");
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

// Registers the hooks of a test file that serve the site and start the
// browser; `site.base` and `site.browser` are set once they ran.
export function serveSite() {
    const site = { base: undefined, browser: undefined };
    let server;

    before(async () => {
        assert.ok(existsSync(SITE), "build/site is missing: run ci/build.sh first");
        assert.ok(existsSync(SERVER), "book-tools is missing: cargo build --manifest-path ci/tools/Cargo.toml");
        assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);

        const port = await freePort();
        site.base = `http://127.0.0.1:${port}`;
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

        site.browser = await chromium.launch({
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
        await site.browser?.close();
        server?.kill();
    });

    return site;
}
