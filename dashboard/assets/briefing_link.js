/* budgetwatch — the 监督简报 link says the briefing is being made.
 *
 * A briefing takes ~20 s the first time (queries, nine charts, Chromium printing A4), and a
 * plain link to it showed nothing all that while. A plain left click on ``a.bw-briefing`` is
 * taken over: the link turns busy (``aria-busy``, a spinner, the seconds so far from its
 * ``data-busy`` text), the PDF is fetched and saved under the server's file name, and the link
 * comes back. A refusal (the server busy, no data) is written in the status line beside it
 * (``role=status``) in the server's own words. Another click while busy does nothing; a
 * middle click, Ctrl/⌘-click or "open in new tab" is left to the browser.
 */
(function () {
    function fileName(response) {
        var header = response.headers.get("Content-Disposition") || "";
        var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
        if (star) { try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ } }
        var plain = /filename="?([^";]+)"?/i.exec(header);
        return plain ? plain[1] : "budgetwatch_briefing.pdf";
    }

    function save(blob, name) {
        var url = URL.createObjectURL(blob);
        var a = document.createElement("a");
        a.href = url;
        a.download = name;
        a.style.display = "none";
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    }

    document.addEventListener("click", function (event) {
        var link = event.target && event.target.closest ? event.target.closest("a.bw-briefing") : null;
        if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
            return;
        }
        event.preventDefault();
        if (link.getAttribute("aria-busy") === "true") { return; }
        var status = link.parentNode && link.parentNode.querySelector(".bw-briefing-status");
        var label = link.textContent, started = Date.now();
        var busy = link.getAttribute("data-busy") || "…";
        function tick() {
            link.textContent = busy.replace("{s}", String(Math.round((Date.now() - started) / 1000)));
        }
        link.setAttribute("aria-busy", "true");
        link.classList.add("is-busy");
        if (status) { status.textContent = ""; }
        tick();
        var timer = setInterval(tick, 1000);
        function finish() {
            clearInterval(timer);
            link.textContent = label;
            link.removeAttribute("aria-busy");
            link.classList.remove("is-busy");
        }
        fetch(link.href, {credentials: "same-origin"}).then(function (response) {
            if (!response.ok) {
                return response.text().then(function (text) { throw new Error(text || String(response.status)); });
            }
            return response.blob().then(function (blob) { save(blob, fileName(response)); });
        }).then(finish, function (error) {
            finish();
            if (status) { status.textContent = (link.getAttribute("data-failed") || "") + error.message; }
        });
    }, true);
})();
