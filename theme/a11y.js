// What mdBook's pages need at run time to work for keyboards and screen
// readers. The static markup is fixed at build time (ci/tools/src/a11y.rs),
// the colours in a11y.css; this is only what depends on the reader's screen
// or on what they do.
(function () {
    "use strict";

    // The sidebar toggle is a <label> for a hidden checkbox: the build gives
    // it role="button" and tabindex="0", here it gets a button's keys.
    const toggle = document.getElementById("mdbook-sidebar-toggle");
    if (toggle) {
        toggle.addEventListener("keydown", (event) => {
            if (event.key === "Enter" || event.key === " ") {
                event.preventDefault();
                toggle.click();
            }
        });
    }

    // mdBook writes the number of search results into the results' header,
    // while the box around it is still hidden, so screen readers miss it. The
    // build adds a status region that is always there; it repeats the header
    // while the results show.
    const status = document.getElementById("a11y-search-status");
    const header = document.getElementById("mdbook-searchresults-header");
    const results = document.getElementById("mdbook-searchresults-outer");
    if (status && header && results) {
        const announce = () => {
            status.textContent = results.classList.contains("hidden") ? "" : header.textContent;
        };
        // The header's text, and the box hidden or shown.
        new MutationObserver(announce).observe(results, {
            subtree: true,
            childList: true,
            characterData: true,
            attributes: true,
            attributeFilter: ["class"],
        });
    }

    // A code block or table that scrolls sideways (on a phone, in a narrow
    // window, with a larger font) must be reachable by keyboard to be
    // scrolled: it joins the tab order while, and only while, it scrolls.
    const scrollers = document.querySelectorAll("pre > code, .table-wrapper");
    function update(element) {
        const scrolls =
            element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight;
        if (scrolls) {
            element.setAttribute("tabindex", "0");
        } else {
            element.removeAttribute("tabindex");
        }
    }
    // mdBook turns the pages on ArrowLeft and ArrowRight: in a block that
    // scrolls, those keys scroll it, as in any other scrolling box.
    scrollers.forEach((element) =>
        element.addEventListener("keydown", (event) => {
            const sideways = event.key === "ArrowLeft" || event.key === "ArrowRight";
            if (sideways && element.getAttribute("tabindex") === "0") {
                event.stopPropagation();
            }
        }),
    );
    if (scrollers.length > 0 && typeof ResizeObserver === "function") {
        // Called once for each element at the start, then on every change of size
        // (window, sidebar, the hidden lines mdBook's eye button shows).
        const observer = new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target)));
        scrollers.forEach((element) => observer.observe(element));
        // Web fonts change how wide a line is, not the block's size.
        if (document.fonts) {
            document.fonts.ready.then(() => scrollers.forEach(update));
        }
    }
})();
