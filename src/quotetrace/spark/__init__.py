"""quotetrace on Apache Spark (the optional extra ``quotetrace[spark]``).

``extract`` runs the same ``Pipeline`` as ``quotetrace extract`` over files (one task per file,
records streamed, one pipeline per Python worker, Arrow batches) and writes the Parquet datasets
whose schema ``rows`` defines; ``cluster`` groups their quotes across articles with MinHash LSH in
Spark and the store's own verification; ``load`` puts them into the SQLite store. The commands
are ``quotetrace.cli.spark``. PySpark is imported inside the functions that need it, so the rest of
quotetrace never loads it.
"""
