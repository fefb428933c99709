"""Past SSDA903 returns imported as history (`cscw import 903`, docs/ssda903.md "Importing past returns")."""

from ingestion.history_import.files import ImportFileError, ReturnFile, read_year
from ingestion.history_import.store import ImportResult, import_903

__all__ = ["ImportFileError", "ImportResult", "ReturnFile", "import_903", "read_year"]
