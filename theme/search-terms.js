// The words of a search, turned into the terms of the book's search index by
// that language's rules: accents folded, a German or Portuguese stem instead of
// an English one, no English stop words in the translations.
//
// Not an mdBook theme file: `book-tools search-index` (ci/tools/src/search.rs)
// rebuilds each language's index and puts this script at the start of its
// searchindex.js, so it runs before mdBook's searcher.js loads the index. It
// registers the pipeline function the index names, `book-terms`, which reads
// what the index side wrote next to the index (`window.search.search_terms`):
//
//   lookup    folded word of the book -> its term ("" for none), where they differ
//   chars     every non-ASCII character of the book -> its folded spelling
//   fallback  for a word the book does not contain: "english" (elasticlunr's
//             own English pipeline) or "stem-prefix" (the longest term of the
//             index that the word starts with, at most five letters shorter
//             and at least four long; else the word itself)
(function searchTerms() {
    'use strict';

    if (typeof elasticlunr === 'undefined') {
        return;
    }

    // elasticlunr's English pipeline, before we replace its stemmer below.
    const english = [elasticlunr.trimmer, elasticlunr.stopWordFilter, elasticlunr.stemmer];
    const EDGES = /^[^\p{Alphabetic}\p{N}]+|[^\p{Alphabetic}\p{N}]+$/gu;
    const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

    function rules() {
        return window.search && window.search.search_terms;
    }

    // As `fold` in search.rs: for the characters of the book, exactly its result.
    function fold(word, chars) {
        let folded = '';
        for (const c of word) {
            if (c.charCodeAt(0) < 128) {
                folded += c;
            } else if (has(chars, c)) {
                folded += chars[c];
            } else {
                folded += c.normalize('NFD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss');
            }
        }
        return folded;
    }

    // Whether the index holds `term` in any field (its tries are in the JSON).
    function isTerm(term) {
        const fields = window.search.index.index;
        return Object.keys(fields).some(field => {
            let node = fields[field].root;
            for (const c of term) {
                node = has(node, c) ? node[c] : null;
                if (!node) {
                    return false;
                }
            }
            return node.df > 0;
        });
    }

    // The term of one token of a query (elasticlunr's tokenizer lower-cases it).
    function term(token) {
        const terms = rules();
        const key = fold(token, terms.chars).replace(EDGES, '');
        if (key === '') {
            return undefined;
        }
        if (has(terms.lookup, key)) {
            return terms.lookup[key] || undefined;
        }
        if (terms.fallback === 'english') {
            let t = key;
            for (const step of english) {
                t = step(t);
                if (t === undefined || t === null || t === '') {
                    return undefined;
                }
            }
            return t;
        }
        const chars = Array.from(key);
        for (let n = chars.length; n >= Math.max(chars.length - 5, 4); n--) {
            const prefix = chars.slice(0, n).join('');
            if (isTerm(prefix)) {
                return prefix;
            }
        }
        return key;
    }

    elasticlunr.Pipeline.registerFunction(term, 'book-terms');

    // searcher.js marks the words of a result's teaser that match the search
    // by elasticlunr.stemmer: the same terms there.
    const stemmer = elasticlunr.stemmer;
    elasticlunr.stemmer = function bookStemmer(word) {
        const terms = rules();
        if (!terms) {
            return stemmer(word);
        }
        const t = term(word);
        return t === undefined ? fold(word, terms.chars) : t;
    };
})();
