"""The SSDA903 files an import reads: their DfE columns, which are required, which hold dates and which
hold codes from the project's code lists (dbt_project/seeds/ref_code_lists.csv)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingestion.returns.ssda903 import FILES as WRITTEN_FILES


@dataclass(frozen=True)
class FileSpec:
    name: str  # file name without .csv; the raw table is raw.ssda903_<name>
    columns: tuple[str, ...]  # DfE column names in the file's usual order
    required_columns: tuple[str, ...]  # the header must have them
    required_values: tuple[str, ...]  # never blank
    dates: tuple[str, ...] = ()  # DD/MM/YYYY when not blank
    codes: dict[str, str] = field(default_factory=dict)  # column -> code list
    aliases: dict[str, str] = field(default_factory=dict)  # another spelling of a column -> the column

    @property
    def table(self) -> str:
        return f"ssda903_{self.name}"


_CHILD = ("CHILD",)


def _columns(name: str) -> tuple[str, ...]:
    """The file's DfE columns in the order `cscw return 903` writes them (ingestion.returns.ssda903, the
    one list); the return's PLACE is read as PL, its current name (PLACE stays an alias)."""
    _, columns = WRITTEN_FILES[f"{name}.csv"]
    return tuple("PL" if c == "PLACE" else c for c in columns)


FILES: dict[str, FileSpec] = {
    s.name: s
    for s in [
        FileSpec(
            "header",
            _columns("header"),
            ("CHILD", "SEX", "DOB"),
            ("CHILD", "SEX", "DOB"),
            dates=("DOB", "MC_DOB"),
            codes={"SEX": "sex", "ETHNIC": "ethnicity"},
        ),
        FileSpec(
            "episodes",
            _columns("episodes"),
            ("CHILD", "DECOM", "RNE", "LS", "PL", "DEC", "REC"),
            ("CHILD", "DECOM", "RNE", "LS", "PL"),
            dates=("DECOM", "DEC"),
            codes={
                "RNE": "episode_start_reason",
                "LS": "legal_status",
                "CIN": "category_of_need",
                "PL": "placement_type",
                "PLACE_PROVIDER": "placement_provider",
                "REC": "episode_ceased_reason",
                "REASON_PLACE_CHANGE": "placement_change_reason",
            },
            # older returns (and the DfE validator's own test files) spell the placement column PLACE
            aliases={"PLACE": "PL"},
        ),
        FileSpec(
            "reviews",
            _columns("reviews"),
            ("CHILD", "REVIEW"),
            ("CHILD", "REVIEW"),
            dates=("DOB", "REVIEW"),
            codes={"REVIEW_CODE": "participation"},
        ),
        FileSpec(
            "missing",
            _columns("missing"),
            ("CHILD", "MIS_START"),
            ("CHILD", "MIS_START"),
            dates=("DOB", "MIS_START", "MIS_END"),
            codes={"MISSING": "missing_type"},
        ),
        FileSpec("uasc", _columns("uasc"), _CHILD, _CHILD, dates=("DOB", "DUC")),
        FileSpec(
            "oc2",
            _columns("oc2"),
            _CHILD,
            _CHILD,
            dates=("DOB",),
        ),
        FileSpec("oc3", _columns("oc3"), _CHILD, _CHILD, dates=("DOB",)),
        FileSpec(
            "ad1",
            _columns("ad1"),
            _CHILD,
            _CHILD,
            dates=("DOB", "DATE_INT", "DATE_MATCH"),
        ),
        FileSpec(
            "placed_for_adoption",
            _columns("placed_for_adoption"),
            _CHILD,
            _CHILD,
            dates=("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
        ),
        # DATE_PERM may be partly unknown in the DfE's guidance (zz/mm/yyyy): kept as text, not checked
        FileSpec("previous_permanence", _columns("previous_permanence"), _CHILD, _CHILD),
    ]
}
REQUIRED_FILES = ("header", "episodes")
