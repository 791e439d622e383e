"""The export's dataset card (README.md): YAML metadata from the library, prose from texts.py.

The YAML header is produced by ``huggingface_hub.DatasetCardData`` with
``DatasetInfosDict`` and ``MetadataConfigs`` -- the calls ``push_to_hub``
makes -- so it is exactly what the Hub and ``load_dataset`` expect.  The body
follows the Hugging Face dataset card template's headings; its prose comes
from ``newscorpus.texts`` (shared with DATASHEET.md and croissant.json) and
its tables from the data that was just written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .. import corpus, schema, texts
from ..tables import markdown_table
from ..version import CORPUS_VERSION
from .features import CONFIGS, config_features, config_spec
from .publication import Publication, annotation_analysis, bibtex, publication

if TYPE_CHECKING:  # pragma: no cover
    import datasets
    from huggingface_hub import DatasetCardData

    from .exporter import ExportResult
    from .parquet import SplitStats

LICENSE_FILE = "LICENSE.md"
TASK_IDS = ["named-entity-recognition", "coreference-resolution", "multi-class-classification"]
"""Hub sub-task ids (huggingface.js packages/tasks/src/pipelines.ts): NER for ``ner``/``entities``,
coreference resolution for the NAM/NOM/PRO mentions sharing corpus-wide entity ids (chains),
multi-class classification for stance polarity.  ``datasets`` ships no offline list of task ids."""
TAGS = [
    "news",
    "named-entity-recognition",
    "coreference",
    "entity-linking",
    "stance-detection",
    "numeral-normalization",
    "temporal-normalization",
    "llm-annotated",
    "stand-off-annotation",
    "conll",
]
"""Free-form Hub tags: what the data is about and how it was annotated."""

GATED_PROMPT = (
    "The article texts in this dataset (the `text` columns, tokens, evidence and mention texts, the CoNLL files "
    "and the viewer pages) are third-party news writing whose source and licence are unknown; only the annotations "
    "are released under CC-BY-4.0. Access is granted for research on the annotations only. By requesting access you "
    "agree not to redistribute the article texts, to clear their rights yourself before any other use, and you "
    "acknowledge that the annotations are LLM-written reference annotations without human review."
)
GATED_FIELDS = {
    "Name": "text",
    "Affiliation": "text",
    "Intended use": "text",
    "I will not redistribute the article texts and will clear their rights before any use beyond research on the annotations": "checkbox",
    "I understand that the annotations were written by an LLM and have had no human review": "checkbox",
}
"""The Hub's access form for a gated repository (``extra_gated_prompt`` / ``extra_gated_fields``):
the texts' licence is unknown, so the export is published only behind a gate with manual approval."""

SIZE_CATEGORIES = ("n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M")
"""The Hub's size buckets (values from datasets' size_categories.json): one per power of ten from 1K on."""


def size_category(n: int) -> str:
    """The Hub's size bucket for ``n`` documents (the last bucket for anything larger)."""
    return SIZE_CATEGORIES[min(max(len(str(n)) - 3, 0), len(SIZE_CATEGORIES) - 1)]


def annotations_creators(methods: set[str]) -> list[str]:
    """Creators derived from the provenance of the records actually exported."""
    return sorted({schema.METHOD_ANNOTATIONS_CREATORS[m] for m in methods}) or ["no-annotation"]


def card_data(result: "ExportResult") -> "DatasetCardData":
    from huggingface_hub import DatasetCardData

    languages = sorted(result.languages)
    data = DatasetCardData(
        pretty_name=texts.PRETTY_NAME,
        language=languages,
        license="other",
        license_name="annotations-cc-by-4.0-texts-unknown",  # the annotations' licence is known, the texts' is not
        license_link=LICENSE_FILE,
        license_details=texts.TEXTS["license"],
        annotations_creators=annotations_creators(result.methods),
        language_creators=["found"],
        multilinguality="monolingual" if len(languages) == 1 else "multilingual",
        size_categories=[size_category(sum(result.documents.values()))],
        source_datasets=["original"],
        task_categories=["token-classification", "text-classification"],
        task_ids=TASK_IDS,
        train_eval_index=train_eval_index(result.splits),
        tags=TAGS,
        extra_gated_prompt=GATED_PROMPT,
        extra_gated_fields=GATED_FIELDS,
    )
    add_configs(data, {spec.name: {s: result.stats[spec.name][s] for s in result.splits} for spec in CONFIGS}, config_features)
    return data


def add_configs(
    data: "DatasetCardData", stats: dict[str, dict[str, "SplitStats"]], features: Callable[[str], "datasets.Features"]
) -> None:
    """Add each config's ``dataset_info`` (``features(config)``, rows and Arrow bytes per split, Parquet size)
    and ``configs`` entry (data files per split; the default config of CONFIGS marked) to ``data``, through
    ``DatasetInfosDict`` and ``MetadataConfigs`` as ``push_to_hub`` does."""
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from datasets.utils.metadata import MetadataConfigs

    infos = {}
    for config, per_split in stats.items():
        splits = SplitDict()
        for split, st in per_split.items():
            splits.add(SplitInfo(name=split, num_bytes=st.num_bytes, num_examples=st.num_examples))
        infos[config] = DatasetInfo(
            features=features(config),
            splits=splits,
            download_size=sum(p.stat().st_size for st in per_split.values() for p in st.files),
            dataset_size=sum(st.num_bytes for st in per_split.values()),
        )
    DatasetInfosDict(infos).to_dataset_card_data(data)
    default = next(spec.name for spec in CONFIGS if spec.default)
    MetadataConfigs(
        {
            config: {
                **({"default": True} if config == default else {}),
                "data_files": [{"split": split, "path": f"data/{config}/{split}-*.parquet"} for split in per_split],
            }
            for config, per_split in stats.items()
        }
    ).to_dataset_card_data(data)


# --------------------------------------------------------------------------- evaluation (newscorpus.evaluate)


def train_eval_index(splits: list[str]) -> list[dict[str, Any]] | None:
    """The Hub's ``train-eval-index``: token classification on ``ner`` scored with seqeval
    (train on the train split, evaluate on the test split); None when either split is absent."""
    from .features import NER_TAGS, TOKENS

    if schema.TRAIN_SPLIT not in splits or schema.TEST_SPLIT not in splits:
        return None
    return [
        {
            "config": "ner",
            "task": "token-classification",
            "task_id": "entity_extraction",
            "splits": {"train_split": schema.TRAIN_SPLIT, "eval_split": schema.TEST_SPLIT},
            "col_mapping": {TOKENS.name: "tokens", NER_TAGS.name: "tags"},
            "metrics": [{"type": "seqeval", "name": "seqeval"}],
        }
    ]


def evaluation_section(root: Path | None) -> str:
    """README's metric definitions and, given the corpus root, README's generated baseline scores."""
    from ..evaluate.definitions import metric_definitions, readme_baseline_scores

    scores = (readme_baseline_scores(root) if root is not None else None) or "Baseline scores are in the repository's README (`newscorpus docs`)."
    return (
        "Score a system with `newscorpus evaluate PREDICTIONS` (predictions laid out like `annotations/`; "
        "see the repository's README).\n\n" + metric_definitions() + f"\n**Baselines on `{schema.TEST_SPLIT}`**\n\n" + scores
    ).rstrip("\n")


# --------------------------------------------------------------------------- body


def _split_table(result: "ExportResult") -> str:
    header = ["config", "one row is", *result.splits]
    rows = [[f"`{spec.name}`", spec.row, *(result.stats[spec.name][s].num_examples for s in result.splits)] for spec in CONFIGS]
    return markdown_table(header, rows).rstrip("\n")


def _feature_type(feature: Any) -> str:
    import datasets

    if isinstance(feature, datasets.ClassLabel):
        return "ClassLabel"
    if isinstance(feature, datasets.List):
        inner = feature.feature
        return "list of structs" if isinstance(inner, dict) else f"list of {_feature_type(inner)}"
    if isinstance(feature, datasets.Value):
        return feature.dtype
    return type(feature).__name__


def _columns_table(name: str) -> str:
    features = config_features(name)
    rows = [[f"`{col}`", _feature_type(features[col]), desc] for col, desc in config_spec(name).columns]
    return markdown_table(["column", "type", "description"], rows).rstrip("\n")


def _label_tables(result: "ExportResult") -> str:
    """One table per ClassLabel column: label, id, definition and count per split."""
    blocks = []
    for shape in schema.ANNOTATION_LAYERS:
        for f in shape.fields:
            if not f.class_label or f.inventory is None:
                continue
            rows = []
            for i, label in enumerate(f.inventory.labels):
                counts = [result.labels.get(s, shape.name, f.name)[label.name] for s in result.splits]
                rows.append([i, f"`{label.name}`", label.definition, *counts])
            blocks.append(f"**`{shape.name}.{f.name}`** ({f.inventory.title})\n\n" + markdown_table(["id", "label", "definition", *result.splits], rows).rstrip("\n"))
    return "\n\n".join(blocks)


def _loading_snippet() -> str:
    lines = ["```python", "from datasets import load_dataset", ""]
    for spec in CONFIGS:
        config = "" if spec.default else f', "{spec.name}"'
        lines.append(f'{spec.name} = load_dataset("path/to/{texts.DATASET_SLUG}"{config})')
    lines.append("```")
    return "\n".join(lines)


EXAMPLE_STRING_CHARS = 120
EXAMPLE_LIST_ITEMS = 3
EXAMPLE_RECORDS = 1


def _shortened(value: Any) -> Any:
    """A value for the card's example: long strings cut with an ellipsis, long lists cut with a count."""
    if isinstance(value, str) and len(value) > EXAMPLE_STRING_CHARS:
        return value[:EXAMPLE_STRING_CHARS] + "…"
    if isinstance(value, list):
        limit = EXAMPLE_RECORDS if any(isinstance(v, dict) for v in value) else EXAMPLE_LIST_ITEMS
        kept = [_shortened(v) for v in value[:limit]]
        return kept + ([f"… {len(value) - limit} more"] if len(value) > limit else [])
    if isinstance(value, dict):
        return {k: _shortened(v) for k, v in value.items()}
    return value


def _json_block(value: Any, indent: str = "") -> str:
    """JSON with one key per line; lists of scalars stay on one line."""
    import json

    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_json_block(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + _json_block(v, inner) for v in value) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def _example(result: "ExportResult", config: str) -> str:
    """The first row of the config's first split, as ``load_dataset`` returns it (ClassLabels as ids)."""
    from .readback import read_rows

    split = result.splits[0]
    row = next(read_rows(result.stats[config][split].files, decoded=False), None)
    if row is None:
        return f"(the `{split}` split of `{config}` has no rows)"
    shown = _json_block(_shortened(row))
    return (
        f"The first row of `{split}` as `load_dataset` returns it (ClassLabels as ids; strings cut at "
        f"{EXAMPLE_STRING_CHARS} characters, lists of records at {EXAMPLE_RECORDS} and other lists at "
        f"{EXAMPLE_LIST_ITEMS} items, each cut marked with …):\n\n```json\n{shown}\n```"
    )




def card_body(result: "ExportResult", pub: Publication, root: Path | None = None) -> str:
    from .conll import CONLL_DIR
    from .exporter import ALIGNMENT_FILE, CHECKSUM_FILE, CROISSANT_FILE
    from .viewer import DOC_DIR, INDEX_FILE, VIEWER_DIR

    released = f"released {pub.date}" if pub.date else "not released yet (no CHANGELOG.md entry for this version)"
    t = texts.TEXTS
    sections = [
        f"# {texts.PRETTY_NAME}",
        f"Corpus version **{CORPUS_VERSION}**, {released} (the version is also in every Parquet file's schema metadata "
        "and in `corpus_version`).",
        f"**What the annotations are.** {t['annotation_status']}",
        "## Dataset Details",
        "### Dataset Description",
        t["summary"],
        f"- **Curated by:** {texts.CREATORS}\n- **Language(s):** {', '.join(sorted(result.languages))}\n"
        f"- **License:** annotations {texts.ANNOTATIONS_LICENSE.upper()}; article texts unknown (see [License](#license))",
        "### Dataset Sources",
        t["dataset_sources"],
        "## Uses",
        "### Direct Use",
        t["direct_use"],
        "### Out-of-Scope Use",
        t["out_of_scope_use"],
        "## Dataset Structure",
        "Configs and number of rows per split:",
        _split_table(result),
        "Load a config (no loading script; the `documents` config is the default):",
        _loading_snippet(),
        t["export_offsets"],
        t["export_entity_table_splits"],
        t["export_ner"],
        f"Name mentions that do not align with token boundaries are left untagged and listed in `{ALIGNMENT_FILE}` "
        f"({result.misaligned} in this build).",
        *[
            block
            for spec in CONFIGS
            for block in (f"### `{spec.name}`", f"One row is {spec.row}.", _columns_table(spec.name), _example(result, spec.name))
        ],
        "### Labels",
        "ClassLabel ids follow the order below, which never changes between versions (labels are only appended).",
        _label_tables(result),
        "## Evaluation",
        evaluation_section(root),
        "## Dataset Creation",
        "### Curation Rationale",
        t["curation_rationale"],
        "### Source Data",
        "#### Data Collection and Processing",
        t["data_collection"],
        "#### Who are the source data producers?",
        t["source_data_producers"],
        "### Annotations",
        "#### Annotation process",
        t["annotation_protocol"],
        f"Annotations per item: {t['annotations_per_item']}",
        "#### Annotation quality and agreement",
        annotation_analysis(pub),
        "#### Who are the annotators?",
        t["annotators"],
        "#### Personal and Sensitive Information",
        t["personal_sensitive_information"],
        "## Bias, Risks, and Limitations",
        t["limitations"],
        t["biases"],
        "### Recommendations",
        t["recommendations"],
        "## License",
        t["license"],
        "Because of the texts, this dataset is published on the Hugging Face Hub only as a gated repository with "
        "manual approval: access is for research on the annotations, and whoever is granted it agrees not to "
        "redistribute the article texts. The annotations alone, without any article text, are published openly "
        "under CC-BY-4.0 as a separate dataset (written by `newscorpus annotations-only`).",
        "## Files",
        f"`data/<config>/<split>-0000i-of-0000N.parquet` (zstd), `{CROISSANT_FILE}` (Croissant with Responsible-AI fields), "
        f"`{CONLL_DIR}/<config>/<split>.conll` (the `ner` config as two-column IOB2 CoNLL: token and tag separated by a "
        "space, a blank line after each sentence, `-DOCSTART- O` and a blank line before each document; documents and "
        "sentences in the order of the config's rows), "
        + (
            f"`{VIEWER_DIR}/{INDEX_FILE}` and `{VIEWER_DIR}/{DOC_DIR}/<doc_id>.html` (a static document viewer: open the "
            "index in a browser; it loads nothing from the network), "
            if result.viewer
            else "(built without the document viewer), "
        )
        + f"`{ALIGNMENT_FILE}`, `{LICENSE_FILE}`, and `{CHECKSUM_FILE}` (check with `sha256sum -c {CHECKSUM_FILE}`).",
        "## Citation",
        t["citation"],
        f"```bibtex\n{bibtex(pub)}\n```",
        "## Dataset Card Authors",
        f"{t['creators']} This card is generated by `newscorpus build` from their texts and the data.",
        "## Dataset Card Contact",
        t["card_contact"],
    ]
    return "\n\n".join(sections) + "\n"


def write_card(path: Path, result: "ExportResult", root: Path) -> None:
    """The card is the library's YAML between ``---`` lines, then the body (DatasetCard's own layout).

    ``root`` is the corpus root the export was built from: its CHANGELOG.md dates the release
    and its ``annotations/agreement.json``, if any, gives the agreement figures."""
    data = card_data(result)
    pub = publication(root, CORPUS_VERSION)
    corpus.atomic_write_text(path, f"---\n{data.to_yaml()}\n---\n\n{card_body(result, pub, root)}")
    corpus.atomic_write_text(path.parent / LICENSE_FILE, f"# License\n\n{texts.TEXTS['license']}\n")
