"""The validated extract loader: ``load_path`` loads extract folders into the ``raw`` schema.

manifest.py finds extract folders and checks manifests and hashes; validate.py streams one file
through the contract's checks into clean CSV; core.py runs one transaction per extract with COPY
and records every attempt in raw._batches; schema.py owns the raw DDL. See docs/loader.md.
"""

from ingestion.loader.core import STATUSES, BatchResult, DatabaseUnavailable, load_path
from ingestion.loader.manifest import ExtractFolder, find_extracts

__all__ = ["STATUSES", "BatchResult", "DatabaseUnavailable", "ExtractFolder", "find_extracts", "load_path"]
