"""Preparing a council's own extract for the loader: write its manifest (``write.py``) and check it
against the contract without touching a database (``check.py``). See docs/getting-started.md."""
