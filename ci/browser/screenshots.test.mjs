// One chapter page per language as a reader sees it, saved for review:
// build/screenshots/<language>-ch07-sleep.png. Chapter 7 has a bit of
// everything: prose, listings, a note, a timeline picture and a quiz. The
// shot shows the timeline, then the quiz with its first question answered
// and submitted. Nothing here judges how it looks: a person looks at the
// files (the other tests check the text, the picture and the quiz).

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT, serveSite } from "./harness.mjs";

const site = serveSite();
const OUT = path.join(ROOT, "build/screenshots");

for (const [language, prefix] of [["en", "/"], ["de", "/de/"], ["pt-BR", "/pt-BR/"]]) {
    test(`a screenshot of chapter 7 in ${language}`, async () => {
        mkdirSync(OUT, { recursive: true });
        const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
        const p = await context.newPage();
        p.setDefaultTimeout(10_000);
        await p.goto(`${site.base}${prefix}ch07-sleep.html`);
        await p.evaluate(() => document.fonts.ready);
        const picture = p.locator("main img[src*='timeline-']").first();
        await picture.scrollIntoViewIfNeeded();
        await picture.evaluate((img) => img.complete || new Promise((done) => img.addEventListener("load", done)));
        const timeline = path.join(OUT, `${language}-ch07-sleep-timeline.png`);
        await p.screenshot({ path: timeline });

        // The quiz: start it, pick the first choice (or type an answer), submit.
        const quiz = p.locator(".mdbook-quiz");
        await quiz.scrollIntoViewIfNeeded();
        await quiz.locator("header button, .start button, button").first().click();
        const choice = quiz.locator(".choice input").first();
        if (await choice.count()) {
            await choice.check();
        } else {
            await quiz.locator("input[type=text], textarea").first().fill("5");
        }
        await quiz.locator("input[type=submit]").click();
        await quiz.scrollIntoViewIfNeeded();
        const shot = path.join(OUT, `${language}-ch07-sleep.png`);
        await p.screenshot({ path: shot });
        await context.close();
        for (const file of [timeline, shot]) {
            assert.ok(statSync(file).size > 20_000, `${file} looks empty`);
        }
    });
}
