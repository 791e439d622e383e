"""What README and the dataset card say about evaluation: metric definitions and baseline scores.

README's two blocks are generated from here (``newscorpus docs``; ``--check`` fails when they no
longer match the data); the card takes the definitions from here and the baseline table from
README's block (``readme_baseline_scores``), so the build never scores baselines and both show
the same numbers, all computed by ``scorer.score`` on the baselines' predictions, never typed.
"""

from __future__ import annotations

from pathlib import Path

from .. import schema
from ..corpus import load_corpus
from ..tables import markdown_table
from .baselines import BASELINES, predict_all
from .baselines.gazetteer import train_names
from .baselines.stance import train_majorities
from .scorer import score, score_rows

METRICS: tuple[tuple[str, str, str], ...] = (
    (
        "`entities.strict`",
        "Every mention (NAM, NOM and PRO) of the split's documents. A predicted mention is correct when `(doc_id, start, end, label)` equals a reference mention's; `mention_type` and `entity_id` are not compared; each reference mention is matched once.",
        "micro P/R/F1 over all mentions",
    ),
    ("`entities.names`", "As `strict`, over reference NAM mentions and predictions whose `mention_type` is NAM (a prediction without `mention_type` is left out).", "micro"),
    ("`entities.per_label.<LABEL>`", "As `strict`, over reference and predicted mentions with that label; listed for every label in the reference or predictions.", "per label; no macro average is reported"),
    (
        "`entities.semeval2013.{strict,exact,partial,type}`",
        "The SemEval-2013 task 9.1 schemes as computed by `nervaluate`: each prediction is COR, INC, PAR or SPU, each unmatched reference mention MIS (greedy, in text order, one reference mention per prediction; spans overlap when they share a character, at least 1% of the reference span). strict: span and label equal; exact: span equal, label ignored; partial: equal span COR, overlapping span PAR (half credit), label ignored; type: overlapping span with the same label. P = (COR + ½PAR) / (COR+INC+PAR+SPU), R = (COR + ½PAR) / (COR+INC+PAR+MIS). Because the matching is greedy, `semeval2013.strict` can be below `entities.strict` when a wrong prediction takes a reference mention first.",
        "micro",
    ),
    (
        "`coreference.{muc,b3,ceaf_e}`, `coreference.conll_f1`",
        "Reference and predicted mentions, identified by `(start, end)` within their document, grouped into clusters by `entity_id` per document (a prediction without `entity_id` is a cluster of its own; singletons are kept; predicted spans need not equal reference spans). MUC, B³ and CEAF-e (φ4, optimal alignment) as defined by the CoNLL-2012 reference scorer; `conll_f1` is the mean of their F1s.",
        "micro: numerators and denominators summed over documents",
    ),
    ("`coreference.linking`", "On strictly matched mentions (as `entities.strict`), the share whose predicted `entity_id` equals the reference one (an id of the entity table).", "accuracy over matched mentions"),
    ("`figures.span_kind`", "A predicted figure is correct when `(doc_id, start, end, kind)` equals a reference figure's; each reference figure matched once.", "micro P/R/F1"),
    ("`figures.span_overlap`", "Kind ignored: predicted and reference figures of a document paired one to one when their spans share a character, as many pairs as possible; P = pairs/predicted, R = pairs/reference.", "micro"),
    (
        "`figures.agreement.{value,unit,normalized}`",
        "On the `span_kind` matches, the share with equal `value`/`value_low`/`value_high` (together), equal `unit`, equal `normalized`; an absent field is null and null equals null (DATE figures agree on value when both leave it null); numbers equal within 1e-9 relative.",
        "share of matches",
    ),
    ("`stances.tuple`", "A predicted stance is correct when `(doc_id, holder_entity_id, target, polarity)` equals a reference stance's and the evidence spans share a character; pairs one to one, as many as possible.", "micro P/R/F1"),
    (
        "`stances.semeval2016`",
        "Predicted and reference stances paired one to one on `(doc_id, holder_entity_id, target)` with overlapping evidence, polarity ignored (the matched holder–target pairs). Over these pairs F_favor and F_against are the F1s of each polarity and `f_avg` their mean, the SemEval-2016 task 6 measure (neutral counts only through the other two, as NONE does there).",
        "macro over favor and against, on matched pairs",
    ),
)

RULES = (
    "Scores are over spans, not tokens: there is no `O` class and nothing is credited for text left unlabelled. "
    "Precision is correct/predicted and recall correct/reference; a ratio with a zero denominator is undefined "
    "(JSON `null`, `–` in tables), never 0 or 1; F1 is the harmonic mean of P and R, 0 when only one of them is "
    "undefined, undefined when both are. Predictions are checked before scoring: offsets in range, `text` equal "
    "to `text[start:end]` when given, known labels, valid JSON, documents of the split, the fields a metric "
    "reads present (entities: start, end, label; figures: start, end, kind; stances: holder_entity_id, target, "
    "polarity, evidence_start, evidence_end); any problem is listed as `file:line: reason` and nothing is "
    "scored (exit 1). The `ner` config is declared in the card's `train-eval-index` for `seqeval`, which scores "
    "BIO chunks of NAM mentions per sentence (micro over chunks, `O` tokens never count as entities); it is "
    "comparable to `entities.names` up to tokenization."
)


def metric_definitions() -> str:
    """The metric table and the rules shared by every metric, as Markdown."""
    return markdown_table(("metric (JSON key)", "what counts as a match", "averaging"), METRICS) + "\n" + RULES + "\n"


BASELINE_METRICS: dict[str, tuple[str, ...]] = {
    "gazetteer": ("entities.strict", "entities.names", "entities.semeval2013.partial", "coreference.conll_f1", "coreference.linking"),
    "figures": ("figures.span_kind", "figures.span_overlap", "figures.agreement.value", "figures.agreement.normalized"),
    "majority-stance": ("stances.tuple", "stances.semeval2016"),
}
"""The rows of the baseline table: per baseline, the metrics (``scorer.score_rows`` names) of its layer."""

BASELINES_BLOCK = "evaluation-baselines"
"""Name of README's generated block that holds ``baseline_scores``."""


def readme_baseline_scores(root: Path) -> str | None:
    """The content of README's ``evaluation-baselines`` block at ``root``; None without README or block."""
    from ..docs import DocsError, find_blocks

    path = root / "README.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    try:
        block = next((b for b in find_blocks(text, "README.md") if b.name == BASELINES_BLOCK), None)
    except DocsError:
        return None
    return text[block.content_start : block.content_end].strip("\n") + "\n" if block else None


def _share(n: int, total: int) -> str:
    return f"{n} of {total}" + (f" ({100 * n / total:.0f}%)" if total else "")


def baseline_scores(root: Path, split: str = schema.TEST_SPLIT) -> str:
    """Every baseline's scores on ``split`` of the corpus at ``root``, and what they show, as Markdown."""
    corpus = load_corpus(root)
    doc_ids = corpus.split_doc_ids().get(split, [])
    if not doc_ids:
        return f"No `{split}` documents, so no baseline scores.\n"
    by_metric = {row[0]: row for row in score_rows(score(corpus, split, predict_all(corpus, doc_ids)))}
    rows = [(f"`{name}`", f"`{m}`", *by_metric[m][1:4]) for name, metrics in BASELINE_METRICS.items() for m in metrics]
    described = "\n".join(f"- `{name}`: {description}." for name, (_, description) in BASELINES.items())
    forms, target_of = train_names(corpus), train_majorities(corpus)[1]
    names = [m for d in doc_ids for m in corpus.records(schema.ENTITY_MENTION, d) if m["mention_type"] == schema.NAME_MENTION_TYPE]
    stances = [s for d in doc_ids for s in corpus.records(schema.STANCE, d)]
    named, held = sum(m["text"] in forms for m in names), sum(s["holder_entity_id"] in target_of for s in stances)
    shows = (
        f"On `{split}` ({len(doc_ids)} document(s)), {_share(named, len(names))} name mentions have a text that is also a "
        f"`{schema.TRAIN_SPLIT}` name, which bounds the gazetteer's `entities.names` recall; {_share(held, len(stances))} "
        f"stances have a holder that holds a stance in `{schema.TRAIN_SPLIT}`, the only holders the majority baseline "
        f"can predict. Reproduce with `newscorpus baseline all --out DIR && newscorpus evaluate DIR`."
    )
    table = markdown_table(("baseline", "metric", "precision", "recall", "F1 or score"), rows)
    return f"{described}\n\n{table}\n{shows}\n"
