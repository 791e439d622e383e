"""The one source of truth for label inventories and record shapes.

Every other artefact is derived from this module: the validator's type and
label checks, the Hugging Face ``Features``, the Label Studio labeling config
and the label tables in the docs.  Nothing outside this module spells a label
name.  Inventories are append-only: their order is the ClassLabel id, so
reordering or removing a label silently changes the meaning of published data.

This module imports only the standard library so that ``newscorpus validate``
stays fast; ``datasets`` is imported inside the functions that need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import datasets


@dataclass(frozen=True)
class Label:
    """One inventory entry: the name stored in files and a definition for docs and tooltips."""

    name: str
    definition: str


@dataclass(frozen=True)
class Inventory:
    """An ordered, append-only label set; the position of a label is its ClassLabel id."""

    key: str
    title: str
    labels: tuple[Label, ...]

    @cached_property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    @cached_property
    def _name_set(self) -> frozenset[str]:
        return frozenset(self.names)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._name_set

    def definition(self, name: str) -> str:
        return next(label.definition for label in self.labels if label.name == name)


ENTITY_LABELS = Inventory(
    "entity_label",
    "Entity types (OntoNotes 5 name types)",
    (
        Label("PERSON", "People, including fictional; named individuals."),
        Label("NORP", "Nationalities or religious or political groups (\"Russian\", \"Indian\", \"Western\")."),
        Label("FAC", "Buildings, airports, highways, bridges and other named facilities."),
        Label("ORG", "Companies, agencies, institutions, media outlets and other organizations."),
        Label("GPE", "Countries, cities, states: geopolitical entities, including their governments by metonymy."),
        Label("LOC", "Non-GPE locations: mountain ranges, bodies of water, regions."),
        Label("PRODUCT", "Objects, vehicles, weapons systems, foods (not services)."),
        Label("EVENT", "Named hurricanes, battles, wars, summits, sports events."),
        Label("WORK_OF_ART", "Titles of books, songs, programmes."),
        Label("LAW", "Named documents made into laws, treaties and agreements."),
        Label("LANGUAGE", "Any named language."),
    ),
)

MENTION_TYPES = Inventory(
    "mention_type",
    "Mention types",
    (
        Label("NAM", "A proper name of the entity (\"Vladimir Putin\", \"Moscow\", \"SIPRI\")."),
        Label("NOM", "A common-noun phrase referring to an annotated entity (\"the Russian president\")."),
        Label("PRO", "A pronoun referring to an annotated entity (\"he\", \"his\")."),
    ),
)

FIGURE_KINDS = Inventory(
    "figure_kind",
    "Figure kinds (OntoNotes 5 numeric types)",
    (
        Label("DATE", "Absolute or relative dates or periods (\"December 5\", \"2009–2013\", \"last year\")."),
        Label("TIME", "Times smaller than a day (\"this morning\", \"10 a.m.\")."),
        Label("DURATION", "Lengths of time (\"four years\", \"two-day\")."),
        Label("PERCENT", "Percentages (\"50%\", \"25-percent\")."),
        Label("MONEY", "Monetary values, including the currency and scale (\"$100bn\")."),
        Label("QUANTITY", "Measurements with a unit of weight, distance, volume (\"5 tonnes\")."),
        Label("CARDINAL", "Counts and other numerals that fall under no other kind (\"three\", \"two\")."),
        Label("ORDINAL", "Ordinal numbers (\"first\", \"second\")."),
    ),
)

POLARITIES = Inventory(
    "polarity",
    "Stance polarities",
    (
        Label("favor", "The holder supports, welcomes, defends or wants to advance the target."),
        Label("against", "The holder opposes, criticises, penalises or wants to reduce the target."),
        Label("neutral", "The holder takes a stated position on the target that is neither for nor against it."),
    ),
)

ATTRIBUTIONS = Inventory(
    "attribution",
    "Stance attributions",
    (
        Label("direct_quote", "The holder's own words in quotation marks."),
        Label("reported_speech", "The holder's words or views paraphrased by the article (\"Peskov stated that ...\")."),
        Label("authorial", "The article asserts the holder's position in its own voice, without quoting a statement."),
        Label("action", "The position is shown by what the holder did (imposing tariffs, signing an agreement)."),
    ),
)

STANCE_TARGETS = Inventory(
    "stance_target",
    "Stance targets",
    (
        Label("india_russia_partnership", "The strategic and bilateral partnership between India and Russia as a whole."),
        Label("india_russia_defense_cooperation", "Arms sales, deliveries, co-production and defence technology ties between India and Russia."),
        Label("india_russia_trade", "Expanding or maintaining bilateral trade and economic engagement between India and Russia."),
        Label("india_russia_energy_cooperation", "Cooperation on oil, fuel, petroleum products and civil nuclear energy between India and Russia."),
        Label("india_russian_oil_purchases", "India buying Russian crude oil and petroleum products."),
        Label("us_tariffs_on_india", "Tariffs and duties the United States imposes on Indian goods."),
        Label("us_india_relations", "The relationship, trade negotiations and strategic ties between the United States and India."),
        Label("ukraine_peace_process", "Talks and efforts aimed at ending the war in Ukraine by agreement."),
        Label("russian_war_in_ukraine", "Russia's invasion of and military campaign in Ukraine, including seizing Ukrainian territory."),
        Label("india_defense_self_reliance", "India developing its domestic defence industry and diversifying its arms suppliers."),
        Label("critical_minerals_cooperation", "Cooperation between India and Russia on critical minerals and their supply chains."),
        Label("eu_india_relations", "The relationship, trade negotiations and trade agreements between the European Union and India."),
        Label("us_policy_toward_india", "The conduct of the United States toward India as a whole (its pressure, penalties and unpredictability), as distinct from the bilateral relationship itself (us_india_relations) and from the tariffs alone (us_tariffs_on_india)."),
        Label("india_russia_technology_cooperation", "Cooperation between India and Russia in civilian technology and industry (high-tech manufacturing, joint industrial projects, new-age industries); defence technology is india_russia_defense_cooperation, energy is india_russia_energy_cooperation, critical minerals is critical_minerals_cooperation."),
    ),
)

METHODS = Inventory(
    "method",
    "Annotation methods (provenance)",
    (
        Label("manual", "A human annotator wrote the record by hand from the text."),
        Label("llm-authored", "An LLM agent read the text and wrote the record; offsets were computed by code from the span text; no human review."),
        Label("pre-annotated+corrected", "A machine pre-annotation that a human checked and corrected."),
        Label("labelstudio", "Created or edited by an annotator in Label Studio and pulled back with `newscorpus ls pull`."),
        Label("synthetic", "Generated by a program for tests or benchmarks; not about any real text."),
    ),
)

EXCEPTION_CHECKS = Inventory(
    "exception_check",
    "Guideline checks an exception record may waive",
    (
        Label("uncovered-digit", "A digit in the text that is not a figure (a model name such as S-400, a stray line)."),
        Label("inconsistent-surface-form", "A string annotated as an entity in one place that is deliberately not annotated, or labelled differently, elsewhere."),
    ),
)

SPLITS = Inventory(
    "split",
    "Dataset splits",
    (
        Label("train", "Documents to train on."),
        Label("validation", "Documents to tune on."),
        Label("test", "Documents to evaluate on; never train on them."),
    ),
)

INVENTORIES: tuple[Inventory, ...] = (
    ENTITY_LABELS,
    MENTION_TYPES,
    FIGURE_KINDS,
    POLARITIES,
    ATTRIBUTIONS,
    STANCE_TARGETS,
    METHODS,
    EXCEPTION_CHECKS,
    SPLITS,
)

# Labels that code keys rules on, named once here so no other module spells them.
NAME_MENTION_TYPE = "NAM"
"""The mention type of a proper name: surface-form consistency keys on it, and NOM/PRO need one."""
NORMALIZED_FIGURE_KINDS: tuple[str, ...] = ("DATE", "TIME", "DURATION")
"""Figure kinds whose ``normalized`` ISO 8601 form is required unless ``approximate`` is true."""
CALENDAR_FIGURE_KINDS: tuple[str, ...] = ("DATE", "TIME")
"""Figure kinds with no numeric value: value, value_low, value_high and unit are null (``normalized``
carries them).  Every other kind is numeric and needs a value or both range bounds."""
TRAIN_SPLIT, TEST_SPLIT = "train", "test"
"""The split baselines learn from and the split scores are reported on (``newscorpus evaluate``, the card's train-eval-index)."""
FAVOR_POLARITY, AGAINST_POLARITY = "favor", "against"
"""The two polarities whose F1s the SemEval-2016 stance measure averages (``newscorpus evaluate``)."""
UNCOVERED_DIGIT = "uncovered-digit"
"""The exception check that waives a digit outside every figure."""
INCONSISTENT_SURFACE_FORM = "inconsistent-surface-form"
"""The exception check that waives an occurrence of an annotated name left unannotated or relabelled."""
LABELSTUDIO_METHOD = "labelstudio"
"""The method of a record created or changed in Label Studio and pulled back by ``newscorpus ls pull``."""
METHOD_ANNOTATIONS_CREATORS: dict[str, str] = {
    "manual": "expert-generated",
    "llm-authored": "machine-generated",
    "pre-annotated+corrected": "expert-generated",
    "labelstudio": "expert-generated",
    "synthetic": "machine-generated",
}
"""Hugging Face card ``annotations_creators`` value (datasets/utils/resources/creators.json) per method."""


# --------------------------------------------------------------------------- record shapes


@dataclass(frozen=True)
class Field:
    """One column of a record.

    ``kind`` is one of: ``string``, ``int``, ``float``, ``bool``, ``string_list``,
    ``date`` (an ISO 8601 calendar date string) or ``label`` (a name from ``inventory``).
    ``span`` names the role of an offset field (``start``/``end``/``text``) so that
    span checks are derived rather than listed by hand.
    """

    name: str
    kind: str
    description: str
    nullable: bool = False
    inventory: Inventory | None = None
    class_label: bool = False  # exported as a datasets.ClassLabel
    entity_ref: bool = False  # holds entity-table ids (one, or a list)


@dataclass(frozen=True)
class Span:
    """Names of the three fields that make up one text span of a record."""

    start: str
    end: str
    text: str


@dataclass(frozen=True)
class RecordShape:
    """A record type: its file layout, id field, fields in canonical order and spans."""

    name: str
    id_field: str
    fields: tuple[Field, ...]
    spans: tuple[Span, ...] = ()
    per_document: bool = True
    sort_fields: tuple[str, ...] = ()
    same_annotation: tuple[str, ...] = ()
    """Fields besides the spans whose values, all equal, make two records one annotation written twice."""

    @cached_property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @cached_property
    def label_fields(self) -> list[Field]:
        return [f for f in self.fields if f.inventory is not None]

    @cached_property
    def entity_ref_fields(self) -> list[Field]:
        return [f for f in self.fields if f.entity_ref]

    @cached_property
    def id_fields(self) -> list[Field]:
        """The record's own id and the entity ids it refers to: the fields that hold ids."""
        return [f for f in self.fields if f.name == self.id_field or f.entity_ref]

    @cached_property
    def date_fields(self) -> list[Field]:
        return [f for f in self.fields if f.kind == "date"]

    @cached_property
    def annotation_key(self) -> tuple[str, ...]:
        """The fields whose values, all equal, make two records of a layer one annotation twice:
        the span offsets and :attr:`same_annotation`."""
        return tuple(name for span in self.spans for name in (span.start, span.end)) + self.same_annotation


PROVENANCE_FIELDS = (
    Field("annotator", "string", "Who made the record (a person's handle, or the tool or model that wrote it)."),
    Field("method", "label", "How the record was made.", inventory=METHODS),
)

ENTITY_MENTION = RecordShape(
    name="entities",
    id_field="mention_id",
    fields=(
        Field("mention_id", "string", "Id of the mention, unique within the document."),
        Field("start", "int", "Start offset (code points, inclusive) in the document text."),
        Field("end", "int", "End offset (code points, exclusive)."),
        Field("text", "string", "The mention text; always equals text[start:end]."),
        Field("label", "label", "Entity type.", inventory=ENTITY_LABELS, class_label=True),
        Field("mention_type", "label", "Name, nominal or pronominal mention.", inventory=MENTION_TYPES, class_label=True),
        Field("entity_id", "string", "Corpus-wide id of the real-world entity (see the entity table).", entity_ref=True),
        *PROVENANCE_FIELDS,
    ),
    spans=(Span("start", "end", "text"),),
    sort_fields=("start", "end", "mention_id"),
    same_annotation=("label",),
)

ENTITY = RecordShape(
    name="entity_table",
    id_field="entity_id",
    fields=(
        Field("entity_id", "string", "Corpus-wide entity id, stable across versions."),
        Field("name", "string", "Canonical name of the entity."),
        Field("label", "label", "Entity type; every mention of the entity carries this label.", inventory=ENTITY_LABELS, class_label=True),
        Field("description", "string", "What the entity is, to tell it apart from similar ones (e.g. a city vs. its government)."),
        *PROVENANCE_FIELDS,
    ),
    per_document=False,
    sort_fields=("entity_id",),
)

FIGURE = RecordShape(
    name="figures",
    id_field="figure_id",
    fields=(
        Field("figure_id", "string", "Id of the figure, unique within the document."),
        Field("start", "int", "Start offset (code points, inclusive)."),
        Field("end", "int", "End offset (code points, exclusive)."),
        Field("text", "string", "The figure text; always equals text[start:end]."),
        Field("kind", "label", "Figure kind.", inventory=FIGURE_KINDS, class_label=True),
        Field("value", "float", "Numeric value in base units ($100bn -> 100000000000, 50% -> 50, two-day -> 2); null for DATE and TIME (see normalized) and for ranges (see value_low/value_high).", nullable=True),
        Field("value_low", "float", "Lower bound of a numeric range (\"3 to 5\"); null otherwise.", nullable=True),
        Field("value_high", "float", "Upper bound of a numeric range; null otherwise.", nullable=True),
        Field("unit", "string", "Unit of value: USD, percent, day, year, count, ...; null for DATE and TIME.", nullable=True),
        Field("normalized", "string", "ISO 8601 form for DATE, TIME and DURATION: date (2025-12-05), month (2021-12), year (2018), interval (2009/2013) or duration (P2D); null only when the text cannot be resolved, and then approximate is true.", nullable=True),
        Field("approximate", "bool", "True when the text marks the figure as approximate (\"about\", \"nearly\") or it could only be resolved approximately."),
        Field("measured", "string", "Short phrase: what the figure measures."),
        Field("measured_entity_ids", "string_list", "Entity ids the figure is about (may be empty).", entity_ref=True),
        *PROVENANCE_FIELDS,
    ),
    spans=(Span("start", "end", "text"),),
    sort_fields=("start", "end", "figure_id"),
    same_annotation=("kind",),
)

STANCE = RecordShape(
    name="stances",
    id_field="stance_id",
    fields=(
        Field("stance_id", "string", "Id of the stance, unique within the document."),
        Field("holder_entity_id", "string", "Entity id of who holds the stance.", entity_ref=True),
        Field("target", "label", "What the stance is about.", inventory=STANCE_TARGETS, class_label=True),
        Field("polarity", "label", "For, against or neutral.", inventory=POLARITIES, class_label=True),
        Field("evidence_start", "int", "Start offset of the evidence span."),
        Field("evidence_end", "int", "End offset of the evidence span (exclusive)."),
        Field("evidence_text", "string", "The evidence text; always equals text[evidence_start:evidence_end]."),
        Field("attribution", "label", "How the stance reaches the reader.", inventory=ATTRIBUTIONS, class_label=True),
        *PROVENANCE_FIELDS,
    ),
    spans=(Span("evidence_start", "evidence_end", "evidence_text"),),
    sort_fields=("evidence_start", "evidence_end", "stance_id"),
    same_annotation=("holder_entity_id", "target", "polarity"),  # two holders may share one evidence clause
)

EXCEPTION = RecordShape(
    name="exceptions",
    id_field="exception_id",
    fields=(
        Field("exception_id", "string", "Id of the exception, unique within the document."),
        Field("check", "label", "The guideline check this record waives.", inventory=EXCEPTION_CHECKS),
        Field("start", "int", "Start offset of the waived span."),
        Field("end", "int", "End offset (exclusive)."),
        Field("text", "string", "The waived text; always equals text[start:end]."),
        Field("reason", "string", "Why this is not annotated (or annotated differently)."),
        *PROVENANCE_FIELDS,
    ),
    spans=(Span("start", "end", "text"),),
    sort_fields=("start", "end", "exception_id"),
    same_annotation=("check",),
)

DOCUMENT = RecordShape(
    name="manifest",
    id_field="doc_id",
    fields=(
        Field("doc_id", "string", "Document id: the file stem in corpus/; never changes between versions."),
        Field("title", "string", "Headline, where the text gives one.", nullable=True),
        Field("published", "date", "Publication date (ISO 8601), where the text gives it.", nullable=True),
        Field("source", "string", "Outlet that published the article; null when unknown.", nullable=True),
        Field("url", "string", "Where the article was published; null when unknown.", nullable=True),
        Field("language", "string", "BCP 47 language tag of the text."),
        Field("event_id", "string", "The news event the article covers."),
        Field("split", "label", "Dataset split of the document.", inventory=SPLITS),
        Field("text_sha256", "string", "sha256 of the text file's bytes."),
        Field("known_defects", "string_list", "Defects of the received text, found by reading it."),
    ),
    per_document=False,
    sort_fields=("doc_id",),
)

FIX_TYPES = Inventory(
    "fix_type",
    "Erratum fix types",
    (
        Label("added", "A record missing from the previous release was added (e.g. a missed mention)."),
        Label("removed", "A record of the previous release was wrong and was deleted."),
        Label("changed", "A record of the previous release kept its id but had fields corrected."),
    ),
)
"""Not an annotation inventory (so not in INVENTORIES): it types the errata file only."""

ERRATUM = RecordShape(
    name="errata",
    id_field="erratum_id",
    fields=(
        Field("erratum_id", "string", "Id of the correction: <version>-<nnn>, unique in the file and never reused."),
        Field("version", "string", "The release (X.Y.Z) whose data first carries the correction."),
        Field("previous_version", "string", "The release (X.Y.Z) that published the corrected record; null when it was never released.", nullable=True),
        Field("date", "date", "Date of the release that carries the correction (ISO 8601)."),
        Field("layer", "string", "File kind of the corrected record: the name of its record shape (entities, figures, stances, entity_table)."),
        Field("doc_id", "string", "Document of the corrected record; null for corpus-wide records (the entity table).", nullable=True),
        Field("record_id", "string", "Id of the corrected record within its layer and document."),
        Field("fix_type", "label", "What kind of correction it is.", inventory=FIX_TYPES),
        Field("fields", "string_list", "Names of the fields whose values changed (empty unless fix_type is changed)."),
        Field("description", "string", "The correction in words: old -> new value per changed field."),
    ),
    per_document=False,
    sort_fields=(),  # append-only: file order is release order
)
"""annotations/errata.jsonl: machine-readable corrections, appended by ``newscorpus release``."""

ANNOTATION_LAYERS: tuple[RecordShape, ...] = (ENTITY_MENTION, FIGURE, STANCE)
"""The annotation layers users train on, in export order."""

PER_DOCUMENT_SHAPES: tuple[RecordShape, ...] = (ENTITY_MENTION, FIGURE, STANCE, EXCEPTION)
"""Every per-document stand-off file kind: annotations/<shape.name>/<doc_id>.jsonl."""

ALL_SHAPES: tuple[RecordShape, ...] = (DOCUMENT, ENTITY, *PER_DOCUMENT_SHAPES)


def shape_by_name(name: str) -> RecordShape:
    return next(s for s in ALL_SHAPES if s.name == name)


# --------------------------------------------------------------------------- typed records

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
"""The range of every ``int`` field: offsets and counts are exported as int32."""
ID_PATTERN = r"^[^\s\x00-\x1f\x7f<>&\"']+\Z"
"""What an id (a record's own id, an entity id) matches: non-empty, no whitespace, control or markup characters."""


@lru_cache(maxsize=None)
def record_type(shape: RecordShape) -> type:
    """A msgspec Struct type of the shape: decoding a JSON object into it succeeds exactly when the
    object has every field and no other, each value of the field's kind (an ``int`` in int32 range,
    a label from its inventory, an id matching :data:`ID_PATTERN`, null only where nullable).
    Derived, never written by hand."""
    from typing import Annotated, Literal, Optional

    import msgspec

    kinds: dict[str, Any] = {
        "string": str,
        "date": str,
        "int": Annotated[int, msgspec.Meta(ge=INT32_MIN, le=INT32_MAX)],
        "float": float,
        "bool": bool,
        "string_list": list[str],
    }
    an_id = Annotated[str, msgspec.Meta(pattern=ID_PATTERN)]
    ids = {f.name for f in shape.id_fields}
    fields = []
    for f in shape.fields:
        kind = Literal[tuple(f.inventory.names)] if f.kind == "label" and f.inventory else kinds[f.kind]
        if f.name in ids:
            kind = list[an_id] if f.kind == "string_list" else an_id
        fields.append((f.name, Optional[kind] if f.nullable else kind))
    return msgspec.defstruct(f"{shape.name}_record", fields, forbid_unknown_fields=True)


# --------------------------------------------------------------------------- Hugging Face features


def _value_feature(f: Field) -> "Any":
    import datasets

    if f.class_label and f.inventory is not None:
        return datasets.ClassLabel(names=f.inventory.names)
    dtype = {
        "string": "string",
        "date": "string",
        "label": "string",
        "int": "int32",
        "float": "float64",
        "bool": "bool",
    }
    if f.kind == "string_list":
        return datasets.List(datasets.Value("string"))
    return datasets.Value(dtype[f.kind])


def record_features(shape: RecordShape, *, exclude: tuple[str, ...] = ()) -> "dict[str, Any]":
    """The ``datasets`` feature dict of one record shape, in canonical field order."""
    return {f.name: _value_feature(f) for f in shape.fields if f.name not in exclude}


def _bio_tags(types: list[str]) -> list[str]:
    tags = ["O"]
    for name in types:
        tags += [f"B-{name}", f"I-{name}"]
    return tags


def ner_tag_names() -> list[str]:
    """BIO tags over the entity types: ``O`` then ``B-X``, ``I-X`` per label in inventory order.

    Derived, so appending an entity label appends two tags and keeps old ids.
    """
    return _bio_tags(ENTITY_LABELS.names)


ONTONOTES_TYPE_OF_KIND: dict[str, str] = {"DURATION": "DATE"}
"""Figure kinds that OntoNotes 5 folds into another type; every other kind is its own OntoNotes type."""


def ontonotes_types() -> list[str]:
    """The 18 OntoNotes 5 name types: the entity labels, then the figure kinds OntoNotes keeps."""
    return ENTITY_LABELS.names + [kind for kind in FIGURE_KINDS.names if kind not in ONTONOTES_TYPE_OF_KIND]


def ontonotes_tag_names() -> list[str]:
    """BIO tags over :func:`ontonotes_types`, for the ``ner_ontonotes`` config."""
    return _bio_tags(ontonotes_types())
