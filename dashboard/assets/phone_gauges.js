/* budgetwatch — on a phone, a row of gauges stacks one under another.
 *
 * Four gauges side by side need about 920 px; on a phone their card scrolled sideways and a
 * reader saw one and a half. A chart whose traces are all indicators (figure_card(stack=True):
 * the overview's four budgets) is drawn, below 700 px, as a column: each gauge the full width,
 * under the one before, the chart as tall as they need. Wider again, the row comes back. Only
 * the figure in the browser changes (Plotly.update): the server's figure and the PDF briefing
 * keep the row (a PNG/SVG downloaded on a phone is the column the reader sees).
 */
(function () {
    var NARROW = window.matchMedia("(max-width: 700px)");
    var GAUGE = 160;        // px each gauge takes in the column
    var TITLE = 56;         // px its name and sums take above it (the first one's sit in the top margin)
    var GAP = 20;
    var COLUMN = [0.06, 0.94];  // each gauge's width in the column
    var TRIES = 6;              // changes in a row that did not hold before giving up

    function gauges(gd) {
        var data = gd.data || [];
        return data.length > 1 && data.every(function (tr) { return tr.type === "indicator"; });
    }

    function same(a, b) {
        return a && b && Math.abs(a[0] - b[0]) < 1e-6 && Math.abs(a[1] - b[1]) < 1e-6;
    }

    function column(n) {
        // each gauge's domain in the column, and the height of the plot area they take
        var plot = n * GAUGE + (n - 1) * (GAP + TITLE), x = [], y = [], top = 0;
        for (var i = 0; i < n; i++) {
            top += i ? GAP + TITLE : 0;
            x.push(COLUMN.slice());
            y.push([1 - (top + GAUGE) / plot, 1 - top / plot]);
            top += GAUGE;
        }
        return {x: x, y: y, plot: plot};
    }

    // Brings the chart to the arrangement its width wants, from whatever state it is in: Dash
    // redraws it from its figure (the server's height, the traces as last changed here) after
    // any relayout, and resizes it, so this runs after every plot and settles when nothing is left
    // to change.
    function arrange(gd) {
        if (!gauges(gd) || !window.Plotly) { return; }
        var full = gd._fullLayout || {}, margin = full.margin || gd.layout.margin || {};
        var height = full.height || gd.layout.height || gd.clientHeight;
        var edges = (margin.t || 0) + (margin.b || 0);
        var traces = gd.data.map(function (_, i) { return i; });
        var want;
        if (NARROW.matches) {
            var col = column(gd.data.length);
            if (gd.__bwRow && gd.__bwRow.x.length !== gd.data.length) { gd.__bwRow = null; }
            if (!gd.__bwRow && !same(gd.data[0].domain.x, COLUMN)) {        // the row, kept to come back to
                gd.__bwRow = {x: gd.data.map(function (tr) { return tr.domain.x.slice(); }),
                              y: gd.data.map(function (tr) { return tr.domain.y.slice(); }), plot: height - edges};
            }
            want = {x: col.x, y: col.y, height: edges + col.plot};
        } else if (gd.__bwRow) {
            want = {x: gd.__bwRow.x, y: gd.__bwRow.y, height: edges + gd.__bwRow.plot};
        } else {
            return;
        }
        var placed = gd.data.every(function (tr, i) { return same(tr.domain.x, want.x[i]) && same(tr.domain.y, want.y[i]); });
        if (placed && Math.abs(height - want.height) < 1) {
            if (!NARROW.matches) { gd.__bwRow = null; }
            gd.__bwTries = 0;
            return;
        }
        gd.__bwTries = (gd.__bwTries || 0) + 1;
        if (gd.__bwTries > TRIES) { return; }        // something keeps undoing it: leave it as drawn
        window.Plotly.update(gd, {"domain.x": want.x, "domain.y": want.y}, {height: want.height}, traces);
    }

    function watch(gd) {
        if (gd.__bwGaugeWatch || !gd.on) { return; }
        gd.__bwGaugeWatch = true;
        gd.on("plotly_afterplot", function () { arrange(gd); });
        arrange(gd);
    }

    function scan(event) {
        document.querySelectorAll(".bw-stack-figure .js-plotly-plot").forEach(function (gd) {
            if (event && event.type === "change") { gd.__bwTries = 0; }     // the width crossed the line
            if (gd.__bwGaugeWatch) { arrange(gd); } else { watch(gd); }
        });
    }

    window.bwOnDraw(scan);     // dom_watch.js
    if (NARROW.addEventListener) { NARROW.addEventListener("change", scan); }
})();
