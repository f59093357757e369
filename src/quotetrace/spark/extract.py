"""``quotetrace spark extract``: the extractor over many files on Spark, to Parquet.

One task per input file. In the task the file is read with the same readers (and caps) as
``quotetrace ingest`` (``iter_inputs``: JSONL(.gz), text, HTML, WARC(.gz)), record by record; each
article goes through the ``Pipeline``, built once per Python worker from the driver's
``PipelineOptions``; rows leave the worker as Arrow record batches (``mapInArrow``). An article
that cannot be read or processed is a row of the ``errors`` dataset, never a failed task.

The datasets (schema in ``rows``) are written with dynamic partition overwrite by month: a rerun
replaces the months it writes and never duplicates a row.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from quotetrace.cue_model import CueModel
from quotetrace.kinds import filter_kinds
from quotetrace.model import Article, Failure
from quotetrace.options import PipelineOptions
from quotetrace.spark import rows
from quotetrace.spark.session import KILL_ONCE_ENV

DATASETS = ("articles", "quotes", "errors")
DEFAULT_BATCH = 32  # articles per Arrow record batch leaving a worker

_pipelines: dict[PipelineOptions, Any] = {}  # one Pipeline per options, per Python worker


def _suffixes() -> tuple[str, ...]:
    from quotetrace.ingest import INPUT_SUFFIXES
    from quotetrace.store.warc import WARC_SUFFIXES

    return INPUT_SUFFIXES + WARC_SUFFIXES


def _is_uri(path: str) -> bool:
    return "://" in path


def remote_files(uri: str) -> list[str]:
    """Input files at a URI pyarrow can list (s3://, gs://, hdfs://, file://), sorted."""
    from pyarrow import fs

    filesystem, root = fs.FileSystem.from_uri(uri)
    info = filesystem.get_file_info(root)
    # what the URI adds before the file system's path: "s3://", "hdfs://host:8020"
    base, stem = uri.rstrip("/"), root.rstrip("/")
    prefix = base[: len(base) - len(stem)] if stem and base.endswith(stem) else ""
    if info.type == fs.FileType.File:
        return [uri]
    if info.type != fs.FileType.Directory:
        return []
    found = filesystem.get_file_info(fs.FileSelector(root, recursive=True))
    names = [
        f.path
        for f in found
        if f.type == fs.FileType.File
        and not any(part.startswith(".") for part in f.path[len(root) :].split("/"))
        and f.path.lower().endswith(_suffixes())
    ]
    return [prefix + name for name in sorted(names)]


def list_inputs(paths: Sequence[str]) -> tuple[list[str], list[Failure]]:
    """The files to read (one task each), in order, and a Failure for each path that gives none:
    files, folders (recursively, hidden entries skipped), globs, and URIs that pyarrow lists."""
    files: list[str] = []
    failures: list[Failure] = []

    def folder(path: Path) -> list[str]:
        found = []
        for root, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if not name.startswith(".") and name.lower().endswith(_suffixes()):
                    relative = (Path(root) / name).relative_to(path)
                    found.append(f"{path}{_IN_FOLDER}{relative}")  # its id: folder-relative
        return sorted(found)

    for raw in paths:
        if _is_uri(raw) and not raw.startswith("file://"):
            try:
                found = remote_files(raw)
            except (OSError, ValueError, pa.ArrowException) as exc:
                failures.append(Failure(raw, f"cannot list ({exc})", raw))
                continue
            if not found:
                failures.append(Failure(raw, "no input files there", raw))
            files += found
            continue
        local = raw[len("file://") :] if raw.startswith("file://") else raw
        path = Path(local)
        if path.is_dir():
            found = folder(path)
            if not found:
                failures.append(Failure(path.name, "folder holds no input files", raw))
            files += found
        elif path.exists():
            files.append(str(path))
        elif set("*?[") & set(local):
            matches = sorted(glob.glob(local, recursive=True))
            if not matches:
                failures.append(Failure(raw, "glob matched nothing", raw))
            for match in matches:
                files += folder(Path(match)) if Path(match).is_dir() else [match]
        else:
            failures.append(Failure(path.stem or raw, "no such file or directory", raw))
    return files, failures


# --- in the Python worker -------------------------------------------------------------------


def _pipeline(options: PipelineOptions, model: CueModel | None) -> Any:
    if options not in _pipelines:
        _pipelines[options] = options.pipeline(model)
    return _pipelines[options]


_IN_FOLDER = "\0"  # "folder\0relative/path": a file found in a folder (ids as extract gives)


def _split(entry: str) -> tuple[str, str | None]:
    """The file of a ``list_inputs`` entry, and its id base when it was found in a folder."""
    if _IN_FOLDER not in entry:
        return entry, None
    from quotetrace.ingest.paths import id_base

    folder, relative = entry.split(_IN_FOLDER, 1)
    return os.path.join(folder, relative), id_base(Path(relative))


def _read(path: str) -> Iterator[Article | Failure]:
    """The articles of one file, streamed; a remote file is first copied to local disk."""
    from quotetrace.store.inputs import iter_inputs
    from quotetrace.store.warc import WarcReport, is_warc

    path, name = _split(path)
    if not _is_uri(path) or path.startswith("file://"):
        local = path[len("file://") :] if path.startswith("file://") else path
        if name is not None and not is_warc(local):
            from quotetrace.ingest import read_file
            from quotetrace.limits import DEFAULT_LIMITS

            yield from read_file(Path(local), DEFAULT_LIMITS, name)
            return
        yield from iter_inputs([local], report=WarcReport())
        return
    from pyarrow import fs

    folder = tempfile.mkdtemp(prefix="quotetrace-input-")
    try:
        filesystem, remote = fs.FileSystem.from_uri(path)
        target = os.path.join(folder, os.path.basename(remote))
        with filesystem.open_input_stream(remote) as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
        for item in iter_inputs([target], report=WarcReport()):
            # ids and sources name the remote file, not the temporary copy
            if isinstance(item, Failure):
                yield Failure(
                    item.article_id, item.reason, (item.source or "").replace(target, path)
                )
            else:
                from dataclasses import replace

                yield replace(item, source=(item.source or "").replace(target, path))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _die_once() -> None:
    """The kill test's hook (KILL_ONCE_ENV): the first worker here exits as if killed."""
    marker = os.environ.get(KILL_ONCE_ENV)
    if not marker:
        return
    try:
        handle = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.close(handle)
    os._exit(17)


def file_rows(
    path: str, options: PipelineOptions, model: CueModel | None
) -> Iterator[dict[str, Any]]:
    """``ARTICLE_ROW`` dicts for every article of one file; never raises for a bad article."""
    pipeline = _pipeline(options, model)
    articles = _read(path)
    path = _split(path)[0]
    while True:
        try:
            item = next(articles)
        except StopIteration:
            return
        except (
            Exception
        ) as exc:  # a reader bug must not fail the task: the rest of the file is lost
            yield rows.error_row(
                Path(path).name, f"reading stopped ({type(exc).__name__}: {exc})"[:300], path
            )
            return
        if isinstance(item, Failure):
            yield rows.error_row(item.article_id, item.reason, item.source)
            continue
        _die_once()
        try:
            doc = filter_kinds(pipeline.process(item), options.kinds)
            yield rows.document_row(doc)
        except Exception as exc:  # the pipeline catches its own; this is the last line
            reason = f"internal error ({type(exc).__name__}): {exc}"[:300]
            yield rows.error_row(item.id, reason, item.source)


def extract_batches(
    batches: Iterable[pa.RecordBatch],
    *,
    options: PipelineOptions,
    model: CueModel | None,
    batch_size: int = DEFAULT_BATCH,
) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function: input rows name files, output rows are articles."""
    for batch in batches:
        files = batch.column("file").to_pylist()
        for file, path in zip(files, batch.column("path").to_pylist(), strict=True):
            pending: list[dict[str, Any]] = []
            for record, row in enumerate(file_rows(path, options, model)):
                row["input_file"], row["input_record"] = file, record
                pending.append(row)
                if len(pending) >= batch_size:
                    yield rows.record_batch(pending)
                    pending = []
            if pending:
                yield rows.record_batch(pending)


# --- in the driver ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractSummary:
    files: int
    articles: int
    quotes: int
    errors: int
    months: tuple[str, ...]


def write_dataset(frame: Any, path: str) -> None:
    """Parquet partitioned by month; only the months present in ``frame`` are replaced."""
    (
        frame.write.mode("overwrite")
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy("month")
        .parquet(path)
    )


def dataset_path(out: str, name: str) -> str:
    return out.rstrip("/") + "/" + name


def run_extract(
    spark: Any,
    paths: Sequence[str],
    out: str,
    options: PipelineOptions,
    *,
    batch_size: int = DEFAULT_BATCH,
) -> ExtractSummary:
    """Extract every article under ``paths`` and write ``out``/articles, quotes, errors."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    model = options.load_cue_model()
    files, failures = list_inputs(paths)
    sc = spark.sparkContext
    frames = []
    if files:
        inputs = sc.parallelize(list(enumerate(files)), len(files)).toDF("file int, path string")
        work = functools.partial(
            extract_batches, options=options, model=model, batch_size=batch_size
        )
        frames.append(inputs.mapInArrow(work, from_arrow_schema(rows.ARTICLE_ROW)))
    if failures:
        bad = [rows.error_row(f.article_id, f.reason, f.source) for f in failures]
        frames.append(spark.createDataFrame(pa.Table.from_pylist(bad, schema=rows.ARTICLE_ROW)))
    if not frames:
        return ExtractSummary(0, 0, 0, 0, ())
    found = functools.reduce(lambda a, b: a.unionByName(b), frames)
    found = found.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        ok = found.where(F.col("error").isNull())
        write_dataset(ok.drop("quotes", "error"), dataset_path(out, "articles"))
        carried = ["article_id", "published", "published_date", "outlet", "url", "input_file",
                   "input_record", "month"]  # fmt: skip
        quotes = ok.select(F.explode("quotes").alias("q"), *carried).select("q.*", *carried)
        write_dataset(quotes, dataset_path(out, "quotes"))
        errors = found.where(F.col("error").isNotNull()).select(
            "article_id", "source", F.col("error").alias("reason"), "month"
        )
        write_dataset(errors, dataset_path(out, "errors"))
        totals = found.agg(
            F.count(F.when(F.col("error").isNull(), 1)).alias("articles"),
            F.coalesce(F.sum(F.when(F.col("error").isNull(), F.col("n_quotes"))), F.lit(0)).alias(
                "quotes"
            ),
            F.count(F.when(F.col("error").isNotNull(), 1)).alias("errors"),
            F.sort_array(F.collect_set("month")).alias("months"),
        ).first()
    finally:
        found.unpersist()
    return ExtractSummary(
        len(files),
        int(totals["articles"]),
        int(totals["quotes"]),
        int(totals["errors"]),
        tuple(totals["months"]),
    )
