/* budgetwatch — grids on a phone keep the key figure next to the name.
 *
 * A grid narrower than 600 px cannot show its columns side by side: AG Grid scrolls them
 * sideways and a reader saw only 编码 and 名称. There, the name column and the key-figure
 * column (执行进度, an amount) are pinned to the left, so the figure stays next to the name while
 * the other columns scroll; at full width the grid is as declared. A column says what it is
 * with colDef.context.phone = "name" | "key"; without it, the first text column that is not a
 * code is the name and the first number column the key figure. Grids that pin columns of
 * their own are left alone. Wired to every grid by tables.grid (eventListeners).
 *
 * Before that, at every width: a number, a date or a code is never cut. Number columns
 * (rightAligned) and columns whose loaded values all read as dates, times or codes
 * (2023-06-30, 20250000032017, 9143010058033054XJ, 430100-2025-001) are sized to their content
 * and header, and kept at that width when the grid fits its other columns into the rest; a
 * text column narrower than the longest word of its header is widened to it (English
 * headers wrap between words, never inside one: style.css). Text may ellipsize: every
 * cell's full value is its tooltip (tables.grid).
 */
(function () {
    var funcs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
    var NARROW = 600;

    function role(def) { return def && def.context ? def.context.phone : undefined; }
    function isNumber(def) {
        var type = def.type;
        return type === "rightAligned" || (Array.isArray(type) && type.indexOf("rightAligned") >= 0);
    }
    function isCode(def) { return /(^|_)(code|no)$/.test(def.field || ""); }

    // Called on the grid's events; applied a moment later, after dash-ag-grid has applied its
    // own column state and sizing for the same change (else they undo the pins).
    funcs.bwPhoneColumns = function (params) {
        var api = params.api;
        if (!api) { return; }
        if (typeof params.clientWidth === "number" && params.clientWidth) { api.__bwWidth = params.clientWidth; }
        clearTimeout(api.__bwTimer);
        clearTimeout(api.__bwAgain);
        api.__bwTimer = setTimeout(function () { apply(api); }, 60);
        api.__bwAgain = setTimeout(function () { apply(api); }, 600);   // after a section is shown, fonts settle
    };

    var WHOLE = /^(?:[-+]?[\d,]+(?:\.\d+)?%?|\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d)?)?|[0-9A-Z][0-9A-Z.\-]{4,})$/;
    var measure = document.createElement("canvas").getContext("2d");

    function wholeValues(api, col) {
        // most loaded values of the column (as shown) read as numbers, dates or codes
        var seen = 0, count = 0;
        api.forEachNode(function (node) {
            if (seen >= 60 || !node.data) { return; }
            var v = api.getCellValue ? api.getCellValue({rowNode: node, colKey: col, useFormatter: true}) : node.data[col.getColId()];
            if (v === null || v === undefined || v === "" || v === "—") { return; }
            seen += 1;
            if (WHOLE.test(String(v).trim())) { count += 1; }
        });
        return seen > 0 && count * 2 >= seen;
    }

    function headerWordWidth(api, col) {
        var el = document.querySelector(".ag-header-cell[col-id='" + col.getColId() + "'] .ag-header-cell-text");
        var name = col.getColDef().headerName || "";
        // every grid shares the theme's header font: measure with it even before this header is
        // drawn (a grid below the fold), never with the canvas's 10px default
        el = el || document.querySelector(".ag-header-cell-text");
        if (!el) { return 0; }
        var st = getComputedStyle(el);
        measure.font = st.fontWeight + " " + st.fontSize + " " + st.fontFamily;
        var widest = 0;
        name.split(/\s+/).forEach(function (w) {
            if (/^[\x00-\x7f]+$/.test(w)) { widest = Math.max(widest, measure.measureText(w).width); }
        });
        return widest ? Math.ceil(widest) + 56 : 0;      // the header's sort and menu icons, padding
    }

    function fit(api) {
        var cols = api.getColumns ? (api.getColumns() || []) : [];
        var whole = [], widen = [];
        cols.forEach(function (col) {
            var def = col.getColDef();
            if (def.hide || def.wrapText || def.flex > 1) { return; }
            if (isNumber(def) || (def.context && def.context.whole) || wholeValues(api, col)) {
                whole.push(col);
            } else {
                var need = headerWordWidth(api, col);
                if (need > col.getActualWidth()) { widen.push({colId: col.getColId(), width: need}); }
            }
        });
        if (!whole.length && !widen.length) { return; }
        if (whole.length) {
            api.autoSizeColumns(whole.map(function (c) { return c.getColId(); }), false);
            whole.forEach(function (c) {
                var def = c.getColDef(), need = headerWordWidth(api, c);
                if (need > c.getActualWidth()) { widen.push({colId: c.getColId(), width: need}); }
                def.suppressSizeToFit = true;       // the grid's fitting leaves them whole
            });
        }
        widen.forEach(function (w) { api.getColumn(w.colId).getColDef().suppressSizeToFit = true; });
        if (widen.length) { api.applyColumnState({state: widen}); }
        if (api.sizeColumnsToFit) { api.sizeColumnsToFit(); }
    }

    function apply(api) {
        if (api.isDestroyed && api.isDestroyed()) { return; }
        try { fit(api); } catch (e) { /* a grid the fitting does not understand stays as drawn */ }
        var width = api.__bwWidth;
        if (typeof width !== "number" || !width) { return; }
        var cols = api.getColumns ? (api.getColumns() || []) : [];
        var defs = cols.map(function (c) { return c.getColDef(); });
        if (!cols.length || defs.some(function (d) { return d.pinned; })) { return; }
        var name = cols.filter(function (c, i) { return role(defs[i]) === "name"; })[0] ||
            cols.filter(function (c, i) { return !isNumber(defs[i]) && !isCode(defs[i]) && !defs[i].hide; })[0];
        var key = cols.filter(function (c, i) { return role(defs[i]) === "key"; })[0] ||
            cols.filter(function (c, i) { return isNumber(defs[i]) && !defs[i].hide && /(^|_)rate$/.test(defs[i].field || ""); })[0] ||
            cols.filter(function (c, i) { return isNumber(defs[i]) && !defs[i].hide; })[0];
        var narrow = width < NARROW;
        if (!narrow && !api.__bwPinned) { return; }
        api.__bwPinned = narrow;
        // The pinned pair leaves a strip for the other columns to scroll in: AG Grid unpins
        // columns that leave less than that (its viewport check), losing the pair.
        // The key column is at least as wide as its header's longest word ("Execution").
        var keyWidth = key ? Math.max(100, headerWordWidth(api, key)) : 0;
        var nameWidth = Math.max(100, width - keyWidth - 80);
        var state = [];
        if (name) { state.push({colId: name.getColId(), pinned: narrow ? "left" : null, flex: null,
                                width: narrow ? nameWidth : undefined}); }
        if (key) { state.push({colId: key.getColId(), pinned: narrow ? "left" : null, flex: null,
                               width: narrow ? keyWidth : undefined}); }
        if (state.length) { api.applyColumnState({state: state}); }
        if (!narrow && api.sizeColumnsToFit) { api.sizeColumnsToFit(); }
    }

    // A grid whose rows or columns arrived before dash-ag-grid attached its event listeners (an
    // answer from the server's shared cache comes back in milliseconds) never hears
    // firstDataRendered: look at every drawn grid whenever its rows, columns or width changed,
    // whatever the events said.
    function look() {
        if (!window.dash_ag_grid || !dash_ag_grid.getApi) { return; }
        document.querySelectorAll(".ag-root-wrapper").forEach(function (root) {
            var host = root.closest("[id]");
            if (!host) { return; }
            var api;
            try { api = dash_ag_grid.getApi(host.id); } catch (e) { return; }
            if (!api || (api.isDestroyed && api.isDestroyed()) || !api.getColumns) { return; }
            var seen = (api.getDisplayedRowCount ? api.getDisplayedRowCount() : 0) + ":" +
                (api.getColumns() || []).length + ":" + host.clientWidth;
            if (api.__bwLooked === seen) { return; }
            api.__bwLooked = seen;
            funcs.bwPhoneColumns({api: api, clientWidth: host.clientWidth});
        });
    }
    if (window.bwOnDraw) { window.bwOnDraw(look); }
})();
