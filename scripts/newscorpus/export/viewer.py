"""A static document viewer in the export: ``viewer/index.html`` and ``viewer/doc/<doc_id>.html``.

A post-build step: it reads the finished export's ``documents`` and ``entity_table`` Parquet files and writes
one self-contained HTML page per document plus an index.  A page loads nothing (inline CSS and JavaScript only)
and shows every record: the text with mentions coloured by entity type (names filled, nominal and pronominal
mentions lighter and underlined) and figures boxed with their normalized value; clicking a mention marks its
coreference chain and shows its entity (id, type, description, other documents) in a side panel; entities,
figures and stances as tables, a clicked stance's evidence highlighted in the text.

Every mention, figure and stance carries its record id in a ``data-*-id`` attribute, every entity its entity id.
Text and values are HTML-escaped and the script's JSON has ``<``, ``>`` and ``&`` escaped, so no record can close
the script element.  No timestamps, records in the export's order: the same export gives the same bytes.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from .. import schema, texts
from .readback import read_split_rows

VIEWER_DIR = "viewer"
INDEX_FILE = "index.html"
DOC_DIR = "doc"
OTHER_DOCUMENTS_SHOWN = 20
"""A page lists at most this many other documents per entity (then says how many more)."""

TYPE_COLOURS = ("#aa9cfc", "#c887fb", "#9cc9cc", "#7aecec", "#feca74", "#ff9561", "#bfeeb7", "#ffeb80", "#f0d0ff", "#ff8197", "#ffb38a")
"""Entity type colours in ``schema.ENTITY_LABELS`` order (displaCy's colours for the OntoNotes types);
labels appended later reuse them in turn."""
POLARITY_COLOURS = ("#1b7f3b", "#b3261e", "#5f6368")
"""Polarity badge colours in ``schema.POLARITIES`` order (for, against, neutral); later labels grey."""


def doc_href(doc_id: str, from_index: bool) -> str:
    return f"{DOC_DIR + '/' if from_index else ''}{quote(doc_id, safe='')}.html"


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' appears literally."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def type_index(label: str) -> int:
    names = schema.ENTITY_LABELS.names
    return names.index(label) if label in names else len(names)


def figure_value(figure: dict[str, Any]) -> str:
    """The figure's value as a reader sees it: normalized form, or value / range with unit."""
    def num(v: float) -> str:
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"

    unit = f" {figure['unit']}" if figure.get("unit") else ""
    if figure.get("value") is not None:
        shown = num(figure["value"]) + unit
    elif figure.get("value_low") is not None and figure.get("value_high") is not None:
        shown = f"{num(figure['value_low'])}–{num(figure['value_high'])}{unit}"
    else:
        shown = figure.get("normalized") or "?"
    return ("≈ " if figure.get("approximate") else "") + shown


# --------------------------------------------------------------------------- the annotated text


@dataclass
class _Mark:
    """A span drawn around text: an entity mention or a figure (nested; split where spans cross)."""

    start: int
    end: int
    rank: int  # at equal spans, lower ranks are drawn outside
    tag: str  # the opening tag of the first piece
    cont: str  # the opening tag of a continuation piece (no id)


def _mention_mark(m: dict[str, Any], entity: int) -> _Mark:
    kind = "nam" if m["mention_type"] == schema.NAME_MENTION_TYPE else "ref"
    attrs = (
        f'class="m t{type_index(m["label"])} {kind}" data-entity="{entity}" data-mention-id="{esc(m["mention_id"])}" '
        f'data-label="{esc(m["label"])}" data-mention-type="{esc(m["mention_type"])}" tabindex="0"'
    )
    cont = attrs.replace('class="m ', 'class="m cont ', 1)
    return _Mark(m["start"], m["end"], 1, f"<span {attrs}>", f"<span {cont}>")


def _figure_mark(f: dict[str, Any], index: int) -> _Mark:
    attrs = (
        f'class="fig" data-fig="{index}" data-figure-id="{esc(f["figure_id"])}" data-kind="{esc(f["kind"])}" '
        f'data-value="{esc(figure_value(f))}" tabindex="0"'
    )
    cont = attrs.replace('class="fig"', 'class="fig cont"', 1)
    return _Mark(f["start"], f["end"], 0, f"<span {attrs}>", f"<span {cont}>")


def annotated_text(text: str, marks: list[_Mark], evidence: list[tuple[int, int]]) -> str:
    """The text as HTML: marks nested (a mark crossing another is closed and reopened), and every stretch
    covered by stance evidence wrapped in ``<span class="s" data-st="i j">`` naming the stances' indexes."""
    bounds = sorted({0, len(text), *(b for m in marks for b in (m.start, m.end)), *(b for span in evidence for b in span)})
    starting: dict[int, list[_Mark]] = {}
    for mark in sorted(marks, key=lambda m: (m.start, -m.end, m.rank)):
        starting.setdefault(mark.start, []).append(mark)
    out: list[str] = []
    stack: list[_Mark] = []
    for here, there in zip(bounds, bounds[1:]):
        reopen = []
        while any(m.end == here for m in stack):
            mark = stack.pop()
            out.append("</span>")
            if mark.end != here:
                reopen.append(mark)
        for mark in reversed(reopen):
            out.append(mark.cont)
            stack.append(mark)
        for mark in starting.get(here, []):
            out.append(mark.tag)
            stack.append(mark)
        stances = [str(i) for i, (s, e) in enumerate(evidence) if s <= here and there <= e]
        piece = esc(text[here:there])
        out.append(f'<span class="s" data-st="{" ".join(stances)}">{piece}</span>' if stances else piece)
    out.extend("</span>" for _ in stack)
    return "".join(out)


# --------------------------------------------------------------------------- entities across the corpus


@dataclass
class Entity:
    entity_id: str
    name: str
    label: str
    description: str
    provenance: str
    docs: dict[str, None] = field(default_factory=dict)  # ordered set: the documents mentioning it
    counts: dict[str, int] = field(default_factory=dict)  # split -> mentions


def read_entities(out: Path) -> dict[str, Entity]:
    """The export's entity table, one entry per entity across splits (its documents in split order)."""
    entities: dict[str, Entity] = {}
    for split, rows in read_split_rows(out, "entity_table").items():
        for row in rows:
            entity = entities.get(row["entity_id"])
            if entity is None:
                entity = entities[row["entity_id"]] = Entity(
                    row["entity_id"], row["name"], row["label"], row["description"], f"{row['annotator']} · {row['method']}"
                )
            entity.docs.update(dict.fromkeys(row["doc_ids"]))
            entity.counts[split] = row["mention_count"]
    return dict(sorted(entities.items()))


# --------------------------------------------------------------------------- pages


STYLE = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1f2328;background:#f6f7f9}
header{background:#1f2a44;color:#fff;padding:14px 28px}
header h1{margin:0;font-size:20px;font-weight:600}
header .meta{opacity:.85;font-size:13px;margin-top:4px}
header a{color:#cfe0ff}
main{padding:18px 28px;max-width:1400px}
.note{background:#fff8e1;border:1px solid #f0d98a;border-radius:6px;padding:8px 12px;font-size:13px;margin-bottom:14px}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:20px;align-items:start}
.card{background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:16px 20px;margin-bottom:18px}
.card h2{font-size:16px;margin:0 0 10px}
#text{white-space:pre-wrap;font:16px/2.15 Georgia,"Noto Serif","DejaVu Serif",serif;overflow-wrap:anywhere}
.m{border-radius:4px;padding:2px 1px;cursor:pointer;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.m.ref{border-bottom:2px dashed rgba(0,0,0,.45);background-image:linear-gradient(rgba(255,255,255,.45),rgba(255,255,255,.45))}
.m.nam::after{content:attr(data-label);font:600 9px/1 system-ui,sans-serif;letter-spacing:.03em;margin-left:3px;vertical-align:2px;opacity:.7}
.m.cont::after{content:none}
.m.sel{outline:2px solid #1f2a44;outline-offset:1px}
.m.focus{outline:3px solid #d1242f}
.fig{border:1.5px solid #2d6a4f;border-radius:4px;padding:1px 2px;cursor:pointer;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.fig::after{content:attr(data-value);font:600 10px/1 ui-monospace,Menlo,Consolas,monospace;background:#2d6a4f;color:#fff;border-radius:3px;padding:2px 4px;margin-left:4px;vertical-align:2px;white-space:nowrap}
.fig.cont::after{content:none}
.fig.sel{background:#d8f3dc}
.s.ev-on{background:#fff3b0;box-shadow:0 2px 0 #e0a800}
aside{position:sticky;top:12px}
#panel .empty{color:#6e7781;font-size:13px}
#panel h3{margin:0 0 2px;font-size:17px}
#panel .sub{font-size:12px;color:#57606a;margin-bottom:8px}
#panel ul{padding-left:18px;margin:6px 0}
#panel li{margin:2px 0}
.legend{display:flex;flex-wrap:wrap;gap:6px;font-size:12px}
.legend span{border-radius:4px;padding:1px 6px}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff;font-weight:600}
.chip{display:inline-block;border-radius:4px;padding:0 5px;font-size:12px;margin:1px 2px 1px 0;font-family:ui-monospace,Menlo,Consolas,monospace;background:#eef1f4;color:#24292f;border:1px solid #d0d7de;cursor:pointer;text-decoration:none}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e6e8eb;padding:5px 6px;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600;position:sticky;top:0}
tr.sel td{background:#fff3b0}
tbody tr:hover td{background:#f6f8fa}
tbody tr.sel:hover td{background:#ffe98a}
.stance-row{cursor:pointer}
.muted{color:#6e7781}
.quote{font-family:Georgia,"Noto Serif",serif}
code{font-size:12px}
td:first-child code,td .nowrap{white-space:nowrap}
td.prov{font-size:11px;width:8em}
.quote{min-width:16em}
.ftext{font-family:Georgia,"Noto Serif",serif}
td.measures{min-width:14em}
@media (max-width:1000px){.layout{grid-template-columns:1fr}aside{position:static}}
"""


def _type_css() -> str:
    rules = [f".t{i}{{background-color:{TYPE_COLOURS[i % len(TYPE_COLOURS)]}}}" for i in range(len(schema.ENTITY_LABELS.names) + 1)]
    return "\n".join(rules)


def _legend() -> str:
    items = [
        f'<span class="t{i}" title="{esc(label.definition)}">{esc(label.name)}</span>'
        for i, label in enumerate(schema.ENTITY_LABELS.labels)
    ]
    mention_types = " · ".join(f"<b>{esc(t.name)}</b> {esc(t.definition)}" for t in schema.MENTION_TYPES.labels)
    return (
        f'<div class="legend">{"".join(items)}</div>'
        f'<p class="muted" style="font-size:12px;margin:8px 0 0">Names are filled and tagged with their type; nominal '
        f"and pronominal mentions are lighter and underlined with dashes. Figures are boxed, with their normalized "
        f"value. {mention_types}</p>"
    )


def _page(title: str, header: str, body: str, script: str = "") -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{esc(title)}</title>\n<style>{STYLE}{_type_css()}</style>\n</head>\n<body>\n"
        f"<header>{header}</header>\n<main>\n{body}\n</main>\n{script}</body>\n</html>\n"
    )


def _status_note() -> str:
    return f'<div class="note">{esc(texts.TEXTS["annotation_status"])}</div>'


def _polarity_badge(polarity: str) -> str:
    names = schema.POLARITIES.names
    colour = POLARITY_COLOURS[names.index(polarity)] if names.index(polarity) < len(POLARITY_COLOURS) else "#5f6368"
    return f'<span class="badge" style="background:{colour}">{esc(polarity)}</span>'


def _provenance(record: dict[str, Any]) -> str:
    return f'<span class="muted">{esc(record["annotator"])} · {esc(record["method"])}</span>'


def _table(header: list[str], rows: Iterable[str], attrs: str = "") -> str:
    """A table of the given header cells (HTML, already escaped) and row elements."""
    head = "".join(f"<th>{h}</th>" for h in header)
    return f'<table{attrs}><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _definition(inventory: schema.Inventory, name: str) -> str:
    return inventory.definition(name) if name in inventory.names else ""


def document_page(row: dict[str, Any], split: str, entities: dict[str, Entity], version: str) -> str:
    doc_id, text = row["doc_id"], row["text"]
    mentions, figures, stances = row["entities"], row["figures"], row["stances"]
    doc_entities = list(dict.fromkeys([m["entity_id"] for m in mentions] + [s["holder_entity_id"] for s in stances]
                                      + [e for f in figures for e in f["measured_entity_ids"]]))
    entity_index = {e: i for i, e in enumerate(doc_entities)}

    marks = [_mention_mark(m, entity_index[m["entity_id"]]) for m in mentions]
    marks += [_figure_mark(f, i) for i, f in enumerate(figures)]
    body_text = annotated_text(text, marks, [(s["evidence_start"], s["evidence_end"]) for s in stances])

    def known(entity_id: str) -> Entity:
        return entities.get(entity_id) or Entity(entity_id, entity_id, "", "", "")

    def entity_chip(entity_id: str) -> str:
        name = known(entity_id).name
        return f'<a class="chip" data-entity="{entity_index[entity_id]}" title="{esc(entity_id)}">{esc(name)}</a>'

    entity_rows = []
    for entity_id in doc_entities:
        entity = known(entity_id)
        own = [m for m in mentions if m["entity_id"] == entity_id]
        chips = "".join(f'<a class="chip" data-goto="{esc(m["mention_id"])}" title="{esc(m["mention_type"])}">{esc(m["text"])}</a>' for m in own)
        entity_rows.append(
            f'<tr data-entity-id="{esc(entity_id)}" data-entity="{entity_index[entity_id]}" class="entity-row">'
            f'<td><span class="m t{type_index(entity.label)} nam" data-label="{esc(entity.label)}" style="cursor:pointer">'
            f"{esc(entity.name)}</span></td>"
            f"<td><code>{esc(entity_id)}</code></td><td>{esc(entity.description)}</td>"
            f"<td>{len(own)}</td><td>{chips}</td></tr>"
        )
    figure_rows = []
    for i, f in enumerate(figures):
        value = "" if f["value"] is None and f["value_low"] is None else esc(figure_value(f))
        measured = "".join(entity_chip(e) for e in f["measured_entity_ids"])
        figure_rows.append(
            f'<tr data-figure-id="{esc(f["figure_id"])}" data-fig="{i}" class="figure-row"><td><code>{esc(f["figure_id"])}</code></td>'
            f'<td class="ftext">{esc(f["text"])}</td><td title="{esc(_definition(schema.FIGURE_KINDS, f["kind"]))}">{esc(f["kind"])}</td>'
            f"<td>{value}</td><td><code>{esc(f['normalized'])}</code></td><td>{'yes' if f['approximate'] else ''}</td>"
            f"<td class=\"measures\"><span class=\"measured\">{esc(f['measured'])}</span> {measured}</td><td class=\"prov\">{_provenance(f)}</td></tr>"
        )
    stance_rows = []
    for i, s in enumerate(stances):
        stance_rows.append(
            f'<tr data-stance-id="{esc(s["stance_id"])}" data-stance="{i}" class="stance-row" tabindex="0">'
            f'<td><code>{esc(s["stance_id"])}</code></td><td>{entity_chip(s["holder_entity_id"])}</td>'
            f'<td title="{esc(_definition(schema.STANCE_TARGETS, s["target"]))}"><code>{esc(s["target"])}</code></td>'
            f"<td>{_polarity_badge(s['polarity'])}</td>"
            f'<td title="{esc(_definition(schema.ATTRIBUTIONS, s["attribution"]))}">{esc(s["attribution"])}</td>'
            f'<td class="quote">“{esc(s["evidence_text"])}”</td><td class="prov">{_provenance(s)}</td></tr>'
        )

    def script_entity(entity_id: str) -> dict[str, Any]:
        entity = known(entity_id)
        others = [d for d in islice(entity.docs, OTHER_DOCUMENTS_SHOWN + 1) if d != doc_id][:OTHER_DOCUMENTS_SHOWN]
        total = len(entity.docs) - (doc_id in entity.docs)
        return {
            "id": entity_id, "name": entity.name, "label": entity.label, "description": entity.description,
            "others": [[d, doc_href(d, False)] for d in others], "more": total - len(others),
        }

    data = {"doc": doc_id, "entities": [script_entity(e) for e in doc_entities]}
    meta = " · ".join(
        esc(x)
        for x in (
            f"{doc_id}", f"split {split}", f"published {row['published'] or 'unknown'}", f"source {row['source'] or 'unknown'}",
            f"language {row['language']}", f"event {row['event_id']}", f"corpus version {version}",
        )
    )
    defects = "".join(f"<li>{esc(d)}</li>" for d in row["known_defects"])
    header = (
        f'<div class="meta"><a href="../{INDEX_FILE}">← {esc(texts.PRETTY_NAME)}</a></div>'
        f"<h1>{esc(row['title'] or f'{doc_id} (no headline)')}</h1><div class=\"meta\">{meta}</div>"
    )
    body = (
        _status_note()
        + '<div class="layout"><div>'
        + f'<section class="card"><h2>Text</h2>{_legend()}<hr style="border:0;border-top:1px solid #eee;margin:12px 0">'
        + f'<div id="text" data-doc-id="{esc(doc_id)}">{body_text}</div></section>'
        + (f'<section class="card"><h2>Known defects of the text</h2><ul>{defects}</ul></section>' if defects else "")
        + f'<section class="card" id="entities"><h2>Entities ({len(doc_entities)}) and their mentions ({len(mentions)})</h2>'
        + _table(["entity", "id", "description", "mentions", "mention texts"], entity_rows) + "</section>"
        + f'<section class="card" id="figures"><h2>Figures ({len(figures)})</h2>'
        + _table(["id", "text", "kind", "value", "normalized", "approx.", "measures", "provenance"], figure_rows) + "</section>"
        + f'<section class="card" id="stances"><h2>Stances ({len(stances)})</h2>'
        + '<p class="muted" style="margin-top:0;font-size:13px">Click a stance to highlight its evidence in the text.</p>'
        + _table(["id", "holder", "target", "polarity", "attribution", "evidence", "provenance"], stance_rows) + "</section>"
        + "</div>"
        + '<aside><section class="card" id="panel"><p class="empty">Click a mention, a figure or a stance to see '
        + "its entity, its coreference chain (every mention of the same entity) or its evidence.</p></section></aside>"
        + "</div>"
    )
    script = f'<script type="application/json" id="page-data">{script_json(data)}</script>\n<script>{SCRIPT}</script>\n'
    return _page(f"{row['title'] or doc_id} — {texts.PRETTY_NAME}", header, body, script)


SCRIPT = r"""
(function(){
"use strict";
var data=JSON.parse(document.getElementById("page-data").textContent);
var panel=document.getElementById("panel");
function all(sel,root){return Array.prototype.slice.call((root||document).querySelectorAll(sel));}
function el(tag,attrs,text){var e=document.createElement(tag);for(var k in attrs){e.setAttribute(k,attrs[k]);}if(text!==undefined){e.textContent=text;}return e;}
function clear(){all(".sel").forEach(function(e){e.classList.remove("sel");});all(".focus").forEach(function(e){e.classList.remove("focus");});all(".ev-on").forEach(function(e){e.classList.remove("ev-on");});}
function firstPiece(id){return all("#text .m").filter(function(m){return m.getAttribute("data-mention-id")===id;});}
function showEntity(index,clicked){
  clear();
  var ent=data.entities[index];
  var marks=all('#text .m[data-entity="'+index+'"]');
  marks.forEach(function(m){m.classList.add("sel");});
  if(clicked){firstPiece(clicked).forEach(function(m){m.classList.add("focus");});}
  all('tr.entity-row[data-entity="'+index+'"]').forEach(function(r){r.classList.add("sel");});
  panel.textContent="";
  panel.appendChild(el("h3",{},ent.name));
  var sub=el("div",{"class":"sub"});
  sub.appendChild(el("code",{"id":"panel-entity-id"},ent.id));
  sub.appendChild(document.createTextNode(" · "+ent.label));
  panel.appendChild(sub);
  if(ent.description){panel.appendChild(el("p",{},ent.description));}
  var ids=[];marks.forEach(function(m){var id=m.getAttribute("data-mention-id");if(ids.indexOf(id)<0){ids.push(id);}});
  panel.appendChild(el("b",{},"Coreference chain: "+ids.length+" mention"+(ids.length===1?"":"s")+" in this document"));
  var ul=el("ul",{"id":"panel-mentions"});
  ids.forEach(function(id){
    var pieces=firstPiece(id);var m=pieces[0];
    var txt=pieces.map(function(p){return p.textContent;}).join("");
    var li=el("li",{"data-panel-mention":id});
    var a=el("a",{"class":"chip","data-goto":id},id);li.appendChild(a);
    li.appendChild(document.createTextNode(" "+txt+" ("+m.getAttribute("data-mention-type")+")"+(id===clicked?" ← clicked":"")));
    ul.appendChild(li);
  });
  panel.appendChild(ul);
  var held=all('tr.stance-row').filter(function(r){return r.querySelectorAll("td")[1].querySelector('.chip[data-entity="'+index+'"]');});
  if(held.length){
    var hd=el("div",{"id":"panel-stances","style":"margin-top:6px"},"Stances held ("+held.length+"): ");
    held.forEach(function(r){hd.appendChild(el("a",{"class":"chip","data-stance-link":r.getAttribute("data-stance")},r.getAttribute("data-stance-id")));});
    panel.appendChild(hd);
  }
  if(ent.others.length){
    panel.appendChild(el("div",{"style":"margin-top:8px"},"Also mentioned in:"));
    var ol=el("ul",{});
    ent.others.forEach(function(o){var li=el("li",{});li.appendChild(el("a",{"href":o[1]},o[0]));ol.appendChild(li);});
    if(ent.more){ol.appendChild(el("li",{},"… and "+ent.more+" more"));}
    panel.appendChild(ol);
  }
}
function showFigure(index){
  clear();
  all('[data-fig="'+index+'"]').forEach(function(e){e.classList.add("sel");});
  var row=document.querySelector('tr.figure-row[data-fig="'+index+'"]');
  var mark=document.querySelector('#text .fig[data-fig="'+index+'"]');
  panel.textContent="";
  panel.appendChild(el("h3",{},mark.textContent));
  var sub=el("div",{"class":"sub"});sub.appendChild(el("code",{},row.getAttribute("data-figure-id")));sub.appendChild(document.createTextNode(" · "+mark.getAttribute("data-kind")));panel.appendChild(sub);
  var cells=row.querySelectorAll("td");
  var dl=el("ul",{});
  [["value",3],["normalized",4],["approximate",5]].forEach(function(p){dl.appendChild(el("li",{},p[0]+": "+(cells[p[1]].textContent||"—")));});
  var about=all(".chip",cells[6]).map(function(c){return c.textContent;});
  dl.appendChild(el("li",{},"measures: "+cells[6].querySelector(".measured").textContent+(about.length?" (about "+about.join(", ")+")":"")));
  panel.appendChild(dl);
}
function showStance(index){
  clear();
  var row=document.querySelector('tr.stance-row[data-stance="'+index+'"]');
  row.classList.add("sel");
  var segs=all("#text .s").filter(function(s){return s.getAttribute("data-st").split(" ").indexOf(String(index))>=0;});
  segs.forEach(function(s){s.classList.add("ev-on");});
  var holder=row.querySelectorAll("td")[1].querySelector("[data-entity]");
  all('#text .m[data-entity="'+holder.getAttribute("data-entity")+'"]').forEach(function(m){m.classList.add("sel");});
  var cells=row.querySelectorAll("td");
  panel.textContent="";
  panel.appendChild(el("h3",{},"Stance "+row.getAttribute("data-stance-id")));
  panel.appendChild(el("div",{"class":"sub"},"evidence highlighted in the text; the holder's mentions outlined"));
  var ul=el("ul",{});
  [["holder",1],["target",2],["polarity",3],["attribution",4]].forEach(function(p){ul.appendChild(el("li",{},p[0]+": "+cells[p[1]].textContent));});
  panel.appendChild(ul);
  panel.appendChild(el("p",{"class":"quote"},cells[5].textContent));
  if(segs.length){segs[0].scrollIntoView({block:"center"});}
}
document.addEventListener("click",function(ev){
  var t=ev.target;
  var link=t.closest("[data-stance-link]");
  if(link){showStance(link.getAttribute("data-stance-link"));return;}
  var go=t.closest("[data-goto]");
  if(go){var p=firstPiece(go.getAttribute("data-goto"))[0];if(p){p.scrollIntoView({block:"center"});p.click();}return;}
  var m=t.closest("#text .m");
  if(m){showEntity(m.getAttribute("data-entity"),m.getAttribute("data-mention-id"));return;}
  var f=t.closest("#text .fig, tr.figure-row");
  if(f){showFigure(f.getAttribute("data-fig"));return;}
  var chip=t.closest("[data-entity]");
  if(chip){showEntity(chip.getAttribute("data-entity"),null);return;}
  var s=t.closest("tr.stance-row");
  if(s){showStance(s.getAttribute("data-stance"));return;}
});
document.addEventListener("keydown",function(ev){if(ev.key==="Enter"&&ev.target.matches("[tabindex]")){ev.target.click();}});
all("#text .m").forEach(function(m){var e=data.entities[m.getAttribute("data-entity")];m.title=e.name+" ("+e.id+", "+e.label+") · "+m.getAttribute("data-mention-type")+" mention "+m.getAttribute("data-mention-id");});
all("#text .fig").forEach(function(f){f.title=f.getAttribute("data-figure-id")+" · "+f.getAttribute("data-kind")+" · "+f.getAttribute("data-value");});
})();
"""


def index_page(
    docs: list[tuple[str, str | None, str, str | None, tuple[int, ...]]], entities: dict[str, Entity], version: str
) -> str:
    """The index: ``docs`` are (doc_id, title, split, published, counts of mentions, entities, figures, stances)."""
    doc_rows = (
        f'<tr data-doc-id="{esc(doc_id)}"><td><a href="{esc(doc_href(doc_id, True))}">{esc(title or doc_id)}</a>'
        f'<div class="muted"><code>{esc(doc_id)}</code></div></td><td>{esc(split)}</td><td>{esc(published or "")}</td>'
        + "".join(f"<td>{n}</td>" for n in counts)
        + "</tr>"
        for doc_id, title, split, published, counts in docs
    )
    splits = [s for s in schema.SPLITS.names if any(s in e.counts for e in entities.values())]
    entity_rows = (
        f'<tr data-entity-id="{esc(e.entity_id)}"><td><span class="m t{type_index(e.label)} nam" data-label="{esc(e.label)}">{esc(e.name)}</span></td>'
        f"<td><code>{esc(e.entity_id)}</code></td><td>{esc(e.description)}</td>"
        + "".join(f"<td>{e.counts.get(s, '')}</td>" for s in splits)
        + "<td>"
        + " ".join(f'<a class="chip" href="{esc(doc_href(d, True))}">{esc(d)}</a>' for d in islice(e.docs, OTHER_DOCUMENTS_SHOWN))
        + (f" … and {len(e.docs) - OTHER_DOCUMENTS_SHOWN} more" if len(e.docs) > OTHER_DOCUMENTS_SHOWN else "")
        + f'</td><td><span class="muted">{esc(e.provenance)}</span></td></tr>'
        for e in entities.values()
    )
    header = f"<h1>{esc(texts.PRETTY_NAME)}</h1><div class=\"meta\">Document viewer · corpus version {esc(version)} · {len(docs)} documents · {len(entities)} entities</div>"
    body = (
        _status_note()
        + '<section class="card"><h2>Documents</h2>'
        + _table(["document", "split", "published", "mentions", "entities", "figures", "stances"], doc_rows, ' id="documents"')
        + "</section>"
        + f'<section class="card"><h2>Entity types</h2>{_legend()}</section>'
        + f'<section class="card"><h2>Entity table ({len(entities)})</h2>'
        + _table(["name", "id", "description", *(f"mentions in {esc(s)}" for s in splits), "documents", "provenance"],
                 entity_rows, ' id="entity-table"')
        + "</section>"
    )
    return _page(f"{texts.PRETTY_NAME} — document viewer", header, body)


def write_viewer(out: Path) -> list[Path]:
    """Write ``viewer/index.html`` and one page per document into the export at ``out``; return the paths.

    Plain writes, not atomic ones: ``out`` is the build's staging folder, swapped into place whole."""
    entities = read_entities(out)
    pages = out / VIEWER_DIR / DOC_DIR
    pages.mkdir(parents=True, exist_ok=True)
    written, docs = [], []
    version = ""
    for split, rows in read_split_rows(out, "documents").items():
        for row in rows:
            version = row["corpus_version"]
            path = pages / f"{row['doc_id']}.html"
            path.write_bytes(document_page(row, split, entities, version).encode("utf-8"))
            written.append(path)
            counts = (len(row["entities"]), len({m["entity_id"] for m in row["entities"]}), len(row["figures"]), len(row["stances"]))
            docs.append((row["doc_id"], row["title"], split, row["published"], counts))
    index = out / VIEWER_DIR / INDEX_FILE
    index.write_bytes(index_page(docs, entities, version).encode("utf-8"))
    return sorted([index, *written])
