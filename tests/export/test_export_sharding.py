"""Shards: a split over the row limit is cut into <split>-0000i-of-0000N files that load as one split."""

from __future__ import annotations

import datasets
import pyarrow.parquet as pq
import pytest

from newscorpus.export.features import CONFIG_NAMES
from newscorpus.export.parquet import ShardPolicy


def test_no_shard_exceeds_the_row_limit(sharded_export_dir):
    for path in sharded_export_dir.glob("data/*/*.parquet"):
        assert pq.ParquetFile(path).metadata.num_rows <= 10, path


def test_shards_of_a_split_are_numbered_of_their_count(sharded_export_dir):
    for config in CONFIG_NAMES:
        for split in {p.name.split("-")[0] for p in (sharded_export_dir / "data" / config).glob("*.parquet")}:
            names = sorted(p.name for p in (sharded_export_dir / "data" / config).glob(f"{split}-*.parquet"))
            count = len(names)
            assert names == [f"{split}-{i:05d}-of-{count:05d}.parquet" for i in range(count)]


def test_a_sharded_export_loads_the_same_rows_as_an_unsharded_one(sharded_export_dir, loaded, hf_cache):
    for config in ("entities", "stances"):
        sharded = datasets.load_dataset(str(sharded_export_dir), config, cache_dir=str(hf_cache))
        assert len(list((sharded_export_dir / "data" / config).glob("*.parquet"))) > 2
        for split in loaded[config]:
            assert sharded[split].to_list() == loaded[config][split].to_list()


@pytest.mark.parametrize("field", ["max_shard_rows", "max_shard_bytes", "row_group_rows"])
def test_shard_policy_rejects_a_non_positive_limit(field):
    with pytest.raises(ValueError, match=field):
        ShardPolicy(**{field: 0})
