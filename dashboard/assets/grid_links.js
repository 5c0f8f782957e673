/* AG Grid cell renderers of budgetwatch (dash-ag-grid finds them by name in columnDefs).
 *
 * BwLink: the cell's value as plain text inside a link to a page of this site. Names come
 * from feeds and users, so a cell is never read as Markdown or HTML (a department named
 * "点此核对](http://host/phish) [预算单位" stays that text); the address comes from the row
 * field named by cellRendererParams.hrefField and must be a path of this site ("/…", not
 * "//host" or "/\host"), else the cell is text without a link. A plain click moves within
 * the app as dcc.Link does (history entry, no page load); modified clicks open as usual.
 */
(function () {
    var funcs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

    function sameSitePath(href) {
        return typeof href === "string" && href.charAt(0) === "/" && href.charAt(1) !== "/" &&
            href.charAt(1) !== "\\" && !/[\u0000-\u001f]/.test(href);
    }

    funcs.BwLink = function (props) {
        var text = props.value === null || props.value === undefined ? "" : String(props.value);
        var href = props.data && props.hrefField ? props.data[props.hrefField] : null;
        if (!sameSitePath(href)) {
            return React.createElement("span", null, text);
        }
        return React.createElement("a", {
            href: href,
            className: "bw-grid-link",
            onClick: function (e) {
                if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; }
                e.preventDefault();
                window.history.pushState({}, "", href);
                window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
                window.scrollTo(0, 0);
            }
        }, text);
    };
})();
