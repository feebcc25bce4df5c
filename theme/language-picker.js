// The language picker: a globe button in the menu bar that opens the same
// page in another language of the book.
//
// English lives at the root of the site, each translation under /<code>/, and
// every language has the same pages under the same file names. mdBook tells
// each page where its book's root is (`path_to_root`), so we can find the
// page's path inside the book and put another language's prefix in front.
(function () {
    "use strict";

    const LANGUAGES = [
        { code: "en", name: "English" },
        { code: "de", name: "Deutsch" },
        { code: "pt-BR", name: "Português (Brasil)" },
    ];
    const SOURCE_LANGUAGE = "en";

    const current = document.documentElement.lang || SOURCE_LANGUAGE;
    const rootPath = typeof path_to_root === "string" ? path_to_root : "";
    // Relative to the document's base: on the "not found" page, mdBook sets a
    // <base> at the book's root, since that page answers for any address.
    const bookRoot = new URL(rootPath === "" ? "./" : rootPath, document.baseURI);
    const siteRoot = current === SOURCE_LANGUAGE ? bookRoot : new URL("../", bookRoot);

    // The page's path inside its book, e.g. "ch02-read-request.html". From
    // the "not found" page, the picker leads to the other language's start.
    let page = "";
    const here = window.location.pathname;
    const notFoundPage = document.querySelector("base") !== null;
    if (!notFoundPage && here.startsWith(bookRoot.pathname)) {
        page = here.slice(bookRoot.pathname.length);
    }

    // GitHub Pages answers every unknown address with the root's 404.html,
    // in English: for an address under /de/ or /pt-BR/, show that language's.
    if (notFoundPage && here.startsWith(siteRoot.pathname)) {
        const rest = here.slice(siteRoot.pathname.length);
        const owner = LANGUAGES.find(
            (l) => l.code !== SOURCE_LANGUAGE && rest.startsWith(l.code + "/"),
        );
        if (owner && owner.code !== current) {
            window.location.replace(new URL(owner.code + "/404.html", siteRoot).href);
            return;
        }
    }

    function urlFor(code) {
        const prefix = code === SOURCE_LANGUAGE ? "" : code + "/";
        return new URL(prefix + page, siteRoot).href;
    }

    const rightButtons = document.querySelector("#mdbook-menu-bar .right-buttons");
    if (!rightButtons) {
        return;
    }

    const wrapper = document.createElement("div");
    wrapper.className = "language-picker";

    const button = document.createElement("button");
    button.id = "language-toggle";
    button.className = "icon-button";
    button.type = "button";
    button.title = "Language: " + (LANGUAGES.find((l) => l.code === current) || {}).name;
    button.setAttribute("aria-label", "Change language");
    button.setAttribute("aria-haspopup", "true");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "language-list");
    button.innerHTML =
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="18" height="18" ' +
        'fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">' +
        '<circle cx="12" cy="12" r="10"/><path d="M2 12h20"/>' +
        '<path d="M12 2a15 15 0 0 1 0 20a15 15 0 0 1 0-20z"/></svg>';

    const list = document.createElement("ul");
    list.id = "language-list";
    list.className = "language-popup";
    list.setAttribute("role", "menu");
    list.hidden = true;

    for (const language of LANGUAGES) {
        const item = document.createElement("li");
        item.setAttribute("role", "none");
        const link = document.createElement("a");
        link.setAttribute("role", "menuitem");
        link.href = urlFor(language.code);
        link.lang = language.code;
        link.hreflang = language.code;
        link.textContent = language.name;
        if (language.code === current) {
            link.setAttribute("aria-current", "true");
        }
        item.appendChild(link);
        list.appendChild(item);
    }

    function show(open) {
        list.hidden = !open;
        button.setAttribute("aria-expanded", String(open));
        if (open) {
            list.querySelector("a").focus();
        }
    }

    button.addEventListener("click", () => show(list.hidden));
    document.addEventListener("click", (event) => {
        if (!wrapper.contains(event.target)) {
            show(false);
        }
    });
    document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && !list.hidden) {
            show(false);
            button.focus();
        }
    });

    wrapper.appendChild(button);
    wrapper.appendChild(list);
    rightButtons.insertBefore(wrapper, rightButtons.firstChild);
})();
