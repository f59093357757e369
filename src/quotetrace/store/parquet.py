"""Stored quotes as a Parquet file (``quotetrace export --format parquet``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def write_parquet(rows: Iterator[dict[str, Any]], path: str, batch: int = 50_000) -> int:
    """Write ``Store.export()`` rows to ``path`` in batches; the number of rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    spans = pa.list_(pa.list_(pa.int64()))
    schema = pa.schema(
        [
            ("quote_id", pa.string()),
            ("article_id", pa.string()),
            ("quote_local_id", pa.string()),
            ("type", pa.string()),
            ("kind", pa.string()),
            ("text", pa.string()),
            ("content", spans),
            ("cue", spans),
            ("speaker_mention", spans),
            ("speaker_as_written", pa.string()),
            ("speaker_id", pa.string()),
            ("speaker", pa.string()),
            ("addressee_name", pa.string()),
            ("parent_id", pa.string()),
            ("hedge", pa.string()),
            ("confidence", pa.float64()),
            ("cluster_id", pa.string()),
            ("cluster_size", pa.int64()),
            ("published", pa.string()),
            ("outlet", pa.string()),
            ("url", pa.string()),
            ("title", pa.string()),
        ]
    )
    total = 0
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                total += len(chunk)
                chunk = []
        if chunk or total == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            total += len(chunk)
    return total
