"""The measured units of the benchmark, each meant to run alone in a fresh interpreter.

``python -m newscorpus.bench.tasks <task> '<json params>'`` runs one unit and prints one JSON line:
what it did (counts) and, where the unit has an untimed set-up, ``work_s``: the seconds of the
part that is being compared.  The harness measures wall time and peak RSS from outside.

The baselines are written the way a reasonable person would write them without this package, so
that the comparison is with real alternatives, not straw men:

* ``from_list``: stdlib ``json`` reading + ``datasets.Dataset.from_list(...).to_parquet``;
* ``floor``: pyarrow writing the very tables the build wrote, already in memory, with zstd;
* ``ls_sdk``: the Label Studio SDK's own converter to JSON_MIN on the same export file.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from .. import schema, store

TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def task(function: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    TASKS[function.__name__] = function
    return function


# --------------------------------------------------------------------------- corpus


@task
def generate(params: dict[str, Any]) -> dict[str, Any]:
    """Write the synthetic corpus (timed only for information: it is the input, not a contender)."""
    from . import synth

    start = time.perf_counter()
    summary = synth.generate_corpus(Path(params["root"]), int(params["n_docs"]), int(params["seed"]),
                                    workers=int(params.get("workers", 1)))
    return {"work_s": time.perf_counter() - start, "documents": summary.documents,
            "annotations": summary.annotations, "per_layer": summary.per_layer, "characters": summary.characters}


# --------------------------------------------------------------------------- baselines for build


def _manifest(layout: store.Layout) -> Iterator[dict[str, Any]]:
    with layout.manifest_path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@task
def from_list(params: dict[str, Any]) -> dict[str, Any]:
    """The obvious approach: json.loads every line into dicts, then Dataset.from_list(...).to_parquet.

    One table per annotation layer plus the documents with their text, all rows of a table in
    memory at once (that is what from_list needs).
    """
    start = time.perf_counter()
    import datasets

    layout = store.Layout(Path(params["root"]))
    out = Path(params["out"])
    out.mkdir(parents=True, exist_ok=True)
    documents = list(_manifest(layout))
    rows = 0
    doc_rows = []
    for doc in documents:
        with layout.text_path(doc["doc_id"]).open(encoding="utf-8", newline="") as handle:
            doc_rows.append({**doc, "text": handle.read()})
    datasets.Dataset.from_list(doc_rows).to_parquet(str(out / "documents.parquet"))
    rows += len(doc_rows)
    del doc_rows
    for shape in schema.ANNOTATION_LAYERS:
        records = []
        for doc in documents:
            path = layout.layer_path(shape, doc["doc_id"])
            if not path.is_file():
                continue
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    record["doc_id"] = doc["doc_id"]
                    records.append(record)
        datasets.Dataset.from_list(records).to_parquet(str(out / f"{shape.name}.parquet"))
        rows += len(records)
        del records
    return {"work_s": time.perf_counter() - start, "rows": rows}


def export_files(export_dir: Path) -> dict[str, dict[str, list[Path]]]:
    """config -> split -> shard files, read from the export's data/<config>/<split>-*.parquet layout."""
    configs: dict[str, dict[str, list[Path]]] = {}
    for path in sorted((export_dir / "data").glob("*/*.parquet")):
        split = path.name.split("-", 1)[0]
        configs.setdefault(path.parent.name, {}).setdefault(split, []).append(path)
    if not configs:
        raise FileNotFoundError(f"{export_dir}: no data/<config>/<split>-*.parquet files (was the build written there?)")
    return configs


@task
def floor(params: dict[str, Any]) -> dict[str, Any]:
    """pyarrow writing the same final tables from memory with zstd: what writing alone costs.

    The tables are read from the build's own output first (not timed), so the floor writes exactly
    what the build wrote, with the same schemas and metadata.
    """
    import pyarrow.parquet as pq

    export_dir, out = Path(params["export_dir"]), Path(params["out"])
    tables = []
    for config, splits in export_files(export_dir).items():
        for split, files in splits.items():
            for index, path in enumerate(files):
                tables.append((out / config / f"{split}-{index:05d}.parquet", pq.read_table(path)))
    for target, _ in tables:
        target.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for target, table in tables:
        pq.write_table(table, target, compression="zstd")
    work = time.perf_counter() - start
    return {"work_s": work, "rows": sum(t.num_rows for _, t in tables), "files": len(tables)}


# --------------------------------------------------------------------------- loading the export


@task
def load_export(params: dict[str, Any]) -> dict[str, Any]:
    """``load_dataset(<export dir>, <config>)`` for every config, into the (fresh) HF_DATASETS_CACHE."""
    import datasets

    export_dir = Path(params["export_dir"])
    start = time.perf_counter()
    rows = 0
    for config in export_files(export_dir):
        loaded = datasets.load_dataset(str(export_dir), config)
        rows += sum(split.num_rows for split in loaded.values())
    return {"work_s": time.perf_counter() - start, "rows": rows}


@task
def load_parquet(params: dict[str, Any]) -> dict[str, Any]:
    """``load_dataset("parquet", data_files=...)`` on the same files, config by config."""
    import datasets

    export_dir = Path(params["export_dir"])
    start = time.perf_counter()
    rows = 0
    for splits in export_files(export_dir).values():
        data_files = {split: [str(p) for p in files] for split, files in splits.items()}
        loaded = datasets.load_dataset("parquet", data_files=data_files)
        rows += sum(split.num_rows for split in loaded.values())
    return {"work_s": time.perf_counter() - start, "rows": rows}


@task
def stream_check(params: dict[str, Any]) -> dict[str, Any]:
    """``load_dataset(..., streaming=True)`` on every config split: one stream shard per Parquet shard,
    and the first row of every shard readable.  Reports the largest shard count seen."""
    import datasets

    export_dir = Path(params["export_dir"])
    start = time.perf_counter()
    checked, most_shards, problems = 0, 0, []
    for config, splits in export_files(export_dir).items():
        for split, files in splits.items():
            stream = datasets.load_dataset(str(export_dir), config, split=split, streaming=True)
            if stream.num_shards != len(files):
                problems.append(f"{config}/{split}: {stream.num_shards} stream shards for {len(files)} files")
            for index in range(stream.num_shards):
                first = next(iter(stream.shard(num_shards=stream.num_shards, index=index)), None)
                if first is None:
                    problems.append(f"{config}/{split} shard {index}: no rows")
            checked += 1
            most_shards = max(most_shards, len(files))
    return {"work_s": time.perf_counter() - start, "splits": checked, "most_shards": most_shards, "problems": problems}


# --------------------------------------------------------------------------- Label Studio


@task
def ls_make_export(params: dict[str, Any]) -> dict[str, Any]:
    """Write a full JSON export of synthetic tasks (see ``lsexport``)."""
    from . import lsexport

    start = time.perf_counter()
    summary = lsexport.write_export(Path(params["out"]), int(params["tasks"]), int(params["regions"]), int(params["seed"]))
    return {"work_s": time.perf_counter() - start, **summary}


@task
def ls_ours(params: dict[str, Any]) -> dict[str, Any]:
    """Our converter: the whole export file -> native records, relations and per-region values kept."""
    from ..labelstudio import client, convert  # noqa: F401  (imported before the clock, as for the SDK)
    from . import lsexport

    start = time.perf_counter()
    counts = lsexport.convert_with_ours(Path(params["export"]))
    return {"work_s": time.perf_counter() - start, **counts}


@task
def ls_sdk(params: dict[str, Any]) -> dict[str, Any]:
    """The SDK's Converter to JSON_MIN on the same file (it drops relations and per-region links)."""
    import label_studio_sdk.converter  # noqa: F401  (its import takes seconds: not part of converting)

    from ..labelstudio import config
    from . import lsexport

    config.labeling_config()  # cached; building the XML is set-up, not conversion
    start = time.perf_counter()
    counts = lsexport.convert_with_sdk(Path(params["export"]), Path(params["out"]))
    return {"work_s": time.perf_counter() - start, **counts}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in TASKS:
        print(f"usage: python -m newscorpus.bench.tasks {{{','.join(TASKS)}}} '<json params>'", file=sys.stderr)
        return 2
    result = TASKS[argv[0]](json.loads(argv[1]))
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
