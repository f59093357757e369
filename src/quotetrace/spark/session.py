"""A SparkSession for quotetrace's jobs, and the package shipped to executors that lack it."""

from __future__ import annotations

import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from quotetrace.errors import SparkUnavailable

# A test hook: when set, the first Python worker to reach an article creates this file and exits
# at once (os._exit), as a killed worker would; Spark retries its task. Never set it in production.
KILL_ONCE_ENV = "QUOTETRACE_SPARK_KILL_ONCE"


def package_zip(folder: str | os.PathLike[str]) -> Path:
    """The installed quotetrace package as a zip for ``addPyFile`` (what ``--py-files`` ships)."""
    import quotetrace

    root = Path(quotetrace.__file__).resolve().parent
    target = Path(folder) / "quotetrace.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, Path("quotetrace") / path.relative_to(root))
    return target


def get_session(
    master: str | None,
    app: str,
    *,
    conf: dict[str, str] | None = None,
    ship_package: bool | None = None,
) -> Any:
    """A SparkSession. ``master`` None keeps what spark-submit set (or local[*]). The package is
    shipped to the executors (``addPyFile``) when ``ship_package`` is True, or by default when the
    master is not local; executors run this Python unless PYSPARK_PYTHON says otherwise."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(
            "PySpark is not installed: pip install 'quotetrace[spark]' (and a Java 17+ runtime)"
        ) from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    settings = {
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.showConsoleProgress": "false",
    }
    local = re.fullmatch(r"local\[(\d+|\*)(?:,\d+)?\]", master or "")
    if local:
        # Spark's default of 200 shuffle partitions is made for clusters: on one machine each is
        # a Python task of its own; a few per core is enough
        cores = os.cpu_count() or 1 if local[1] == "*" else int(local[1])
        settings["spark.sql.shuffle.partitions"] = str(4 * cores)
    if os.environ.get(KILL_ONCE_ENV):
        settings["spark.executorEnv." + KILL_ONCE_ENV] = os.environ[KILL_ONCE_ENV]
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # py4j / Java start-up errors have no common base class
        raise SparkUnavailable(f"Spark did not start: {str(exc).splitlines()[0][:300]}") from exc
    spark.sparkContext.setLogLevel("WARN")
    actual = str(spark.sparkContext.master or "")
    if ship_package or (ship_package is None and not actual.startswith("local")):
        folder = tempfile.mkdtemp(prefix="quotetrace-ship-")
        spark.sparkContext.addPyFile(str(package_zip(folder)))
    return spark
