"""Streaming, sharded, byte-reproducible Parquet writing for one config split.

Rows arrive as Arrow record batches of a few hundred documents each; batches
are gathered into row groups, and a new shard is started when the current one
reaches the row or byte limit, so memory stays flat however large the corpus
is.  Files are written with the ``Features``'
own Arrow schema, whose ``huggingface`` metadata lets ``datasets`` restore
ClassLabels on reload, plus the corpus version.  pyarrow writes no timestamps,
so the same rows give the same bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import datasets
    import pyarrow as pa

VERSION_METADATA_KEY = b"newscorpus_corpus_version"
"""Schema metadata key of the corpus version in every exported Parquet file."""

COMPRESSION = "zstd"


@dataclass(frozen=True)
class ShardPolicy:
    """When to cut row groups and shards; the defaults suit both 2 and 100,000 documents."""

    max_shard_rows: int | None = None
    max_shard_bytes: int | None = 256 * 1024 * 1024
    row_group_rows: int = 10_000
    row_group_bytes: int = 2 * 1024 * 1024
    """Arrow bytes queued per writer before a row group is cut: a build has one writer per config
    and split, so this bounds what they hold together (~40 MiB), whatever the corpus size."""

    def __post_init__(self) -> None:
        for name in ("max_shard_rows", "max_shard_bytes"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be a positive number, got {value}")
        for name in ("row_group_rows", "row_group_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be a positive number, got {getattr(self, name)}")


@dataclass
class SplitStats:
    """What the card and the Croissant file need to know about one written split."""

    num_examples: int = 0
    num_bytes: int = 0  # Arrow in-memory size, as datasets reports it
    files: list[Path] = field(default_factory=list)


def arrow_schema(features: "datasets.Features", corpus_version: str) -> "pa.Schema":
    """The Features' Arrow schema with its ``huggingface`` metadata plus the corpus version."""
    schema = features.arrow_schema
    metadata = dict(schema.metadata or {})
    metadata[VERSION_METADATA_KEY] = corpus_version.encode("utf-8")
    return schema.with_metadata(metadata)


def _names_type(feature: Any) -> Any:
    """The Arrow type that holds ``feature``'s values with every ClassLabel as its label name."""
    import datasets
    import pyarrow as pa

    if isinstance(feature, datasets.ClassLabel):
        return pa.string()
    if isinstance(feature, (datasets.List, datasets.LargeList)):
        return pa.list_(_names_type(feature.feature))
    if isinstance(feature, dict):
        return pa.struct([(name, _names_type(sub)) for name, sub in feature.items()])
    return datasets.Features({"x": feature}).arrow_schema.field("x").type


def _label_ids(array: "pa.Array", feature: Any, arrow_type: "pa.DataType", where: str) -> "pa.Array":
    """``array`` (label names) with every ClassLabel name replaced by its id (``pc.index_in``)."""
    import datasets
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(feature, datasets.ClassLabel):
        ids = pc.index_in(array, value_set=pa.array(feature.names))
        if ids.null_count != array.null_count:
            unknown = sorted({v for v, i in zip(array.to_pylist(), ids.to_pylist()) if v is not None and i is None})
            raise ValueError(f"{where}: {unknown} not in the labels {feature.names}")
        return ids.cast(arrow_type)
    if isinstance(feature, (datasets.List, datasets.LargeList)):
        values = _label_ids(array.values, feature.feature, arrow_type.value_type, where)
        return pa.ListArray.from_arrays(array.offsets, values, type=arrow_type, mask=array.is_null() if array.null_count else None)
    if isinstance(feature, dict):
        children = [_label_ids(array.field(f.name), feature[f.name], f.type, f"{where}.{f.name}") for f in arrow_type]
        return pa.StructArray.from_arrays(children, fields=list(arrow_type), mask=array.is_null() if array.null_count else None)
    return array


def encode_rows(rows: list[dict[str, Any]], features: "datasets.Features", schema: "pa.Schema") -> "pa.RecordBatch":
    """Rows of Python values (ClassLabels as names) as a record batch of ``schema`` (ClassLabels as ids)."""
    return encode_columns({field.name: [row[field.name] for row in rows] for field in schema}, features, schema)


def encode_columns(columns: dict[str, Any], features: "datasets.Features", schema: "pa.Schema") -> "pa.RecordBatch":
    """Columns of Python values (ClassLabels as names) as a record batch of ``schema`` (ClassLabels as ids).

    Arrow builds each column with label names, then ``pyarrow.compute.index_in`` turns each
    ClassLabel column, nested or not, into ids; a name outside its inventory raises ``ValueError``.
    A column given as an Arrow array is taken as it is (already encoded, of the field's type).
    """
    import pyarrow as pa

    arrays = []
    for field in schema:
        values = columns[field.name]
        if not isinstance(values, (pa.Array, pa.ChunkedArray)):
            feature = features[field.name]
            values = _label_ids(pa.array(values, type=_names_type(feature)), feature, field.type, field.name)
        arrays.append(values)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def release_freed_memory() -> None:
    """Give memory freed so far back to the operating system: Arrow's pool, and glibc's heap (which
    keeps what the received batches' bytes held), so that a long build's resident set stays low."""
    import ctypes

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def shard_name(split: str, index: int, count: int) -> str:
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


class SplitWriter:
    """Writes the rows of one config split into ``<folder>/<split>-0000i-of-0000N.parquet``.

    Shards are written under temporary names and renamed once the count is
    known; the whole folder is itself a temporary build folder, so nothing
    half-written is ever visible at the destination.
    """

    def __init__(self, folder: Path, split: str, features: "datasets.Features", corpus_version: str, policy: ShardPolicy):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa, self._pq = pa, pq
        self.folder, self.split, self.policy = folder, split, policy
        self.features = features
        self.schema = arrow_schema(features, corpus_version)
        self.stats = SplitStats()
        self._batches: list[Any] = []
        self._batched_rows = 0
        self._batched_bytes = 0
        self._shard_paths: list[Path] = []
        self._writer: Any = None
        self._handle: Any = None
        self._shard_rows = 0
        folder.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ rows in

    def add_batch(self, batch: "pa.RecordBatch") -> None:
        """Queue a batch; cut a row group once the queue reaches the row-group limits.

        With a shard row limit the batch is sliced so that no shard ever holds more rows.
        """
        limit = self.policy.max_shard_rows
        while limit is not None and self._shard_rows + self._batched_rows + batch.num_rows > limit:
            room = limit - self._shard_rows - self._batched_rows
            if room > 0:
                self._queue(batch.slice(0, room))
            self._flush_row_group()
            self._close_shard()
            batch = batch.slice(room)
        if batch.num_rows:
            self._queue(batch)
        if self._batched_rows >= self.policy.row_group_rows or self._batched_bytes >= self.policy.row_group_bytes:
            self._flush_row_group()
            self._roll_if_full()

    def _queue(self, batch: "pa.RecordBatch") -> None:
        self._batches.append(batch)
        self._batched_rows += batch.num_rows
        self._batched_bytes += batch.nbytes

    # ------------------------------------------------------------------ files out

    def _open_shard(self) -> None:
        path = self.folder / f".{self.split}-{len(self._shard_paths):05d}.parquet.partial"
        self._shard_paths.append(path)
        self._handle = open(path, "wb")
        self._writer = self._pq.ParquetWriter(
            self._handle,
            self.schema,
            compression=COMPRESSION,
            write_statistics=True,
        )
        self._shard_rows = 0

    def _flush_row_group(self) -> None:
        if not self._batches:
            return
        if self._writer is None:
            self._open_shard()
        table = self._pa.Table.from_batches(self._batches, schema=self.schema)
        self._writer.write_table(table, row_group_size=table.num_rows)
        self.stats.num_examples += table.num_rows
        self.stats.num_bytes += self._batched_bytes
        self._shard_rows += table.num_rows
        self._batches, self._batched_rows, self._batched_bytes = [], 0, 0
        release_freed_memory()

    def _roll_if_full(self) -> None:
        limit = self.policy.max_shard_bytes
        if self._handle is not None and limit is not None and self._handle.tell() >= limit:
            self._close_shard()

    def _close_shard(self) -> None:
        if self._writer is None:
            return
        self._writer.close()
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._writer = self._handle = None
        self._shard_rows = 0

    def close(self) -> SplitStats:
        """Write what is left, give the shards their final names and return the split's stats."""
        self._flush_row_group()
        if not self._shard_paths:  # an empty split still gets one (empty) file, so it loads
            self._open_shard()
        self._close_shard()
        count = len(self._shard_paths)
        for index, partial in enumerate(self._shard_paths):
            final = self.folder / shard_name(self.split, index, count)
            os.replace(partial, final)
            self.stats.files.append(final)
        return self.stats

    def abort(self) -> None:
        """Close any open file after a failure; the build folder is removed by the caller."""
        if self._writer is not None:
            try:
                self._writer.close()
            finally:
                self._handle.close()
                self._writer = self._handle = None
