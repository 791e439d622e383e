"""``newscorpus annotations-only``: the export without the article texts, for an open CC-BY-4.0 upload.

The texts' licence is unknown, so the full export is published only behind a gate.  This command copies a
finished export's configs, rows and ids into a second dataset folder without the columns of :data:`TEXT_COLUMNS`
(span texts, nested ones in ``documents`` too; the documents' ``text`` and ``title``; the ``ner`` tokens).
Offsets, labels, ids, normalized values and ``text_sha256`` stay, so whoever holds a text can check it and
restore every span as ``text[start:end]``; the annotators' own writing (entity names and descriptions,
``measured``, ``known_defects``) stays too.  The CoNLL files and the viewer hold the texts and are not copied.
The folder has its own card (licence ``cc-by-4.0``, no gate), ``LICENSE.md`` and ``SHA256SUMS``, and is
written only into an absent or empty ``--out``, so nothing is overwritten.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import corpus, schema, texts
from ..tables import markdown_table
from .parquet import COMPRESSION, VERSION_METADATA_KEY, SplitStats, arrow_schema
from .readback import DATA_DIR, config_names, config_splits, features_of

if TYPE_CHECKING:  # pragma: no cover
    import datasets

SUFFIX = "-annotations"
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    **{shape.name: tuple(span.text for span in shape.spans) for shape in schema.ANNOTATION_LAYERS},
    "documents": ("text", "title"),
    "ner": ("tokens",),
}
"""Per config, the columns that hold article text; nested layers in ``documents`` lose their layer's."""


def without_text(config: str, features: "datasets.Features") -> "datasets.Features":
    """The config's Features with every article-text column left out, nested layers included."""
    import datasets

    out = {}
    for name, feature in features.items():
        if name in TEXT_COLUMNS.get(config, ()):
            continue
        if config == "documents" and name in TEXT_COLUMNS and isinstance(feature, datasets.List):
            feature = datasets.List({k: v for k, v in feature.feature.items() if k not in TEXT_COLUMNS[name]})
        out[name] = feature
    return datasets.Features(out)


def _write_config(export: Path, dest: Path, config: str) -> dict[str, SplitStats]:
    """Copy one config's shards without the text columns; split -> what was written."""
    import pyarrow.parquet as pq

    stats: dict[str, SplitStats] = {}
    for split, shards in config_splits(export, config).items():
        stats[split] = written = SplitStats()
        for shard in shards:
            source = pq.read_table(shard)
            features = without_text(config, features_of(shard))
            version = source.schema.metadata[VERSION_METADATA_KEY].decode()
            table = source.select(list(features)).cast(arrow_schema(features, version))
            target = dest / DATA_DIR / config / shard.name
            target.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, target, compression=COMPRESSION)
            written.num_examples += table.num_rows
            written.num_bytes += table.nbytes
            written.files.append(target)
    return stats


def _card(export: Path, stats: dict[str, dict[str, SplitStats]], version: str) -> str:
    from huggingface_hub import DatasetCard, DatasetCardData

    from .card import add_configs
    from .publication import bibtex, publication_from_export

    full = DatasetCard.load(export / "README.md").data.to_dict()
    kept = ("language", "annotations_creators", "language_creators", "multilinguality", "size_categories",
            "source_datasets", "task_categories", "task_ids", "tags")
    data = DatasetCardData(pretty_name=f"{texts.PRETTY_NAME} (annotations only)", license=texts.ANNOTATIONS_LICENSE,
                           **{k: full[k] for k in kept if k in full})
    add_configs(data, stats, lambda config: features_of(next(iter(stats[config].values())).files[0]))
    nested = ", ".join(f"`{shape.name}.{c}`" for shape in schema.ANNOTATION_LAYERS for c in TEXT_COLUMNS[shape.name])
    dropped = [
        [f"`{config}`", ", ".join(f"`{c}`" for c in TEXT_COLUMNS.get(config, ()))
         + (f"; in each nested layer: {nested}" if config == "documents" else "")]
        for config in stats
    ]
    body = "\n\n".join([
        f"# {texts.PRETTY_NAME} (annotations only)",
        f"Corpus version **{version}**. The annotations of the {texts.PRETTY_NAME} export without the article texts, "
        "under CC-BY-4.0. The texts' licence is unknown, so they are not in this dataset; the full export, with the "
        "texts, is available only on request (a gated repository).",
        f"**What the annotations are.** {texts.TEXTS['annotation_status']}",
        "## Dataset Details",
        texts.TEXTS["summary"],
        "## Dataset Structure",
        "The configs, rows and ids of the full export, without these columns (they hold article text):",
        markdown_table(["config", "columns left out"], dropped).rstrip("\n"),
        "The entity table's names and descriptions, the figures' `measured` phrases and the documents' "
        "`known_defects` are the annotators' own writing and may repeat a few words of the texts.",
        "Every offset indexes the document's text (code points): with the text of a document, `text[start:end]` "
        "restores a span. Check the text first: its sha256 must equal the `documents` row's `text_sha256`. The "
        "`ner` config keeps `token_starts`, `token_ends` and `ner_tags`, so tokens are `text[s:e]` as well.",
        "## License",
        f"The annotations are released under CC-BY-4.0 ({texts.ANNOTATIONS_LICENSE}); this dataset holds no article text.",
        "## Citation",
        texts.TEXTS["citation"],
        f"```bibtex\n{bibtex(publication_from_export(export, version))}\n```",
        "## Dataset Card Contact",
        texts.TEXTS["card_contact"],
    ])
    return f"---\n{data.to_yaml()}\n---\n\n{body}\n"


def write_annotations_only(export: Path, dest: Path) -> list[str]:
    """Write the annotations-only dataset of the finished ``export`` into ``dest`` (absent or empty)."""
    import pyarrow.parquet as pq

    from .exporter import write_checksums

    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not empty; choose an absent or empty folder")
    configs = config_names(export)
    if not configs:
        raise FileNotFoundError(f"{export} has no {DATA_DIR}/ folder: run `newscorpus build` first")
    created = not dest.exists()
    dest.mkdir(parents=True, exist_ok=True)
    try:
        stats = {config: _write_config(export, dest, config) for config in configs}
        first = next(iter(stats[configs[0]].values())).files[0]
        version = pq.read_schema(first).metadata[VERSION_METADATA_KEY].decode()
        corpus.atomic_write_text(dest / "README.md", _card(export, stats, version))
        corpus.atomic_write_text(dest / "LICENSE.md", "# License\n\nThe annotations are released under CC-BY-4.0. This dataset holds no article text.\n")
        write_checksums(dest)
    except BaseException:
        if created:
            shutil.rmtree(dest, ignore_errors=True)
        else:
            for child in dest.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    return configs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .build import default_out

    parser.add_argument("--export", type=Path, default=None, help="a finished export (default: the build's default folder)")
    parser.add_argument("--out", type=Path, default=None, help=f"an absent or empty folder (default: <export>{SUFFIX})")
    parser.set_defaults(_default_export=default_out)


def run(args: argparse.Namespace) -> int:
    export: Path = args.export if args.export is not None else args._default_export(args.root)
    out: Path = args.out if args.out is not None else export.with_name(export.name + SUFFIX)
    try:
        configs = write_annotations_only(export, out)
    except (FileExistsError, FileNotFoundError) as exc:
        print(f"newscorpus annotations-only: {exc}; nothing was written", file=sys.stderr)
        return 2
    print(f"wrote {out} (configs without article text: {', '.join(configs)})")
    return 0
