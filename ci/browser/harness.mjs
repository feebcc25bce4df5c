// The shared set-up of site.mjs, as two calls for test files that need no
// more than pages:
//
//   import { open, start } from "./harness.mjs";
//   start();                    // registers node:test's before and after
//   const { p } = await open("/de/index.html");

import { before, after } from "node:test";
import { startSite } from "./site.mjs";

let site;

export function start() {
    before(async () => {
        site = await startSite();
    });
    after(async () => {
        await site?.stop();
    });
}

// A new page at `url` (a path on the site); its response.
export async function open(url) {
    const opened = await site.page(url);
    opened.p.setDefaultTimeout(10_000);
    return opened;
}
