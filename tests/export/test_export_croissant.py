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
