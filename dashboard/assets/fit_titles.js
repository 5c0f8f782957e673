/* budgetwatch — a chart's title is never cut on a phone.
 *
 * Plotly draws a title on one line and cuts what does not fit ("2025年21301 农业农村：各项执行
 * 情况（截…"). When a drawn title is wider than its chart, it is broken in two at the last
 * natural seam that lets the first line fit — before "（"/"(", after "："/": "/"，"/", " — and
 * the top margin grows by a line; with no seam, at the width. Only the figure in the browser
 * changes (Plotly.relayout): the server's figure, exports and the PDF briefing keep their
 * one-line titles at print width. Plotly.relayout changes the chart's own figure, which the
 * 下载 PNG / 下载 SVG buttons send back; so what was changed is recorded, as it was, under
 * layout.meta.bw_print, and chart_downloads.py puts it back for the print-width file. Titles
 * come from the figure builders, whose data-derived parts are already escaped
 * (figures/common.plain); only "<br>" is added here.
 */
(function () {
    var LINE = 22;          // px a second title line takes
    var SEAMS = ["（", " (", "：", ": ", "，", ", ", " — ", " "];

    function titleWidth(gd) {
        var el = gd.querySelector(".g-gtitle .gtitle");
        if (!el || !el.getBBox) { return 0; }
        try { return el.getBBox().width; } catch (e) { return 0; }
    }

    function breakAt(text, ratio) {
        // the latest seam whose first part takes at most `ratio` of the whole
        var limit = Math.max(4, Math.floor(text.length * ratio));
        var best = -1;
        SEAMS.forEach(function (seam) {
            var from = 0, at;
            while ((at = text.indexOf(seam, from)) > 0) {
                var cut = (seam === "（" || seam === " (") ? at : at + seam.length;
                if (cut <= limit && cut > best && cut < text.length) { best = cut; }
                from = at + 1;
            }
        });
        if (best < Math.floor(limit / 3)) { best = limit; }       // no useful seam: at the width
        return text.slice(0, best).replace(/\s+$/, "") + "<br>" + text.slice(best).replace(/^\s+/, "");
    }

    function fit(gd) {
        var layout = gd.layout || {};
        var title = layout.title;
        var text = title && (typeof title === "string" ? title : title.text);
        if (!text || text.indexOf("<br>") >= 0 || gd.__bwTitleFitted === text) { return; }
        var room = gd.clientWidth - 24;
        var width = titleWidth(gd);
        if (!width || width <= room) { return; }
        var wrapped = breakAt(text, room / width);
        gd.__bwTitleFitted = wrapped;
        var top = ((layout.margin || {}).t || 64) + LINE;
        var height = (layout.height || gd.clientHeight) + LINE;
        var update = {"title.text": wrapped, "margin.t": top, "height": height};
        var before = {"title.text": text, "margin.t": (layout.margin || {}).t, "height": layout.height};
        if (title.yref === "container" && typeof title.y === "number" && layout.height) {
            update["title.y"] = 1 - (1 - title.y) * layout.height / height;   // same 14 px from the top
            before["title.y"] = title.y;
        }
        update["meta.bw_print"] = before;      // for the chart's downloads (chart_downloads.py)
        window.Plotly.relayout(gd, update);
    }

    function watch(gd) {
        if (gd.__bwTitleWatch || !gd.on) { return; }
        gd.__bwTitleWatch = true;
        gd.on("plotly_afterplot", function () { fit(gd); });
        fit(gd);
    }

    function scan() {
        document.querySelectorAll(".js-plotly-plot").forEach(watch);
    }

    window.bwOnDraw(scan);     // dom_watch.js
})();
