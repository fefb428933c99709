"""The SSDA903 files an import reads: their DfE columns, which are required, which hold dates and which
hold codes from the project's code lists (dbt_project/seeds/ref_code_lists.csv)."""

from __future__ import annotations

from dataclasses import dataclass, field


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

FILES: dict[str, FileSpec] = {
    s.name: s
    for s in [
        FileSpec(
            "header",
            ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
            ("CHILD", "SEX", "DOB"),
            ("CHILD", "SEX", "DOB"),
            dates=("DOB", "MC_DOB"),
            codes={"SEX": "sex", "ETHNIC": "ethnicity"},
        ),
        FileSpec(
            "episodes",
            (
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PL",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
            ),
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
            ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
            ("CHILD", "REVIEW"),
            ("CHILD", "REVIEW"),
            dates=("DOB", "REVIEW"),
            codes={"REVIEW_CODE": "participation"},
        ),
        FileSpec(
            "missing",
            ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
            ("CHILD", "MIS_START"),
            ("CHILD", "MIS_START"),
            dates=("DOB", "MIS_START", "MIS_END"),
            codes={"MISSING": "missing_type"},
        ),
        FileSpec("uasc", ("CHILD", "SEX", "DOB", "DUC"), _CHILD, _CHILD, dates=("DOB", "DUC")),
        FileSpec(
            "oc2",
            (
                "CHILD",
                "DOB",
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ),
            _CHILD,
            _CHILD,
            dates=("DOB",),
        ),
        FileSpec("oc3", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), _CHILD, _CHILD, dates=("DOB",)),
        FileSpec(
            "ad1",
            ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
            _CHILD,
            _CHILD,
            dates=("DOB", "DATE_INT", "DATE_MATCH"),
        ),
        FileSpec(
            "placed_for_adoption",
            ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
            _CHILD,
            _CHILD,
            dates=("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
        ),
        # DATE_PERM may be partly unknown in the DfE's guidance (zz/mm/yyyy): kept as text, not checked
        FileSpec(
            "previous_permanence", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"), _CHILD, _CHILD
        ),
    ]
}
REQUIRED_FILES = ("header", "episodes")
