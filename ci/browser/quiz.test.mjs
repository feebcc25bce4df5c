// The quiz at the end of a chapter, in headless Chromium, in every language:
// it renders, takes answers, and shows its explanations, with its questions
// (ci/tools/src/quiz.rs, `quiz-apply`) and its own buttons and headings
// (`quiz-widget`, through theme/interface.js) in the page's language.
//
// What the page must say comes from the po file: a message's msgstr when it
// is translated and not fuzzy, else its English text (what the build shows
// then). So while a translation lacks the quiz's messages this test passes
// with the English text, and proves the language once they are translated; it
// logs how many of the strings it checked were translated. axe-core finds
// nothing wrong in the quiz's states that the site-wide sweep (a11y.test.mjs,
// which sees only its first screen) does not reach.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { AXE } from "./clean-record.mjs";
import { ROOT, serveSite } from "./harness.mjs";

const site = serveSite();

const CHAPTER = "ch01-listen.html";
const UI = "quiz interface";

// A po file's messages: "msgctxt\u0004msgid" -> { forms, fuzzy }.
function readPo(file) {
    const messages = new Map();
    // A po string is a JSON string: the escapes it may hold (\n, \t, \", \\) are JSON's too.
    const unquote = (s) => JSON.parse(s);
    for (const block of readFileSync(file, "utf8").split(/\n\n+/)) {
        const entry = { msgctxt: "", msgid: null, forms: [], fuzzy: /^#,.*\bfuzzy\b/m.test(block) };
        let current = null;
        for (const line of block.split("\n")) {
            const keyword = /^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?) (".*")$/.exec(line);
            if (keyword) {
                current = keyword[2] !== undefined ? `msgstr${keyword[2]}` : keyword[1];
                entry[current] = unquote(keyword[3]);
            } else if (current && line.startsWith('"')) {
                entry[current] += unquote(line);
            }
        }
        if (!entry.msgid) continue;
        const forms = "msgstr" in entry ? [entry.msgstr] : Object.keys(entry).filter((k) => /^msgstr\d+$/.test(k)).sort().map((k) => entry[k]);
        messages.set(`${entry.msgctxt}\u0004${entry.msgid}`, { forms, fuzzy: entry.fuzzy, plural: entry.msgid_plural });
    }
    return messages;
}

// What the page in `language` shows for an English message: its translation or the English.
function translator(language) {
    const po = language === "en" ? new Map() : readPo(path.join(ROOT, "po", `${language}.po`));
    const stats = { checked: 0, translated: 0 };
    const plural = new Intl.PluralRules(language);
    function tr(msgctxt, english, count, englishPlural) {
        const message = po.get(`${msgctxt}\u0004${english}`);
        stats.checked += 1;
        if (language !== "en") {
            assert.ok(message, `po/${language}.po has no message ${msgctxt}: "${english}" (run ci/refresh-po.sh)`);
        }
        if (message && !message.fuzzy && message.forms.every((f) => f !== "")) {
            stats.translated += 1;
            const forms = message.forms;
            return count === undefined || forms.length < 2 ? forms[0] : forms[plural.select(count) === "one" ? 0 : forms.length - 1];
        }
        const other = message?.plural ?? englishPlural;
        return count !== undefined && count !== 1 && other ? other : english;
    }
    return { tr, stats };
}

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
// Text as the reader sees it: without Markdown's and HTML's marks, spaces folded.
const plain = (s) => s.replace(/<\/?strong>/g, "").replace(/[`*]/g, "").replace(/\s+/g, " ").trim();
// The first block of a Markdown string: one message of the po file.
const firstMessage = (markdown) => markdown.trim().split(/\n\s*\n/)[0].split("\n").map((l) => l.trim()).join(" ");

// The English quiz, as mdbook-quiz put it into the English page.
async function englishQuiz() {
    const { p } = await site.page(`/${CHAPTER}`);
    const json = await p.locator(".quiz-placeholder").getAttribute("data-quiz-questions");
    await p.close();
    return JSON.parse(json);
}

async function axe(p, where) {
    if (!(await p.evaluate(() => "axe" in window))) {
        await p.addScriptTag({ content: AXE });
    }
    const found = await p.evaluate(async () => {
        const result = await window.axe.run(document.querySelector(".mdbook-quiz"), {
            runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
            resultTypes: ["violations"],
        });
        return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`));
    });
    assert.deepEqual(found, [], `${where}: axe-core finds problems in the quiz`);
}

for (const language of ["en", "de", "pt-BR"]) {
    test(`${language}: the quiz of chapter 1 renders, takes answers and explains them in the page's language`, async (t) => {
        const english = await englishQuiz();
        const { tr, stats } = translator(language);
        const quiz = (s) => tr("quiz ch01", s);
        const count = english.questions.length;
        const prefix = language === "en" ? "" : `/${language}`;
        const themes = language === "en" ? ["light", "navy"] : ["light"];
        for (const theme of themes) {
            const context = await site.browser.newContext();
            await context.addInitScript((theme) => localStorage.setItem("mdbook-theme", theme), theme);
            const p = await context.newPage();
            p.setDefaultTimeout(10_000);
            const errors = [];
            p.on("pageerror", (e) => errors.push(e.message));
            await p.goto(`${site.base}${prefix}/${CHAPTER}`);
            const widget = p.locator(".mdbook-quiz");

            // Before it starts: "Quiz", "4 questions", "Start".
            assert.equal(plain(await widget.locator("header h3").textContent()), tr(UI, "Quiz"));
            assert.equal(plain(await widget.locator("header .counter").textContent()), fill(tr(UI, "{count} question", count, "{count} questions"), { count }));
            await widget.getByRole("button", { name: tr(UI, "Start"), exact: true }).click();

            for (const [i, question] of english.questions.entries()) {
                const number = i + 1;
                const where = `${language}, ${theme}, question ${number}`;
                assert.equal(plain(await widget.locator("header .counter").textContent()), fill(tr(UI, "Question {number} / {total}"), { number, total: count }), where);
                assert.equal(plain(await widget.locator(".prompt h4").textContent()), fill(tr(UI, "Question {number}"), { number }), where);
                assert.equal(plain(await widget.locator(".response h4").textContent()), tr(UI, "Response"), where);
                const prompt = plain(await widget.locator(".prompt").textContent());
                // The first question is answered right, the others wrong.
                const right = i === 0;
                if (question.type === "Tracing") {
                    assert.ok(prompt.includes(plain(tr(UI, "Determine whether the program will pass the compiler. If it passes, write the expected output of the program if it were executed."))), where);
                    const compiles = right === question.answer.doesCompile;
                    await widget.getByLabel(tr(UI, compiles ? "DOES compile" : "does NOT compile"), { exact: true }).check();
                    if (compiles) {
                        const output = widget.getByPlaceholder(tr(UI, "Write the program's stdout here..."), { exact: true });
                        await output.fill(right ? question.answer.stdout : "?");
                    }
                } else {
                    assert.ok(prompt.includes(plain(quiz(firstMessage(question.prompt.prompt)))), `${where}: the question is not in the page's language: ${prompt}`);
                    if (question.type === "MultipleChoice") {
                        const choice = right ? question.answer.answer : question.prompt.distractors[0];
                        await widget.locator(".choice").filter({ hasText: plain(quiz(firstMessage(choice))) }).locator("input").check();
                    } else {
                        const input = widget.getByPlaceholder(tr(UI, "Write your answer here..."), { exact: true });
                        await input.fill(right ? quiz(question.answer.answer) : "?");
                    }
                }
                if (theme === "navy" || i === 0) {
                    await axe(p, where);
                }
                const submit = widget.locator("input[type=submit]");
                assert.equal(await submit.getAttribute("value"), tr(UI, "Submit"), where);
                await submit.click();
            }

            // The review: the score, then the explanations once the reader asks for the answers.
            assert.equal(plain(await widget.locator("h3").last().textContent()), tr(UI, "Answer Review"));
            const score = fill(plain(tr(UI, "You answered <strong>{score}</strong> questions correctly.")), { score: `1/${count}` });
            await widget.locator("p").filter({ hasText: score }).waitFor();
            const offer = plain(fill(tr(UI, "You can either {retry} or {answers}."), { retry: tr(UI, "retry the quiz"), answers: tr(UI, "see the correct answers") }));
            await widget.locator("p").filter({ hasText: offer }).first().waitFor();
            await widget.getByRole("button", { name: tr(UI, "see the correct answers"), exact: true }).first().click();
            const explanations = widget.locator(".context");
            assert.equal(await explanations.count(), count, "an explanation for every question");
            for (const [i, question] of english.questions.entries()) {
                const text = plain(await explanations.nth(i).textContent());
                const expected = `${tr(UI, "Context")}: ${plain(quiz(firstMessage(question.context)))}`;
                assert.ok(text.startsWith(expected), `${language}, explanation ${i + 1}:\n${text}\ndoes not start with\n${expected}`);
            }
            const headers = await widget.locator(".answer-header").allTextContents();
            assert.ok(headers.includes(tr(UI, "You answered:")), headers.join(" | "));
            assert.ok(headers.includes(tr(UI, "The correct answer is:")), headers.join(" | "));
            await axe(p, `${language}, ${theme}, the answers`);
            assert.deepEqual(errors, [], "errors in the page's scripts");
            await context.close();
        }
        t.diagnostic(`${language}: ${stats.translated} of ${stats.checked} strings checked were translated (the others are checked in English)`);
    });
}
