"""Read a finished export's Parquet configs back, ClassLabel ids decoded to their names.

The post-build writers (:mod:`.conll`, :mod:`.viewer`) derive their files from
what the build wrote, not from the build's internals, so they describe exactly
the published data.  Shards are read in file-name order (``<split>-0000i-of-0000N``)
and splits in the schema's split order, which is the order the build wrote them.
ClassLabel names come from each file's ``huggingface`` schema metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .. import schema

if TYPE_CHECKING:  # pragma: no cover
    import datasets

DATA_DIR = "data"


def config_splits(out: Path, config: str) -> dict[str, list[Path]]:
    """Split name -> its shard files, for one config of the export at ``out`` (splits in schema order)."""
    by_split: dict[str, list[Path]] = {}
    for path in sorted((out / DATA_DIR / config).glob("*.parquet")):
        by_split.setdefault(path.name.split("-", 1)[0], []).append(path)
    order = schema.SPLITS.names
    return {s: by_split[s] for s in sorted(by_split, key=lambda s: (order.index(s) if s in order else len(order), s))}


def config_names(out: Path) -> list[str]:
    """Configs present in the export folder, in name order."""
    return sorted(p.name for p in (out / DATA_DIR).iterdir() if p.is_dir()) if (out / DATA_DIR).is_dir() else []


def features_of(path: Path) -> "datasets.Features":
    """The ``datasets.Features`` stored in a Parquet file's schema metadata (ClassLabels included)."""
    import datasets
    import pyarrow.parquet as pq

    return datasets.Features.from_arrow_schema(pq.read_schema(path))


def decoder(feature: Any) -> Callable[[Any], Any]:
    """A function giving a value of ``feature`` with every ClassLabel id replaced by its name, through lists and structs."""
    import datasets

    if isinstance(feature, datasets.ClassLabel):
        return lambda v: None if v is None else feature.names[v]
    if isinstance(feature, (datasets.List, datasets.Sequence, list)):
        inner = decoder(feature[0] if isinstance(feature, list) else feature.feature)
        return lambda vs: None if vs is None else [inner(v) for v in vs]
    if isinstance(feature, dict):
        fields = {k: decoder(f) for k, f in feature.items()}
        return lambda d: None if d is None else {k: fields[k](v) for k, v in d.items()}
    return lambda v: v


def read_rows(paths: list[Path], columns: list[str] | None = None, *, decoded: bool = True) -> Iterator[dict[str, Any]]:
    """Every row of the given shards, in order, ClassLabels decoded unless ``decoded`` is false
    (then values are as ``load_dataset`` returns them); a few hundred rows in memory at a time."""
    import pyarrow.parquet as pq

    for path in paths:
        decode = decoder(features_of(path)) if decoded else None
        for batch in pq.ParquetFile(path).iter_batches(batch_size=256, columns=columns):
            yield from map(decode, batch.to_pylist()) if decode else batch.to_pylist()


def read_split_rows(out: Path, config: str, columns: list[str] | None = None) -> dict[str, Iterator[dict[str, Any]]]:
    """Split -> an iterator over that split's rows of ``config``."""
    return {split: read_rows(paths, columns) for split, paths in config_splits(out, config).items()}
