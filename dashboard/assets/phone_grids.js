/* budgetwatch — grids on a phone keep the key figure next to the name.
 *
 * A grid narrower than 600 px cannot show its columns side by side: AG Grid scrolls them
 * sideways and a reader saw only 编码 and 名称. There, the name column and the key-figure
 * column (执行进度, an amount) are pinned to the left, so the figure stays next to the name while
 * the other columns scroll; at full width the grid is as declared. A column says what it is
 * with colDef.context.phone = "name" | "key"; without it, the first text column that is not a
 * code is the name and the first number column the key figure. Grids that pin columns of
 * their own are left alone. Wired to every grid by tables.grid (eventListeners).
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
        api.__bwTimer = setTimeout(function () { apply(api); }, 60);
    };

    function apply(api) {
        if (api.isDestroyed && api.isDestroyed()) { return; }
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
        var keyWidth = key ? 100 : 0;
        var nameWidth = Math.max(100, width - keyWidth - 80);
        var state = [];
        if (name) { state.push({colId: name.getColId(), pinned: narrow ? "left" : null, flex: null,
                                width: narrow ? nameWidth : undefined}); }
        if (key) { state.push({colId: key.getColId(), pinned: narrow ? "left" : null, flex: null,
                               width: narrow ? keyWidth : undefined}); }
        if (state.length) { api.applyColumnState({state: state}); }
        if (!narrow && api.sizeColumnsToFit) { api.sizeColumnsToFit(); }
    }
})();
