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
HUB_CARD_KEYS = json.loads((Path(__file__).parent / "hub_card_keys.json").read_text())


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


def test_card_states_the_corpus_version_in_the_body_not_in_the_metadata(export_dir):
    loaded_card = card(export_dir)
    assert "version" not in loaded_card.data.to_dict()
    assert f"**{CORPUS_VERSION}**" in loaded_card.text


def test_card_metadata_has_only_keys_of_the_hub_dataset_card_spec(export_dir):
    keys = set(card(export_dir).data.to_dict())
    assert keys - set(HUB_CARD_KEYS["keys"]) == set()


def test_card_metadata_has_tags_and_the_coreference_task_id(export_dir):
    data = card(export_dir).data
    assert {"news", "stance-detection", "entity-linking", "llm-annotated"} <= set(data.tags)
    assert "coreference-resolution" in as_list(data.task_ids)


def test_card_asks_for_gated_access_with_a_prompt_about_the_texts(export_dir):
    data = card(export_dir).data.to_dict()
    assert "redistribute the article texts" in data["extra_gated_prompt"]
    fields = data["extra_gated_fields"]
    assert set(fields.values()) <= {"text", "checkbox", "date_picker", "country", "select"}
    assert any("redistribute the article texts" in name and kind == "checkbox" for name, kind in fields.items())


def test_card_body_has_a_bibtex_entry_with_the_version(export_dir):
    body = card(export_dir).text
    entry = body.split("```bibtex\n", 1)[1].split("\n```", 1)[0]
    assert entry.startswith("@misc{") and entry.endswith("}")
    assert f"version = {{{CORPUS_VERSION}}}" in entry


def test_card_body_has_authors_and_contact_sections(export_dir):
    headings = {line.lstrip("#").strip() for line in card(export_dir).text.splitlines() if line.startswith("#")}
    assert {"Dataset Card Authors", "Dataset Card Contact"} <= headings


def test_card_body_shows_an_example_row_of_every_config(export_dir, loaded):
    body = card(export_dir).text
    for name in CONFIG_NAMES:
        section = body.split(f"### `{name}`\n", 1)[1]
        example = json.loads(section.split("```json\n", 1)[1].split("\n```", 1)[0])
        assert list(example) == list(loaded[name]["train"].features), name


def test_card_calls_the_annotations_llm_written_reference_annotations_not_gold(export_dir):
    body = card(export_dir).text
    assert "LLM-written reference annotations" in body
    assert "gold" not in body.lower().replace("not human gold labels", "")


def test_card_says_no_agreement_study_exists_when_there_is_no_agreement_file(tmp_path, corpus_root):
    from newscorpus.export.publication import AGREEMENT_FILE

    from .conftest import build, copy_root

    root = copy_root(corpus_root, tmp_path / "root")
    (root / AGREEMENT_FILE).unlink()
    assert build(root, tmp_path / "export") == 0
    assert texts.TEXTS["no_agreement"] in card(tmp_path / "export").text


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
