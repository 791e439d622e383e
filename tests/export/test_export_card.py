"""The generated dataset card: metadata in the Hub's vocabularies, configs, sizes, template headings."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
from datasets.utils.metadata import MetadataConfigs, known_task_ids
from huggingface_hub import DatasetCard

from newscorpus import texts
from newscorpus.export.card import LICENSE_FILE
from newscorpus.export.exporter import CARD_FILE
from newscorpus.export.features import CONFIG_NAMES
from newscorpus.version import CORPUS_VERSION

RESOURCES = Path(datasets.__file__).parent / "utils" / "resources"
HUB_TASK_IDS = json.loads((Path(__file__).parent / "hub_task_ids.json").read_text())


def card(export_dir: Path) -> DatasetCard:
    return DatasetCard.load(export_dir / CARD_FILE)


def vocabulary(name: str):
    return json.loads((RESOURCES / name).read_text())


def as_list(value):
    return value if isinstance(value, list) else [value]


def test_creators_are_in_the_offline_vocabulary(export_dir):
    data = card(export_dir).data
    creators = vocabulary("creators.json")
    assert set(as_list(data.annotations_creators)) <= set(creators["annotations"])
    assert set(as_list(data.language_creators)) <= set(creators["language"])


def test_annotations_creators_say_the_llm_authored_records_are_machine_generated(export_dir):
    assert as_list(card(export_dir).data.annotations_creators) == ["machine-generated"]


def test_multilinguality_size_and_language_are_in_the_offline_vocabularies(export_dir):
    data = card(export_dir).data
    assert set(as_list(data.multilinguality)) <= set(vocabulary("multilingualities.json"))
    assert set(as_list(data.size_categories)) <= set(vocabulary("size_categories.json"))
    assert set(as_list(data.language)) <= set(vocabulary("languages.json"))


def test_task_categories_are_known_to_datasets(export_dir):
    assert set(as_list(card(export_dir).data.task_categories)) <= set(known_task_ids)


def test_task_ids_are_hub_subtasks_of_the_declared_categories(export_dir):
    data = card(export_dir).data
    allowed = {tid for category in as_list(data.task_categories) for tid in HUB_TASK_IDS.get(category, [])}
    assert set(as_list(data.task_ids)) <= allowed


def test_license_says_other_and_names_what_covers_the_annotations(export_dir):
    data = card(export_dir).data
    assert data.license == "other"
    assert data.license_link == LICENSE_FILE and (export_dir / LICENSE_FILE).is_file()
    assert "CC-BY-4.0" in data.license_details and "unknown" in data.license_details


def test_card_configs_declare_every_config_with_documents_as_default(export_dir):
    configs = MetadataConfigs.from_dataset_card_data(card(export_dir).data)
    assert sorted(configs) == sorted(CONFIG_NAMES)
    assert configs.get_default_config_name() == "documents"


def test_card_split_sizes_equal_the_loaded_row_counts(export_dir, loaded):
    infos = {info["config_name"]: info for info in card(export_dir).data.dataset_info}
    for name in CONFIG_NAMES:
        declared = {s["name"]: s["num_examples"] for s in infos[name]["splits"]}
        assert declared == {split: len(ds) for split, ds in loaded[name].items()}, name
        assert all(s["num_bytes"] > 0 for s in infos[name]["splits"])


def test_card_states_the_corpus_version(export_dir):
    loaded_card = card(export_dir)
    assert loaded_card.data.version == CORPUS_VERSION
    assert f"**{CORPUS_VERSION}**" in loaded_card.text


def test_card_body_has_the_hub_template_headings(export_dir):
    headings = {line.lstrip("#").strip() for line in card(export_dir).text.splitlines() if line.startswith("#")}
    template = [
        "Dataset Details", "Uses", "Dataset Structure", "Dataset Creation", "Annotations",
        "Personal and Sensitive Information", "Bias, Risks, and Limitations", "Citation",
    ]
    assert [h for h in template if h not in headings] == []


def test_card_prose_comes_from_the_texts_module(export_dir):
    body = card(export_dir).text
    for key in ("summary", "annotation_protocol", "limitations", "biases", "personal_sensitive_information", "license"):
        assert texts.TEXTS[key] in body, key
