"""Splink backends: DuckDB in memory (one machine, the default) or Apache Spark (regional scale).

The same settings run on both: comparisons and blocking rules are dialect-free and compiled
late. Spark in local mode needs Java 17 and ``pip install pyspark``; :func:`spark_session` sets
what a laptop needs (loopback only, few shuffle partitions, Splink's similarity functions jar).

Example:
    >>> api = database_api("duckdb")
    >>> type(api).__name__
    'DuckDBAPI'
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from splink.internals.database_api import DatabaseAPI

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _

BACKENDS = ("duckdb", "spark")


def spark_session(partitions: int = 4, memory: str = "2g") -> Any:
    """A local Spark session for Splink (``local[*]``, bound to 127.0.0.1).

    Raises:
        CiudadanaError: with what to install, when pyspark or Java is missing.
    """
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise CiudadanaError(
            _(
                "El enlace en Spark necesita pyspark: instálelo con `pip install pyspark` (y Java "
                "17), o use --backend duckdb."
            ),
            code="spark-missing",
        ) from exc
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise CiudadanaError(
            _(
                "El enlace en Spark necesita Java 17 (no se encontró `java`). Instálelo "
                "(apt-get install openjdk-17-jre-headless) o use --backend duckdb."
            ),
            code="spark-no-java",
        )
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[*]")
        .appName("ciudadana-enlace")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.driver.memory", memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def database_api(backend: str = "duckdb", *, spark: Any | None = None) -> DatabaseAPI:
    """A fresh Splink database API for ``backend`` (``duckdb`` or ``spark``)."""
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect(":memory:")
        con.execute("set enable_progress_bar = false")
        return DuckDBAPI(connection=con)
    if backend == "spark":
        from splink import SparkAPI

        session = spark if spark is not None else spark_session()
        return SparkAPI(spark_session=session, break_lineage_method="persist")
    raise CiudadanaError(
        _("Motor de enlace «{backend}» desconocido: use {known}.").format(
            backend=backend, known=", ".join(BACKENDS)
        ),
        code="unknown-backend",
    )
