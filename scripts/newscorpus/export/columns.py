"""Python values of one column -> an Arrow array of the column's ``Features`` type, a column at a time.

The export builds its tables column by column over a batch of documents
instead of row by row: one list comprehension per column and one conversion
in Arrow's C++ per column, rather than a dict per row and a Python walk over
every value.  ClassLabel names become ids with ``pyarrow.compute.index_in``
over the whole column; a name that is not in the inventory would become a
null there, so the encoder counts nulls and refuses the batch instead of
writing it.  Nested columns (a document's list of mention records) are built
from their flattened children and list offsets, the same data ``from_pylist``
would produce.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

from .rows import Columns, ExportError, FlatLists

if TYPE_CHECKING:  # pragma: no cover
    import datasets
    import pyarrow as pa

Encoder = Callable[[Sequence[Any]], "pa.Array"]
"""Python values of one column -> an Arrow array of the column's type."""


def compile_encoder(feature: Any, arrow_type: "pa.DataType", where: str) -> Encoder:
    """The encoder of one feature; ``where`` names the column in error messages."""
    import datasets
    import pyarrow as pa

    if isinstance(feature, datasets.ClassLabel):
        return _label_encoder(feature.names, arrow_type, where)
    if isinstance(feature, (datasets.List, datasets.LargeList)) and _needs_encoding(feature.feature):
        return _list_encoder(compile_encoder(feature.feature, arrow_type.value_type, where), arrow_type)
    if isinstance(feature, (dict, datasets.Features)) and _needs_encoding(feature):
        fields = [arrow_type.field(i) for i in range(arrow_type.num_fields)]
        children = [(f.name, compile_encoder(feature[f.name], f.type, f"{where}.{f.name}")) for f in fields]
        return _struct_encoder(children, fields)
    return lambda values: pa.array(values, type=arrow_type)


def _needs_encoding(feature: Any) -> bool:
    """Whether a feature holds ClassLabels anywhere (only those need more than ``pa.array``)."""
    import datasets

    if isinstance(feature, datasets.ClassLabel):
        return True
    if isinstance(feature, (datasets.List, datasets.LargeList)):
        return _needs_encoding(feature.feature)
    if isinstance(feature, (dict, datasets.Features)):
        return any(_needs_encoding(sub) for sub in feature.values())
    return False


def _label_encoder(names: list[str], arrow_type: "pa.DataType", where: str) -> Encoder:
    import pyarrow as pa
    import pyarrow.compute as pc

    value_set = pa.array(names, type=pa.string())

    def encode(values: Sequence[Any]) -> "pa.Array":
        strings = pa.array(values, type=pa.string())
        ids = pc.index_in(strings, value_set=value_set)
        if ids.null_count != strings.null_count:
            unknown = sorted(set(pc.filter(strings, pc.and_(pc.is_null(ids), pc.is_valid(strings))).to_pylist()))
            raise ExportError(f"column {where}: label(s) {unknown} are not in the inventory {names}")
        return ids.cast(arrow_type)

    return encode


def _list_encoder(inner: Encoder, arrow_type: "pa.DataType") -> Encoder:
    """Lists (never null here: record lists and tag lists always exist) from flattened items and offsets."""
    import pyarrow as pa

    def encode(values: Sequence[Any]) -> "pa.Array":
        if any(v is None for v in values):
            raise ExportError("a list column holds a null where a list is required")
        offsets = pa.array(_offsets([len(v) for v in values]))
        flat = [item for value in values for item in value]
        return pa.ListArray.from_arrays(offsets, inner(flat), type=arrow_type)

    return encode


def _struct_encoder(children: list[tuple[str, Encoder]], fields: list["pa.Field"]) -> Encoder:
    """Structs (records, never null) from one encoded array per field."""
    import pyarrow as pa

    def encode(values: Sequence[Any]) -> "pa.Array":
        arrays = [enc([value.get(name) for value in values]) for name, enc in children]
        return pa.StructArray.from_arrays(arrays, fields=fields)

    return encode


def table_encoders(features: "datasets.Features", schema: "pa.Schema", config: str) -> dict[str, Encoder]:
    """One encoder per column of a config, keyed by column name, in column order."""
    return {name: compile_encoder(features[name], schema.field(name).type, f"{config}.{name}") for name in schema.names}


def encode_batch(columns: Columns, encoders: dict[str, Encoder], schema: "pa.Schema") -> "pa.RecordBatch":
    """A config's columns as one record batch of its schema.

    A :class:`rows.FlatLists` column carries values already in their final form (token
    strings, tag ids, offsets) and only needs its list offsets.
    """
    import pyarrow as pa

    arrays = []
    for name in schema.names:
        values = columns[name]
        if isinstance(values, FlatLists):
            list_type = schema.field(name).type
            offsets = pa.array(_offsets(values.lengths))
            items = values.items if isinstance(values.items, pa.Array) else pa.array(values.items, type=list_type.value_type)
            if items.type != list_type.value_type:
                raise ExportError(f"column {name}: items are {items.type}, the schema says {list_type.value_type}")
            arrays.append(pa.ListArray.from_arrays(offsets, items, type=list_type))
        else:
            arrays.append(encoders[name](values))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _offsets(lengths: Any) -> Any:
    """List offsets (int32, starting at 0) from row lengths (a list or a numpy array)."""
    import numpy as np

    return np.concatenate(([0], np.cumsum(lengths))).astype(np.int32)
