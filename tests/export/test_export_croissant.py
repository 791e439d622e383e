"""croissant.json: validates offline with mlcroissant, carries the RAI fields and file hashes."""

from __future__ import annotations

import hashlib
import json

import mlcroissant

from newscorpus import texts
from newscorpus.export.exporter import CROISSANT_FILE
from newscorpus.export.features import CONFIG_NAMES, config_spec


def croissant(export_dir):
    return json.loads((export_dir / CROISSANT_FILE).read_text())


def test_croissant_passes_mlcroissant_validation(export_dir):
    dataset = mlcroissant.Dataset(jsonld=export_dir / CROISSANT_FILE)
    assert dataset.metadata.version is not None


def test_croissant_rai_fields_come_from_the_texts_module(export_dir):
    data = croissant(export_dir)
    expected = {
        "rai:dataCollection": "data_collection",
        "rai:dataAnnotationProtocol": "annotation_protocol",
        "rai:annotationsPerItem": "annotations_per_item",
        "rai:dataLimitations": "limitations",
        "rai:dataBiases": "biases",
        "rai:personalSensitiveInformation": "personal_sensitive_information",
    }
    assert {field: data[field] for field in expected} == {field: texts.TEXTS[key] for field, key in expected.items()}


def test_croissant_lists_every_parquet_file_with_its_sha256(export_dir):
    files = {d["contentUrl"]: d["sha256"] for d in croissant(export_dir)["distribution"] if d["@type"] == "cr:FileObject"}
    on_disk = {p.relative_to(export_dir).as_posix(): p for p in export_dir.glob("data/*/*.parquet")}
    assert set(files) == set(on_disk)
    for rel, digest in files.items():
        assert hashlib.sha256(on_disk[rel].read_bytes()).hexdigest() == digest


def test_croissant_has_a_record_set_per_config_with_every_column(export_dir):
    record_sets = {rs["@id"]: rs for rs in croissant(export_dir)["recordSet"]}
    for name in CONFIG_NAMES:
        fields = [f["name"] for f in record_sets[name]["field"]]
        assert [c for c, _ in config_spec(name).columns if c not in fields] == []


def test_croissant_records_read_back_the_ner_rows(export_dir, loaded):
    dataset = mlcroissant.Dataset(jsonld=export_dir / CROISSANT_FILE)
    rows = list(dataset.records("ner"))
    assert len(rows) == sum(len(ds) for ds in loaded["ner"].values())


def changelog_date(version):
    """The date of the version's CHANGELOG.md heading, read here independently of the package."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "CHANGELOG.md").read_text(encoding="utf-8")
    match = re.search(rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$", text, re.MULTILINE)
    return match.group(1) if match else None


def test_croissant_date_published_is_the_changelog_date_of_the_version(export_dir):
    from newscorpus.version import CORPUS_VERSION

    expected = changelog_date(CORPUS_VERSION)
    assert expected is not None
    assert croissant(export_dir)["datePublished"] == expected
    assert mlcroissant.Dataset(jsonld=export_dir / CROISSANT_FILE).metadata.date_published.date().isoformat() == expected


def test_croissant_cites_the_dataset_in_bibtex_with_its_version(export_dir):
    from newscorpus.version import CORPUS_VERSION

    cite = croissant(export_dir)["citeAs"]
    assert cite.startswith("@misc{") and cite.endswith("}")
    assert f"version = {{{CORPUS_VERSION}}}" in cite


def test_croissant_names_the_llm_annotator_as_a_machine_annotation_tool(export_dir, loaded):
    tools = croissant(export_dir)["rai:machineAnnotationTools"]
    annotators = {(r["annotator"], r["method"]) for ds in loaded["entities"].values() for r in ds}
    assert annotators
    for annotator, method in annotators:
        assert any(tool.startswith(f"{annotator} (method {method}") for tool in tools)
    assert any("spaCy" in tool for tool in tools)


def test_croissant_collection_timeframe_spans_the_documents_publication_dates(export_dir, loaded):
    dates = sorted(d for ds in loaded["documents"].values() for d in ds["published"] if d)
    assert croissant(export_dir)["rai:dataCollectionTimeframe"] == [dates[0], dates[-1]]


def test_croissant_annotation_analysis_gives_the_agreement_study_and_what_it_is(export_dir):
    analysis = croissant(export_dir)["rai:dataAnnotationAnalysis"]
    assert texts.TEXTS["annotation_status"] in analysis
    assert any(texts.TEXTS["agreement_caveat"].strip() in item for item in analysis)
    assert not any(texts.TEXTS["no_agreement"] in item for item in analysis)


def test_croissant_does_not_call_the_annotations_gold(export_dir):
    text = (export_dir / CROISSANT_FILE).read_text(encoding="utf-8").lower()
    assert "gold" not in text.replace("not human gold labels", "")
