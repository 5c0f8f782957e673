"""The 监督简报's page: its A4 print style and HTML frame (dashboard/briefing.py fills it in).

Noto CJK first, so the feeds' Chinese names print in either language."""
from __future__ import annotations

from string import Template

CSS = """
@page { size: A4; margin: 16mm 15mm 16mm 15mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", sans-serif;
       font-size: 10.5pt; line-height: 1.6; color: #1f2933; margin: 0; }
h1 { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 20pt; text-align: center;
     color: #b71c1c; margin: 0 0 4pt; letter-spacing: 1pt; }
.sub { text-align: center; color: #616e7c; margin: 0 0 6pt; }
.rule { border: 0; border-top: 2px solid #b71c1c; margin: 4pt 0 12pt; }
h2 { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 14pt; margin: 14pt 0 6pt;
     break-after: avoid; }
p { margin: 4pt 0; text-align: justify; }
.cards { display: flex; gap: 8pt; margin: 6pt 0 8pt; }
.card { flex: 1; border: 1px solid #d9dee3; border-radius: 4pt; padding: 6pt 8pt; }
.card .k { color: #616e7c; font-size: 9pt; }
.card .v { font-size: 14pt; font-weight: 700; }
.card .n { color: #616e7c; font-size: 8.5pt; }
table { width: 100%; border-collapse: collapse; margin: 4pt 0 8pt; font-size: 9pt; }
th, td { border: 1px solid #d9dee3; padding: 3pt 5pt; vertical-align: top; }
th { background: #f1f3f5; font-weight: 700; text-align: left; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nw { white-space: nowrap; }
tr { break-inside: avoid; }
.sev { display: inline-block; padding: 0 4pt; border-radius: 3pt; color: #fff; font-size: 8.5pt; white-space: nowrap; }
.sev.high { background: #d62828; } .sev.medium { background: #f08c00; } .sev.low { background: #c99a06; }
figure { margin: 6pt 0 10pt; break-inside: avoid; }
figure img { width: 100%; display: block; }
.note { color: #616e7c; font-size: 8.5pt; }
footer { margin-top: 14pt; color: #616e7c; font-size: 8.5pt; border-top: 1px solid #d9dee3; padding-top: 4pt; }
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="$html_lang"><head><meta charset="utf-8"><title>$title</title>
<style>$css</style></head>
<body>
<h1>$title</h1>
<p class="sub">$sub</p>
<hr class="rule">
$body
<footer>$footer</footer>
</body></html>
""")
