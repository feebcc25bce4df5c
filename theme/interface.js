// mdBook's interface in the page's language, for the strings that scripts
// write in the browser: the search results' header and teasers (searcher.js),
// the buttons and tooltips of the listings (book.js), and the language picker.
//
// ci/build.sh translates the strings of the page itself, and puts the
// translations of these into every translated page, from its po file
// (ci/tools/src/interface.rs), as <script id="book-interface">. English pages
// have none: there every string stays as it is.
(function () {
    "use strict";

    const data = document.getElementById("book-interface");
    const catalogue = data ? JSON.parse(data.textContent) : { plurals: 1, messages: [] };
    const language = document.documentElement.lang || "en";
    const pluralRules = new Intl.PluralRules(language);

    // English string -> message, for the strings without placeholders; and
    // for those with some ("{count} search results for '{term}':"), the
    // regular expression that reads the English sentence mdBook wrote.
    const exact = new Map();
    const patterns = [];
    for (const message of catalogue.messages) {
        message.en.forEach((english, form) => {
            if (!/\{\w+\}/.test(english)) {
                exact.set(english, message);
                return;
            }
            const names = [];
            const source = english
                .split(/(\{\w+\})/)
                .map((part) => {
                    const placeholder = /^\{(\w+)\}$/.exec(part);
                    if (!placeholder) {
                        return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
                    }
                    names.push(placeholder[1]);
                    return placeholder[1] === "count" ? "(\\d+)" : "(.*)";
                })
                .join("");
            patterns.push({ regex: new RegExp("^" + source + "$"), names, message, form });
        });
    }

    // The translated form of a message for `count` (gettext's order: with two
    // forms, the first is for "one").
    function form(message, count) {
        if (message.tr.length < 2 || count === undefined || catalogue.plurals < 2) {
            return message.tr[0];
        }
        return message.tr[pluralRules.select(count) === "one" ? 0 : message.tr.length - 1];
    }

    function fill(template, values) {
        return template.replace(/\{(\w+)\}/g, (whole, name) =>
            Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole,
        );
    }

    // The translation of a message given by its English text, with its
    // placeholders filled in; the English one on English pages (there, with
    // `englishPlural`, the plural for any count but 1). The quiz's script
    // calls this too (ci/tools/src/quiz.rs).
    function t(english, values = {}, englishPlural = undefined) {
        const message = catalogue.messages.find((m) => m.en[0] === english);
        let template = english;
        if (message) {
            template = form(message, values.count);
        } else if (englishPlural !== undefined && values.count !== 1) {
            template = englishPlural;
        }
        return fill(template, values);
    }

    // The translation of a sentence a script wrote in English, or null.
    function translate(text) {
        const message = exact.get(text);
        if (message) {
            return message.tr[0];
        }
        for (const pattern of patterns) {
            const match = pattern.regex.exec(text);
            if (match) {
                const values = {};
                pattern.names.forEach((name, i) => {
                    values[name] = name === "count" ? Number(match[i + 1]) : match[i + 1];
                });
                return fill(form(pattern.message, values.count), values);
            }
        }
        return null;
    }

    window.bookInterface = { t, translate };

    // Titles and labels. book.js tells its "show hidden lines" button's two
    // states apart by the English title: during a click, the button gets its
    // English title back, and its translation after book.js has handled it.
    const ATTRIBUTES = ["title", "aria-label"];
    const englishTitle = new WeakMap();

    function translateAttributes(element) {
        for (const name of ATTRIBUTES) {
            const value = element.getAttribute(name);
            const translated = value === null ? null : translate(value);
            if (translated !== null && translated !== value) {
                element.setAttribute(name, translated);
                if (name === "title") {
                    englishTitle.set(element, { english: value, translated });
                }
            }
        }
    }

    function translateTree(root) {
        if (root.nodeType !== Node.ELEMENT_NODE) {
            return;
        }
        translateAttributes(root);
        for (const element of root.querySelectorAll("[title], [aria-label]")) {
            translateAttributes(element);
        }
    }

    // (book.js replaces the button's icon: the element clicked may be gone
    // by the time the click bubbles up, so the button is kept.)
    let clicked = null;
    document.addEventListener(
        "click",
        (event) => {
            clicked = event.target.closest && event.target.closest("pre .buttons button");
            const title = clicked && englishTitle.get(clicked);
            if (title && clicked.title === title.translated) {
                clicked.title = title.english;
            }
        },
        true,
    );
    document.addEventListener("click", () => {
        if (clicked) {
            translateAttributes(clicked);
            // book.js labels the button with the title of the element
            // clicked, "undefined" when that was the icon: the button's own.
            if (clicked.title) {
                clicked.setAttribute("aria-label", clicked.title);
            }
            clicked = null;
        }
    });

    if (!data) {
        return; // an English page
    }

    // Texts that scripts write: the search results' header, the tooltips.
    const TEXTS = "#mdbook-searchresults-header, .tooltiptext";

    function translateText(node) {
        const parent = node.parentElement;
        if (parent && parent.matches(TEXTS)) {
            const translated = translate(node.data);
            if (translated !== null && translated !== node.data) {
                node.data = translated;
            }
        }
    }

    translateTree(document.body);
    new MutationObserver((records) => {
        for (const record of records) {
            if (record.type === "characterData") {
                translateText(record.target);
                continue;
            }
            for (const node of record.addedNodes) {
                if (node.nodeType === Node.TEXT_NODE) {
                    translateText(node);
                } else {
                    translateTree(node);
                }
            }
        }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
})();
