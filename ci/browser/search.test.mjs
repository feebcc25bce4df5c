// Search in each language of the built site, typed into the search bar as a
// reader does: that language's rules (no English stop words, its own plurals),
// accents folded, results within the language; and the browser turns every
// word of the book into the very term the index holds for it (the index side
// is ci/tools/src/search.rs, the query side theme/search-terms.js).
//
// Run by ci/test.sh after ci/build.sh; by hand: `npm test` in ci/browser.

import { test } from "node:test";
import assert from "node:assert/strict";
import { serveSite } from "./harness.mjs";

const site = serveSite();

/** The search bar of `prefix`/index.html, opened: `search(word)` puts
 *  `word` into it as a reader pastes a word, resolves to each result's path
 *  and anchor (without the highlight parameter), in order. */
async function searchBar(prefix) {
    const { p } = await site.page(`${prefix}/index.html`);
    await p.click("#mdbook-search-toggle");
    const bar = p.locator("#mdbook-searchbar");
    async function search(word) {
        await bar.fill(word);
        // searcher.js searches on keyup: a key that types nothing.
        await bar.press("End");
        // The header names the search once its results are shown.
        await p.waitForFunction(
            (w) => document.getElementById("mdbook-searchresults-header").textContent.includes(w),
            word,
        );
        const links = await p.$$eval("#mdbook-searchresults li a", (as) => as.map((a) => a.href));
        return links.map((link) => {
            const url = new URL(link);
            const language = ["/de/", "/pt-BR/"].find((l) => url.pathname.startsWith(l)) ?? "/";
            assert.equal(language, `${prefix}/`, `${link} is not in ${prefix || "/"}`);
            return url.pathname + url.hash;
        });
    }
    /** The words the teasers of the results mark as matching the search. */
    const marked = () => p.$$eval("#mdbook-searchresults .teaser em", (ems) => ems.map((em) => em.textContent));
    return { p, search, marked, close: () => p.close() };
}

/** Runs `check` with the search bar of `prefix`. */
async function withSearch(prefix, check) {
    const bar = await searchBar(prefix);
    try {
        await check(bar);
    } finally {
        await bar.close();
    }
}

async function assertFinds({ search }, word, expected) {
    const results = await search(word);
    assert.ok(results.length > 0, `"${word}" finds nothing`);
    if (expected) {
        assert.ok(results.includes(expected), `"${word}" does not find ${expected}: ${results.join(" ")}`);
    }
    return results;
}

async function assertSameResults(bar, word, reference) {
    const expected = await assertFinds(bar, reference);
    assert.deepEqual(await bar.search(word), expected, `"${word}" does not find what "${reference}" finds`);
}

test("German: former English stop words, a plural, a word without its umlaut, a form the book lacks", async () => {
    await withSearch("/de", async (bar) => {
        await assertFinds(bar, "was", "/de/introduction.html#was-wir-bauen");
        await assertFinds(bar, "also");
        await assertSameResults(bar, "Verbindungen", "Verbindung");
        await assertSameResults(bar, "Empfanger", "Empfänger");
        const marked = await bar.marked();
        assert.ok(marked.some((w) => w.startsWith("Empfänger")), `the teasers mark ${marked}`);
        // „Verbindungs" is nowhere in the book; the term of „Verbindung" is.
        await assertSameResults(bar, "Verbindungs", "Verbindung");
    });
});

test("Portuguese: former English stop words, plurals, words without their accents", async () => {
    await withSearch("/pt-BR", async (bar) => {
        await assertFinds(bar, "do");
        // The English trimmer took "é" for punctuation.
        await assertFinds(bar, "é");
        await assertSameResults(bar, "conexões", "conexão");
        await assertSameResults(bar, "requisições", "requisição");
        await assertSameResults(bar, "conexao", "conexão");
        await assertSameResults(bar, "requisicao", "requisição");
        const marked = await bar.marked();
        assert.ok(marked.some((w) => /^requisiç(ão|ões)/i.test(w)), `the teasers mark ${marked}`);
    });
});

test("English: a plural finds what its singular finds, stop words stop", async () => {
    await withSearch("", async (bar) => {
        await assertSameResults(bar, "connections", "connection");
        assert.deepEqual(await bar.search("the"), []);
    });
});

for (const prefix of ["", "/de", "/pt-BR"]) {
    test(`${prefix || "/"}: every word of the book, typed, is the term the index holds for it`, async () => {
        const { p } = await site.page(`${prefix}/index.html`);
        await p.click("#mdbook-search-toggle");
        await p.waitForFunction(() => window.search && window.search.index && window.search.search_terms);
        const problems = await p.evaluate(() => {
            const index = elasticlunr.Index.load(window.search.index);
            const encoder = new TextEncoder();
            const found = [];
            let words = 0;
            for (const [ref, doc] of Object.entries(window.search.index.documentStore.docs)) {
                for (const field of index.getFields()) {
                    // mdBook drops tokens longer than 80 bytes from its index.
                    const tokens = elasticlunr.tokenizer(doc[field]).filter((t) => encoder.encode(t).length <= 80);
                    const terms = index.pipeline.run(tokens);
                    words += tokens.length;
                    for (const term of terms) {
                        if (!(ref in index.index[field].getDocs(term))) {
                            found.push(`${field} of ${ref}: "${term}" is not in the index`);
                        }
                    }
                    const length = index.documentStore.getFieldLength(ref, field);
                    if (terms.length !== length) {
                        found.push(`${field} of ${ref}: ${terms.length} terms, the index counted ${length}`);
                    }
                }
            }
            return words > 1000 ? found : [`only ${words} words in the book?`];
        });
        assert.deepEqual(problems.slice(0, 20), []);
        await p.close();
    });
}
