"""``croissant.json``: Croissant 1.1 metadata with the Responsible-AI (RAI) fields.

The Hub generates Croissant for Parquet datasets but without the RAI block; this one carries it, from the
same ``newscorpus.texts`` prose as the card; release date (``datePublished``, absent before the release),
BibTeX ``citeAs``, agreement and machine annotation tools come from :mod:`.publication`.
Distribution entries list every Parquet shard with its sha256; record sets are derived from the configs'
Features, and each ClassLabel column references an enumeration record set whose inline data is the schema
inventory (id -> name), so ids can be decoded without ``datasets``.  Written as plain JSON (mlcroissant is
a test dependency: the tests validate the file with ``mlcroissant.Dataset(jsonld=...)``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import corpus, schema, texts
from ..version import CORPUS_VERSION
from .features import CONFIGS, config_features, config_spec
from .publication import Publication, annotation_analysis, bibtex, machine_annotation_tools, publication, publication_dates

if TYPE_CHECKING:  # pragma: no cover
    from .exporter import ExportResult

CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"
RAI_VERSION = "http://mlcommons.org/croissant/RAI/1.0"
PARQUET = "application/x-parquet"
ANNOTATIONS_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""The standard Croissant JSON-LD context (as mlcroissant writes it for 1.1)."""

VALUE_TYPES = {
    "string": "sc:Text",
    "int32": "sc:Integer",
    "int64": "sc:Integer",
    "float64": "sc:Float",
    "bool": "sc:Boolean",
}


def _fileset_id(config: str) -> str:
    return f"parquet-files-{config}"


def _enum_id(inventory_key: str) -> str:
    return f"label-{inventory_key}"


def _enum_key(names: list[str]) -> str:
    """The key of the schema inventory a ClassLabel's names come from; ``ner_tag`` for the derived NER tags."""
    return next((inv.key for inv in schema.INVENTORIES if list(inv.names) == list(names)), "ner_tag")


def _field(
    record_set: str, name: str, feature: Any, description: str, source: dict[str, Any] | None, enums: dict[str, list[str]]
) -> dict[str, Any]:
    """One Croissant field for a ``datasets`` feature; lists become isArray, structs subFields.
    Every ClassLabel met is added to ``enums`` (enumeration key -> label names, in the order met)."""
    import datasets

    field_id = f"{record_set}/{name}"
    out: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": name, "description": description}
    if isinstance(feature, datasets.List):
        out.update(_field(record_set, name, feature.feature, description, source, enums))
        # mlcroissant cannot join a list column to the enumeration it references: keep the
        # label names in the description instead of a reference.
        if "references" in out:
            del out["references"]
            out["description"] += f" ClassLabel ids; see record set `{_enum_id(_enum_key(feature.feature.names))}`."
        out["isArray"] = True
        out["arrayShape"] = "-1"
        return out
    if isinstance(feature, dict):
        out["dataType"] = "sc:Thing"
        if source is not None:
            out["source"] = source
        out["subField"] = [
            _field(field_id, sub, sub_feature, f"`{sub}` of `{name}`.", _sub_source(source, sub), enums)
            for sub, sub_feature in feature.items()
        ]
        return out
    if isinstance(feature, datasets.ClassLabel):
        key = _enum_key(feature.names)
        enums.setdefault(key, feature.names)
        enum = _enum_id(key)
        out["dataType"] = "sc:Integer"
        out["references"] = {"field": {"@id": f"{enum}/id"}}
    else:
        out["dataType"] = VALUE_TYPES[feature.dtype]
    if source is not None:
        out["source"] = source
    return out


def _sub_source(parent: dict[str, Any] | None, sub: str) -> dict[str, Any] | None:
    if parent is None:
        return None
    return {"fileSet": parent["fileSet"], "extract": {"column": parent["extract"]["column"]}, "transform": {"jsonPath": sub}}


def _record_set(config: str, splits: list[str], enums: dict[str, list[str]]) -> dict[str, Any]:
    spec = config_spec(config)
    features = config_features(config)
    fileset = {"@id": _fileset_id(config)}
    fields = [
        {
            "@type": "cr:Field",
            "@id": f"{config}/split",
            "name": "split",
            "description": f"Split of the row: one of {', '.join(splits)} (from the file name).",
            "dataType": "sc:Text",
            "source": {
                "fileSet": fileset,
                "extract": {"fileProperty": "filename"},
                "transform": {"regex": r"^(\w+)-\d{5}-of-\d{5}\.parquet$"},
            },
        }
    ]
    for column, description in spec.columns:
        source = {"fileSet": fileset, "extract": {"column": column}}
        fields.append(_field(config, column, features[column], description, source, enums))
    return {
        "@type": "cr:RecordSet",
        "@id": config,
        "name": config,
        "description": f"The `{config}` config: one record is {spec.row}.",
        "field": fields,
    }


def _enum_record_sets(enums: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Inline id -> name tables for the ClassLabels the record sets use (``enums``: key -> names)."""
    out = []
    for key, names in enums.items():
        enum = _enum_id(key)
        out.append(
            {
                "@type": "cr:RecordSet",
                "@id": enum,
                "name": enum,
                "description": f"ClassLabel ids of `{key}`: the position of a name is its id.",
                "dataType": "sc:Enumeration",
                "key": {"@id": f"{enum}/id"},
                "field": [
                    {"@type": "cr:Field", "@id": f"{enum}/id", "name": "id", "description": "ClassLabel id.", "dataType": "sc:Integer"},
                    {"@type": "cr:Field", "@id": f"{enum}/name", "name": "name", "description": "Label name.", "dataType": "sc:Text"},
                ],
                "data": [{f"{enum}/id": i, f"{enum}/name": name} for i, name in enumerate(names)],
            }
        )
    return out


def _distribution(result: "ExportResult") -> list[dict[str, Any]]:
    from .exporter import sha256_path

    out: list[dict[str, Any]] = []
    for spec in CONFIGS:
        files = [p for split in result.splits for p in result.stats[spec.name][split].files]
        for path in files:
            rel = path.relative_to(result.out).as_posix()
            out.append(
                {
                    "@type": "cr:FileObject",
                    "@id": rel,
                    "name": rel,
                    "description": f"`{spec.name}` config, one shard of split {path.name.split('-', 1)[0]}.",
                    "contentUrl": rel,
                    "encodingFormat": PARQUET,
                    "sha256": sha256_path(path),
                }
            )
        out.append(
            {
                "@type": "cr:FileSet",
                "@id": _fileset_id(spec.name),
                "name": _fileset_id(spec.name),
                "description": f"Parquet shards of the `{spec.name}` config, all splits (the FileObjects above).",
                "encodingFormat": PARQUET,
                "includes": f"data/{spec.name}/*.parquet",
            }
        )
    return out


def croissant(result: "ExportResult", pub: Publication) -> dict[str, Any]:
    t = texts.TEXTS
    timeframe = publication_dates(result.out)
    enums: dict[str, list[str]] = {}
    record_sets = [_record_set(spec.name, result.splits, enums) for spec in CONFIGS]
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": [CROISSANT_VERSION, RAI_VERSION],
        "name": texts.DATASET_SLUG,
        "alternateName": texts.PRETTY_NAME,
        "description": t["summary"],
        "version": CORPUS_VERSION,
        **({"datePublished": pub.date} if pub.date else {}),
        "inLanguage": sorted(result.languages),
        "creator": {"@type": "sc:Organization", "name": texts.CREATORS},
        "license": [ANNOTATIONS_LICENSE_URL, t["license"]],
        "citeAs": bibtex(pub),
        "keywords": ["named entities", "coreference", "figures", "stance", "news", "India", "Russia", "LLM-annotated"],
        "rai:dataCollection": t["data_collection"],
        "rai:dataCollectionType": ["Others"],
        "rai:dataCollectionRawData": f"{t['data_collection']} {t['collection_timeframe']}",
        **({"rai:dataCollectionTimeframe": timeframe} if timeframe else {}),
        "rai:dataAnnotationProtocol": t["annotation_protocol"],
        "rai:annotationsPerItem": t["annotations_per_item"],
        "rai:machineAnnotationTools": machine_annotation_tools(result.out),
        "rai:dataAnnotationAnalysis": [t["annotation_status"], annotation_analysis(pub)],
        "rai:dataAnnotationPlatform": t["annotation_platform"],
        "rai:dataUseCases": t["direct_use"],
        "rai:dataLimitations": t["limitations"],
        "rai:dataBiases": t["biases"],
        "rai:personalSensitiveInformation": t["personal_sensitive_information"],
        "rai:dataReleaseMaintenancePlan": t["maintenance"],
        "distribution": _distribution(result),
        "recordSet": _enum_record_sets(enums) + record_sets,
    }


def write_croissant(path: Path, result: "ExportResult", root: Path) -> None:
    """``root``: the corpus root, whose CHANGELOG.md dates the release (``datePublished``)."""
    pub = publication(root, CORPUS_VERSION)
    corpus.atomic_write_text(path, json.dumps(croissant(result, pub), ensure_ascii=False, indent=2) + "\n")
