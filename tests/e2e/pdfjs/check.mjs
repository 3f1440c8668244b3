// pdf.js (npm pdfjs-dist, the reader in Firefox) reading a tagged pack: tests/e2e/pdfjs.sh.
//
// Usage: node check.mjs PDF [pet-board]
// Prints "ok   ..." or "FAIL ..." lines.  What is checked is what pdf.js itself makes of
// the file - its structure tree per page (getStructTree), its text content with the
// marked-content boundaries (getTextContent includeMarkedContent), its annotations and
// destinations - against the roles the pack should have (docs/accessibility.md):
// - the document: /MarkInfo Marked, /Lang en-GB, an XMP dc:title equal to the title;
// - every page: one Document element under the root; only standard structure types;
//   every text item inside tagged content or an artifact; the marked content pdf.js
//   finds in the page's text content is exactly the tree's content on that page, in the
//   tree's order, so the text read in structure order is the page's text in reading order;
//   Table of TR of TH/TD, every Figure with Alt, every Link with its annotation and its
//   text, every link annotation of the page in a Link;
// - the headings start at H1 and skip no level; each contents entry is a Link whose text
//   is an H1 or H2 heading's, and whose destination is the page that heading is on;
// - pet-board (the PET's board pack): the scorecard is a Table whose first row is TH
//   (KPI, Target, the institutions, Trust) and whose other rows start with a TH followed
//   by TDs; its three charts are Figures whose Alt gives the values.
import { createRequire } from "module";
import fs from "fs";
import path from "path";
import { fileURLToPath } from "url";

const require = createRequire(fileURLToPath(import.meta.url));
// pdf.js's Node build says on loading that it cannot polyfill the canvas (rendering, not
// used here) - on stdout, where this script's results go: its messages go to stderr
const log = console.log;
console.log = (...a) => console.error(...a);
const pdfjs = require("pdfjs-dist/legacy/build/pdf.js");
console.log = log;

const [file, mode] = process.argv.slice(2);
const name = path.basename(file);
let failed = 0;
function out(ok, what) {
    if (!ok) failed++;
    console.log((ok ? "ok   " : "FAIL ") + name + ": " + what);
}
const squeeze = (s) => s.replace(/\s+/g, "");

// ISO 32000-1 14.8.4's standard structure types: a pack needs no role map
const STANDARD = new Set(["Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC",
    "TOCI", "Index", "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L",
    "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote",
    "Note", "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu",
    "WT", "WP", "Figure", "Formula", "Form"]);

const doc = await pdfjs.getDocument({ data: new Uint8Array(fs.readFileSync(file)), verbosity: 0,
    isEvalSupported: false, useSystemFonts: false }).promise;

// ---- the document ----
const mark = await doc.getMarkInfo();
out(mark !== null && mark.Marked === true, "pdf.js: /MarkInfo /Marked true");
const meta = await doc.getMetadata();
out(meta.info.Language === "en-GB", `pdf.js: the document's language is en-GB (${meta.info.Language})`);
const xtitle = meta.metadata ? meta.metadata.get("dc:title") : null;
out(!!meta.info.Title && xtitle === meta.info.Title, `pdf.js: XMP dc:title is the title (${meta.info.Title})`);

// ---- each page ----
const problems = [];
const headings = [];        // {level, text, page}
const tocLinks = [];        // {text, annotation id, page}
const tables = [];          // {page, rows: [[role, ...]], head: [texts]}
const figures = [];         // alt texts
let annotsAll = 0, chars = 0;
const annotPage = new Map();  // annotation id -> its destination's page index
for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const tree = await page.getStructTree();
    const tc = await page.getTextContent({ includeMarkedContent: true });
    if (!tree || tree.role !== "Root" || tree.children.length !== 1 || tree.children[0].role !== "Document") {
        problems.push(`page ${n}: the structure tree is not one Document`);
        continue;
    }
    // the text of each marked-content id, in stream order; text outside any
    const idText = new Map(), streamIds = [];
    const stack = [];
    for (const it of tc.items) {
        if (it.type === "beginMarkedContentProps" || it.type === "beginMarkedContent") {
            stack.push(it.type === "beginMarkedContentProps" && it.id ? it.id : it.tag === "Artifact" ? "artifact" : null);
            if (it.id) {
                if (idText.has(it.id)) problems.push(`page ${n}: marked content ${it.id} twice`);
                idText.set(it.id, "");
                streamIds.push(it.id);
            }
        } else if (it.type === "endMarkedContent") {
            stack.pop();
        } else if (it.str !== undefined && it.str.trim() !== "") {
            const inner = stack.filter((x) => x !== null);
            if (!inner.length) problems.push(`page ${n}: text outside marked content (${it.str})`);
            else if (inner[inner.length - 1] !== "artifact") {
                const id = inner[inner.length - 1];
                idText.set(id, idText.get(id) + it.str);
            }
        }
    }
    // the tree, depth first: its content ids in order
    const treeIds = [];
    const textOf = (node) => (node.children || []).map((k) =>
        k.type === "content" ? idText.get(k.id) || "" : k.type === "object" ? "" : textOf(k)).join("");
    const links = [];
    function walk(node, parents) {
        const kids = node.children || [];
        if (!STANDARD.has(node.role)) problems.push(`page ${n}: a non-standard role ${node.role}`);
        const roles = kids.filter((k) => k.role).map((k) => k.role);
        if (node.role === "Table" && roles.some((r) => !["TR", "THead", "TBody", "TFoot"].includes(r)))
            problems.push(`page ${n}: a Table of ${roles}`);
        if (node.role === "TR" && (!roles.length || roles.some((r) => r !== "TH" && r !== "TD")))
            problems.push(`page ${n}: a TR of ${roles}`);
        if (node.role === "Figure") {
            if (!node.alt || !node.alt.trim()) problems.push(`page ${n}: a Figure without Alt`);
            figures.push(node.alt || "");
        }
        if (node.role === "Link") {
            const objs = kids.filter((k) => k.type === "object");
            if (objs.length !== 1 || !kids.some((k) => k.type === "content"))
                problems.push(`page ${n}: a Link without its annotation or its text`);
            for (const o of objs) links.push(o.id);
            if (parents.includes("TOCI") && objs.length) {
                tocLinks.push({ text: textOf(node), id: objs[0].id, page: n });
            }
        }
        const h = /^H([1-6])$/.exec(node.role || "");
        if (h) headings.push({ level: +h[1], text: textOf(node), page: n });
        if (node.role === "Table") {
            const rows = kids.filter((k) => k.role === "TR").map((tr) =>
                (tr.children || []).filter((c) => c.role).map((c) => ({ role: c.role, text: textOf(c) })));
            tables.push({ page: n, rows });
        }
        for (const k of kids) {
            if (k.type === "content") treeIds.push(k.id);
            else if (k.role) walk(k, parents.concat([node.role]));
        }
    }
    walk(tree.children[0], []);
    // the text in structure order is the page's text in stream (reading) order
    const same = treeIds.length === streamIds.length && treeIds.every((id, i) => id === streamIds[i]);
    if (!same) {
        const i = treeIds.findIndex((id, k) => id !== streamIds[k]);
        problems.push(`page ${n}: the tree's content ${treeIds.slice(i, i + 3)} where the page has ${streamIds.slice(i, i + 3)}`);
    }
    chars += squeeze(treeIds.map((id) => idText.get(id) || "").join("")).length;
    // every link annotation of the page is in a Link
    const annots = (await page.getAnnotations()).filter((a) => a.subtype === "Link");
    annotsAll += annots.length;
    for (const a of annots) {
        if (!links.includes(a.id)) problems.push(`page ${n}: link annotation ${a.id} in no Link`);
        if (a.dest) {
            const dest = typeof a.dest === "string" ? await doc.getDestination(a.dest) : a.dest;
            if (dest && typeof dest[0] === "object") annotPage.set(a.id, (await doc.getPageIndex(dest[0])) + 1);
        }
    }
    page.cleanup();
}
out(problems.length === 0, `pdf.js: every page's structure tree as PDF/UA has it ${JSON.stringify([...new Set(problems)].slice(0, 4))}`);
out(chars > 0, `pdf.js: the text read in structure order is each page's text in reading order (${chars} characters on ${doc.numPages} pages)`);
const lv = headings.map((h) => h.level);
out(lv.length > 0 && lv[0] === 1 && lv.every((l, i) => i === 0 || l <= lv[i - 1] + 1),
    `pdf.js: headings start at H1 and skip no level (${lv.length})`);

// ---- the contents: each entry a Link with an H1 or H2 heading's text, to that heading's page ----
const entryProblems = [];
for (const e of tocLinks) {
    const text = squeeze(e.text);
    const target = annotPage.get(e.id);
    // the entry reads "1. Summary ... 3": the heading's text, then the page it is on
    const h = headings.find((x) => x.level <= 2 && x.page === target && text === squeeze(x.text) + String(target));
    if (!h) entryProblems.push(`${e.text} (to page ${target})`);
}
if (tocLinks.length)
    out(entryProblems.length === 0, `pdf.js: the ${tocLinks.length} contents entries are Links to the H1/H2 heading of their text on the page they name ${JSON.stringify(entryProblems.slice(0, 3))}`);
out(tocLinks.length === annotsAll, `pdf.js: the ${annotsAll} link annotations are the contents entries (${tocLinks.length})`);

// ---- the PET's board pack: the scorecard's roles and the charts ----
if (mode === "pet-board") {
    const score = tables.find((t) => t.rows.length > 5 && t.rows[0].length > 3 && t.rows[0][0].text === "KPI"
        && t.rows[0][1].text === "Target" && t.rows[0][t.rows[0].length - 1].text === "Trust");
    const headOk = score && score.rows[0].every((c) => c.role === "TH");
    const bodyOk = score && score.rows.slice(1).every((r) => r.length === score.rows[0].length
        && r[0].role === "TH" && r.slice(1).every((c) => c.role === "TD"));
    out(!!(headOk && bodyOk), `pdf.js: the scorecard (page ${score ? score.page : "none"}) is a Table whose first row is TH `
        + `(${score ? score.rows[0].map((c) => c.text).join(", ") : ""}) and whose rows each start with a TH, then TDs`);
    // and its continuation on the following pages: rows headed by their KPI, no header row
    const cont = score ? tables.filter((t) => t.page > score.page && t.page <= score.page + 2
        && t.rows.length && t.rows[0].length === score.rows[0].length) : [];
    out(cont.length > 0 && cont.every((t) => t.rows.every((r) => r[0].role === "TH" && r.slice(1).every((c) => c.role === "TD"))),
        `pdf.js: the scorecard's ${cont.length} continued page(s) have its rows, each headed by a TH (the repeated header is an artifact)`);
    out(figures.length === 3 && figures.every((a) => /The values:|: [A-Z]+ \d/.test(a) && /\d(\.\d)?%|£\d/.test(a)),
        `pdf.js: the three charts are Figures whose Alt gives their values (${figures.length})`);
}
await doc.destroy();
process.exit(failed ? 1 : 0);
