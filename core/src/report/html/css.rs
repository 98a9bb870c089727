//! The page's stylesheet, held inline in its `<style>` element, for the
//! screen (down to a 390 px phone: no sideways scrolling of the page; a
//! table too wide scrolls inside its own box, long strings wrap) and for
//! print.

pub(super) const CSS: &str = "\
:root{--ink:#1a1a1a;--muted:#555;--line:#c8c8c8;--act:#8a1c00;--actbg:#fff3ee;--warnbg:#fff8db;--head:#eef2f6}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:var(--ink);max-width:1100px;margin:0 auto;padding:1.2em;overflow-wrap:anywhere}
h1{font-size:1.6em;margin:.2em 0 .4em}
h2{font-size:1.3em;margin:1.6em 0 .5em;border-bottom:2px solid var(--ink);padding-bottom:.15em}
h3{font-size:1.08em;margin:1.1em 0 .3em}
h4{font-size:1em;margin:.7em 0 .2em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:0}
dl.meta dt{font-weight:600}
dl.meta dd{margin:0}
dl.meta>*{min-width:0}
.wide{overflow-x:auto;max-width:100%}
details{margin:.4em 0 1em}
summary{cursor:pointer;font-weight:600;padding:.3em 0}
.disclaimer{border:3px solid var(--act);background:var(--actbg);padding:.6em .9em;margin:1em 0;font-size:1.05em}
.disclaimer strong{font-size:1.2em;display:block}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em}
th,td{border:1px solid var(--line);padding:.3em .45em;text-align:left;vertical-align:top}
thead th{background:var(--head)}
td.action.yes{color:var(--act);font-weight:600}
td.action .small{font-weight:normal}
.note{background:var(--warnbg);padding:.15em .35em;display:inline-block;margin-top:.2em}
.muted{color:var(--muted)}
.small{font-size:.85em}
.positions{font-size:.8em;color:var(--muted);word-spacing:.2em}
section.drug,section.gene{border-top:1px solid var(--line);padding-top:.2em}
ul{margin:.2em 0 .5em;padding-left:1.3em}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
a{color:#0b4f9c}
footer{margin-top:2em;font-size:.85em;color:var(--muted)}
@media (max-width:600px){
body{padding:.6em;font-size:14px}
dl.meta{grid-template-columns:1fr}
dl.meta dd{margin-bottom:.3em}
th,td{padding:.25em .3em}
ul{padding-left:1em}
}
@media print{
body{max-width:none;padding:0;font-size:10.5pt}
.wide{overflow:visible}
.disclaimer,thead th,.note{background:none}
.disclaimer{border-width:2px}
a{color:inherit;text-decoration:none}
a[href^='http']::after{content:' (' attr(href) ')';font-size:.8em;word-break:break-all}
h2{break-after:avoid}
h3,h4{break-after:avoid}
tr,section.drug,.disclaimer{break-inside:avoid}
thead{display:table-header-group}
#details,#evidence{break-before:page}
}
";
