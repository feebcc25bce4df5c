// The exercises' folds, in headless Chromium, in every language: the hints
// unfold one at a time (the second shows only inside the opened first, and
// so on), by keyboard and by pointer, and the solution's fold opens on its
// code. Nothing here depends on the words of a language.
//
// Run by ci/test.sh after ci/build.sh; by hand: `npm test` in ci/browser.

import { test } from "node:test";
import assert from "node:assert/strict";
import { AXE, cleanRecord } from "./clean-record.mjs";
import { serveSite } from "./harness.mjs";

const site = serveSite();
const LANGUAGES = ["", "/de", "/pt-BR"];
const PAGES = ["part1-exercises.html", "part2-exercises.html", "part3-exercises.html", "part4-exercises.html"];

// The hints of one exercise: a fold with a fold inside, `levels` deep; the
// solution: a fold with none.
const HINTS = "main > details:has(details)";
const SOLUTIONS = "main > details:not(:has(details))";

for (const prefix of LANGUAGES) {
    for (const page of PAGES) {
        test(`${prefix}/${page}: each hint opens the next one, and the solution shows its code`, async () => {
            const { p } = await site.page(`${prefix}/${page}`);
            p.setDefaultTimeout(10_000);
            const groups = await p.locator(HINTS).count();
            assert.ok(groups >= 1, `only ${groups} exercises with hints`);
            assert.equal(await p.locator(SOLUTIONS).count(), groups, "one solution for each exercise");

            for (let g = 0; g < groups; g++) {
                let fold = p.locator(HINTS).nth(g);
                let level = 0;
                while (fold) {
                    level++;
                    const where = `exercise ${g + 1}, hint ${level}`;
                    const summary = fold.locator(":scope > summary");
                    const text = fold.locator(":scope > p").first();
                    assert.equal(await fold.evaluate((d) => d.open), false, `${where} is open at first`);
                    await summary.scrollIntoViewIfNeeded();
                    assert.ok(await summary.isVisible(), `${where}: its label does not show`);
                    assert.ok((await summary.innerText()).trim().length > 0, `${where}: its label is empty`);
                    assert.ok(await labelOnOneLine(summary), `${where}: its label is not on the marker's line`);
                    assert.equal(await text.isVisible(), false, `${where}: its text shows while it is closed`);
                    const inner = fold.locator(":scope > details");
                    if ((await inner.count()) > 0) {
                        assert.equal(await inner.locator(":scope > summary").isVisible(), false, `${where}: the next hint shows before this one is open`);
                    }

                    // The odd levels by keyboard (the label takes the focus,
                    // Enter opens), the even ones with the pointer.
                    if (level % 2 === 1) {
                        await summary.focus();
                        await p.keyboard.press("Enter");
                    } else {
                        await summary.click();
                    }
                    assert.equal(await fold.evaluate((d) => d.open), true, `${where} did not open`);
                    assert.ok(await text.isVisible(), `${where}: its text does not show once open`);
                    fold = (await inner.count()) > 0 ? inner : null;
                    if (fold) {
                        assert.ok(await fold.locator(":scope > summary").isVisible(), `the hint after ${where} does not show once it is open`);
                    }
                }
                assert.ok(level >= 2, `exercise ${g + 1} has ${level} hint`);

                const solution = p.locator(SOLUTIONS).nth(g);
                const code = solution.locator("pre code").first();
                assert.equal(await solution.evaluate((d) => d.open), false, `the solution of exercise ${g + 1} is open at first`);
                assert.equal(await code.isVisible(), false, `the solution of exercise ${g + 1} shows its code while closed`);
                await solution.locator(":scope > summary").click();
                assert.ok(await code.isVisible(), `the solution of exercise ${g + 1} does not show its code`);
                assert.match(await code.innerText(), /\bfn\b|\blet\b|\bstruct\b|\benum\b|\bimpl\b|\bconst\b|\bstatic\b|\buse\b|\[dependencies\]/, "the solution's code is not Rust");
            }
            await p.close();
        });
    }
}

// Whether the label of a fold is on a single line (with the marker), not
// pushed below it by the paragraph that holds it in the Markdown.
function labelOnOneLine(summary) {
    return summary.evaluate((s) => {
        const label = s.querySelector("p") ?? s;
        const lineHeight = parseFloat(getComputedStyle(label).lineHeight) || 1.5 * parseFloat(getComputedStyle(label).fontSize);
        const rects = [...label.getClientRects()];
        const marker = s.getBoundingClientRect();
        return rects.length === 1 && rects[0].height < 1.5 * lineHeight && rects[0].top - marker.top < lineHeight;
    });
}

// axe-core (WCAG 2.1 A and AA) on the exercises with every fold open, in
// every theme: the folds' own colours, and the text and code inside them.
// (a11y.test.mjs checks every page as it loads, with the folds closed.)
// Skipped while neither the page nor anything it loads has changed since
// it was found clean (clean-record.mjs).
const THEMES = ["light", "rust", "coal", "navy", "ayu"];
const record = cleanRecord(import.meta.url);

for (const page of PAGES) {
    test(`/${page}: axe finds nothing with every fold open, in every theme`, async (t) => {
        const key = record.key([`/${page}`], ...THEMES);
        if (record.isClean(key)) {
            t.diagnostic("unchanged since it was found clean (A11Y_CACHE=0 checks it too)");
            return;
        }
        const found = [];
        for (const theme of THEMES) {
            const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
            await context.addInitScript((theme) => localStorage.setItem("mdbook-theme", theme), theme);
            const p = await context.newPage();
            await p.goto(`${site.base}/${page}`);
            await p.evaluate(() => document.querySelectorAll("main details").forEach((d) => (d.open = true)));
            await p.addScriptTag({ content: AXE });
            const lines = await p.evaluate(async (tags) => {
                const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
                return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`));
            }, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
            found.push(...lines.map((line) => `${theme}: ${line}`));
            await context.close();
        }
        assert.deepEqual(found, []);
        record.markClean(key);
    });
}
