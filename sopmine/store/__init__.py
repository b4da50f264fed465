"""The store: one DuckDB file of loaded event logs, with atomic, idempotent loads.

A load hands the store :class:`LoadBatch` objects (one per export file, already read and
normalised) and gets one :class:`LoadOutcome` each; the queries give the tables back as
frames with fixed columns. This package depends on nothing else of sopmine but
:mod:`sopmine.errors`, so readers of the store (the dashboard, reports) need not import the
log readers.

>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as folder:
...     with open_store(Path(folder) / "sopmine.duckdb") as store:
...         print(list(store.events().columns[:4]))
['sop_id', 'office', 'case_id', 'activity']
"""

from sopmine.store._database import Store, default_db_path, open_store
from sopmine.store._ddl import SCHEMA_VERSION
from sopmine.store._queries import LoadBatch, LoadOutcome
from sopmine.store._results import RESULT_TABLES, CheckScope, RunStamp

__all__ = [
    "RESULT_TABLES",
    "SCHEMA_VERSION",
    "CheckScope",
    "LoadBatch",
    "LoadOutcome",
    "RunStamp",
    "Store",
    "default_db_path",
    "open_store",
]
