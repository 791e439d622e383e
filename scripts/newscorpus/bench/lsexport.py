"""A synthetic Label Studio full JSON export, and the two converters the benchmark compares on it.

The export is what ``projects.exports`` gives back for a project built from the generated labeling
config: a JSON list of tasks, each with ``data`` (text and doc_id), one annotation whose ``result``
holds the regions (one ``labels`` result plus per-region ``choices``/``textarea`` results sharing the
region id) and the holder/measured relations, and the bookkeeping fields a real export carries.
The results themselves come from the project's own ``records_to_result``, so the file has exactly
the shape the round trip produces, and the converter under test reads what it will read in use.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .. import schema

EXPORT_TIMESTAMP = "2026-01-15T10:00:00.000000Z"
"""A fixed timestamp keeps the generated file byte-identical between runs."""


def _pick_regions(layers: dict[str, list[dict[str, Any]]], regions: int) -> dict[str, list[dict[str, Any]]]:
    """About regions/10 stances, a quarter figures and the rest mentions, keeping every relation's ends.

    A holder or a measured entity travels as a relation to a mention of that entity, so the
    mentions kept always include one of each entity the kept stances and figures refer to.
    """
    stances = layers[schema.STANCE.name][: max(1, regions // 10)]
    figures = layers[schema.FIGURE.name][: max(1, regions // 4)]
    needed = {s["holder_entity_id"] for s in stances} | {e for f in figures for e in f["measured_entity_ids"]}
    mentions_all = layers[schema.ENTITY_MENTION.name]
    kept: list[dict[str, Any]] = []
    for mention in mentions_all:
        if mention["entity_id"] in needed:
            kept.append(mention)
            needed.discard(mention["entity_id"])
    budget = regions - len(stances) - len(figures)
    kept_ids = {m["mention_id"] for m in kept}
    for mention in mentions_all:
        if len(kept) >= budget:
            break
        if mention["mention_id"] not in kept_ids:
            kept.append(mention)
    return {schema.ENTITY_MENTION.name: kept, schema.FIGURE.name: figures, schema.STANCE.name: stances}


def _task(task_id: int, doc_id: str, text: str, result: list[dict[str, Any]]) -> dict[str, Any]:
    """One task in the full JSON export shape of Label Studio 1.23."""
    from ..labelstudio import config

    annotation = {
        "id": task_id, "completed_by": 1, "result": result, "was_cancelled": False, "ground_truth": False,
        "created_at": EXPORT_TIMESTAMP, "updated_at": EXPORT_TIMESTAMP, "draft_created_at": None,
        "lead_time": 42.5, "prediction": {}, "result_count": 0, "unique_id": f"bench-{task_id:08d}",
        "import_id": None, "last_action": None, "bulk_created": False, "task": task_id, "project": 1,
        "updated_by": 1, "parent_prediction": None, "parent_annotation": None, "last_created_by": None,
    }
    return {
        "id": task_id, "annotations": [annotation], "file_upload": None, "drafts": [], "predictions": [],
        "data": {config.TEXT_NAME: text, config.DOC_ID_KEY: doc_id}, "meta": {},
        "created_at": EXPORT_TIMESTAMP, "updated_at": EXPORT_TIMESTAMP, "inner_id": task_id,
        "total_annotations": 1, "cancelled_annotations": 0, "total_predictions": 0, "comment_count": 0,
        "unresolved_comment_count": 0, "last_comment_updated_at": None, "project": 1, "updated_by": 1,
        "comment_authors": [],
    }


def write_export(out: Path, tasks: int, regions: int, seed: int) -> dict[str, Any]:
    """Write ``tasks`` tasks of ``regions`` regions each, one task at a time, atomically."""
    from ..labelstudio.convert import records_to_result
    from . import synth

    templates = synth.load_templates()
    table = synth.make_entity_table(seed, synth.entity_count_for(tasks), templates)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    results = relations = kept_regions = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("[\n")
            for index, doc in enumerate(synth.iter_documents(tasks, seed, table, templates)):
                picked = _pick_regions(doc.layers, regions)
                result = records_to_result(doc.doc_id, picked)
                results += len(result)
                relations += sum(1 for r in result if r.get("type") == "relation")
                kept_regions += sum(len(v) for v in picked.values())
                handle.write((",\n" if index else "") + json.dumps(_task(index + 1, doc.doc_id, doc.text, result), ensure_ascii=False))
            handle.write("\n]\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {"tasks": tasks, "regions": kept_regions, "results": results, "relations": relations,
            "bytes": out.stat().st_size}


def convert_with_ours(export: Path) -> dict[str, Any]:
    """Every annotation of every task -> native records; counts prove relations and values survived.

    Reads the file with the project's own ``client.read_export`` and converts with
    ``convert.result_to_records``: the path ``newscorpus ls pull`` takes, minus the server.
    """
    from ..labelstudio import config
    from ..labelstudio.client import read_export, task_doc_id
    from ..labelstudio.convert import result_to_records

    tasks = records = holders = measured = valued = 0
    for task in read_export(export):
        tasks += 1
        doc_id, text = task_doc_id(task), task["data"][config.TEXT_NAME]
        for annotation in task["annotations"]:
            layers = result_to_records(doc_id, text, annotation["result"])
            records += sum(len(v) for v in layers.values())
            holders += sum(1 for s in layers[schema.STANCE.name] if s.get("holder_entity_id"))
            measured += sum(len(f["measured_entity_ids"]) for f in layers[schema.FIGURE.name])
            valued += sum(1 for f in layers[schema.FIGURE.name] if f.get("measured"))
    return {"tasks": tasks, "records": records, "stance_holders": holders, "measured_links": measured,
            "figures_with_values": valued}


def convert_with_sdk(export: Path, out: Path) -> dict[str, Any]:
    """label_studio_sdk.converter to JSON_MIN, configured with the project's generated labeling config."""
    from label_studio_sdk.converter import Converter

    from ..labelstudio import config

    out.mkdir(parents=True, exist_ok=True)
    converter = Converter(config=config.labeling_config(), project_dir=str(out), download_resources=False)
    converter.convert_to_json_min(str(export), str(out), is_dir=False)
    result = out / "result.json"
    return {"bytes": result.stat().st_size}
