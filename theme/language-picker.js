// The language picker: a globe button in the menu bar that opens the same
// page, at the same section, in another language of the book.
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

    // The section: heading ids are translated, but every language has the
    // same headings in the same order, so the anchor of the nth heading here
    // becomes the anchor of the nth heading there. Each other language's
    // page is fetched once, when the picker first opens.
    const HEADINGS = "main :is(h1, h2, h3, h4, h5, h6)[id]";
    const anchorsOf = new Map();

    function anchors(code) {
        if (!anchorsOf.has(code)) {
            const request = fetch(urlFor(code), { credentials: "same-origin" })
                .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
                .then((html) => {
                    const other = new DOMParser().parseFromString(html, "text/html");
                    return {
                        headings: Array.from(other.querySelectorAll(HEADINGS), (h) => h.id),
                        ids: new Set(Array.from(other.querySelectorAll("main [id]"), (e) => e.id)),
                    };
                })
                .catch(() => null);
            anchorsOf.set(code, request);
        }
        return anchorsOf.get(code);
    }

    // The address of this page in another language: the same query, and the
    // same section if the address names one.
    async function addressIn(code) {
        const url = new URL(urlFor(code));
        url.search = window.location.search;
        let hash = window.location.hash.slice(1);
        try {
            hash = decodeURIComponent(hash);
        } catch {
            // not percent-encoded UTF-8: taken as it is
        }
        if (hash === "" || page === "" || code === current) {
            url.hash = code === current ? window.location.hash : "";
            return url.href;
        }
        const here = Array.from(document.querySelectorAll(HEADINGS), (h) => h.id);
        const there = await anchors(code);
        const index = here.indexOf(hash);
        if (there && index >= 0 && index < there.headings.length) {
            url.hash = there.headings[index];
        } else if (there && there.ids.has(hash)) {
            url.hash = hash;
        }
        return url.href;
    }

    const rightButtons = document.querySelector("#mdbook-menu-bar .right-buttons");
    if (!rightButtons) {
        return;
    }
    const t = window.bookInterface ? window.bookInterface.t : (english) => english;

    // A disclosure: a button that shows and hides a list of links. Opening it
    // focuses the current language; arrow keys, Home and End move between
    // the links (and never reach mdBook's chapter navigation), Space follows
    // one like Enter, Escape closes the list and returns to the button, and
    // leaving the picker (Tab, a click elsewhere) closes it.
    const wrapper = document.createElement("div");
    wrapper.className = "language-picker";

    const button = document.createElement("button");
    button.id = "language-toggle";
    button.className = "icon-button";
    button.type = "button";
    const currentName = (LANGUAGES.find((l) => l.code === current) || {}).name;
    button.title = t("Language: {language}", { language: currentName });
    button.setAttribute("aria-label", t("Change language"));
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
    list.hidden = true;

    const links = [];
    for (const language of LANGUAGES) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = urlFor(language.code);
        link.lang = language.code;
        link.hreflang = language.code;
        link.textContent = language.name;
        if (language.code === current) {
            link.setAttribute("aria-current", "true");
        }
        // The link's address, with the section mapped, once it is known
        // (for a link opened in a new tab, or copied); a plain click waits for it.
        link.addEventListener("click", (event) => {
            if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
                return;
            }
            event.preventDefault();
            addressIn(language.code).then((href) => window.location.assign(href));
        });
        item.appendChild(link);
        list.appendChild(item);
        links.push(link);
    }
    const currentLink = links.find((l) => l.hasAttribute("aria-current")) || links[0];

    function updateAddresses() {
        LANGUAGES.forEach((language, i) => {
            addressIn(language.code).then((href) => {
                links[i].href = href;
            });
        });
    }

    function show(open, focus) {
        if (open && list.hidden) {
            updateAddresses();
        }
        list.hidden = !open;
        button.setAttribute("aria-expanded", String(open));
        if (focus) {
            focus.focus();
        }
    }

    button.addEventListener("click", () => show(list.hidden, list.hidden ? currentLink : null));
    window.addEventListener("hashchange", () => {
        if (!list.hidden) {
            updateAddresses();
        }
    });

    wrapper.addEventListener("keydown", (event) => {
        if (event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        const at = links.indexOf(document.activeElement);
        let target = null;
        switch (event.key) {
            case "ArrowDown":
                target = list.hidden ? currentLink : links[Math.min(at + 1, links.length - 1)];
                break;
            case "ArrowUp":
                target = list.hidden ? currentLink : links[at < 0 ? links.length - 1 : Math.max(at - 1, 0)];
                break;
            case "Home":
                target = list.hidden ? null : links[0];
                break;
            case "End":
                target = list.hidden ? null : links[links.length - 1];
                break;
            case "ArrowLeft":
            case "ArrowRight":
                // Not mdBook's "previous / next chapter" while the picker has the focus.
                break;
            case " ":
                if (at < 0) {
                    return; // the button: Space opens and closes it
                }
                links[at].click();
                break;
            case "Escape":
                if (list.hidden) {
                    return;
                }
                show(false, button);
                break;
            default:
                return;
        }
        event.preventDefault();
        event.stopPropagation();
        if (target) {
            show(true, target);
        }
    });

    // Leaving the picker (Tab, Shift+Tab, a click elsewhere) closes it.
    wrapper.addEventListener("focusout", (event) => {
        if (!list.hidden && !wrapper.contains(event.relatedTarget)) {
            show(false, null);
        }
    });
    document.addEventListener("click", (event) => {
        if (!list.hidden && !wrapper.contains(event.target)) {
            show(false, null);
        }
    });

    wrapper.appendChild(button);
    wrapper.appendChild(list);
    rightButtons.insertBefore(wrapper, rightButtons.firstChild);
})();
