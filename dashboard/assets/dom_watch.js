/* budgetwatch — run a page script again whenever Dash draws something new.
 *
 * Charts and grids arrive after the page loads and again on every callback; scripts that
 * adjust them in the browser (fit_titles.js, phone_gauges.js) look again at most once a frame
 * after any change to the document. Dash loads assets in name order: this file comes first.
 */
window.bwOnDraw = function (scan) {
    var queued = false;
    new MutationObserver(function () {
        if (queued) { return; }
        queued = true;
        window.requestAnimationFrame(function () { queued = false; scan(); });
    }).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener("DOMContentLoaded", function () { scan(); });
};
