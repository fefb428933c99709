"""The synthetic extract generator: contract conformance, determinism, nightly snapshots, hubs, CLI.
Calibration against the profiles is in test_calibration.py; the real loader in test_generator_loader.py."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date

import pytest

from ingestion.cli import main
from ingestion.contract import load_contract
from ingestion.generator import generate
from ingestion.generator.profiles import load_profile
from tests.generator.measure import read

EXTRACT = "2020-03-31"


def _files(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    folders = generate(out, profile="portsmouth", years=3, nights=3, scale=0.5, seed=7, extract_date=EXTRACT)
    return out, folders


def test_writes_one_full_folder_per_night_with_manifest(small):
    out, folders = small
    assert [f.name for f in folders] == ["2020-03-29", "2020-03-30", "2020-03-31"]
    assert all(f.parent == out / "851" for f in folders)
    contract = load_contract()
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["la_code"] == "851" and manifest["extract_date"] == folder.name
        assert manifest["contract_version"] == contract.version
        listed = {name[:-4] for name in manifest["files"]}
        assert set(contract.required_tables) <= listed
        assert {t for t in contract.tables if t.startswith("ext_")} <= listed
        for name, spec in manifest["files"].items():
            data = (folder / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == spec["sha256"]
            with open(folder / name, newline="", encoding="utf-8") as f:
                assert sum(1 for _ in csv.reader(f)) - 1 == spec["rows"]
        assert not (folder / "manifest.json.tmp").exists()


def test_every_row_meets_the_contract(small):
    """Headers, required values, code lists, dates, flags, numbers and unique keys: what the loader checks."""
    _, folders = small
    contract = load_contract()
    folder = folders[-1]
    for name in json.loads((folder / "manifest.json").read_text())["files"]:
        table = contract.tables[name[:-4]]
        rows = read(folder, table.name)
        with open(folder / name, newline="", encoding="utf-8") as f:
            assert next(csv.reader(f)) == list(table.column_names)
        assert rows or table.name in ("ssd_department",), f"{name} is empty"
        keys = [r[table.primary_key] for r in rows]
        assert len(keys) == len(set(keys)), f"{name}: duplicate primary key"
        for col in table.columns:
            values = [r[col.name] for r in rows]
            if col.required:
                assert all(v.strip() for v in values), f"{name}.{col.name}: missing required value"
            present = [v for v in values if v]
            if col.type == "code":
                cl = contract.code_lists[col.codes]
                bad = {v for v in present if v not in cl.codes}
                assert not bad, f"{name}.{col.name}: codes outside {col.codes}: {sorted(bad)[:5]}"
            elif col.type == "date":
                for v in present:
                    date.fromisoformat(v)
            elif col.type == "flag":
                assert set(present) <= {"Y", "N"}, f"{name}.{col.name}"
            elif col.type in ("int", "decimal"):
                for v in present:
                    float(v)


def test_records_hang_together(small):
    """References resolve and dates run forwards, in every night's snapshot."""
    _, folders = small
    for folder in folders:
        t = date.fromisoformat(folder.name)
        people = {r["pers_person_id"] for r in read(folder, "ssd_person")}
        episodes = read(folder, "ssd_cla_episodes")
        placements = {r["clap_cla_placement_id"]: r for r in read(folder, "ssd_cla_placement")}
        assert {e["clae_person_id"] for e in episodes} <= people
        for e in episodes:
            s, c = e["clae_cla_episode_start_date"], e["clae_cla_episode_ceased_date"]
            assert s <= t.isoformat()
            assert not c or c >= s
            assert (not c) == (not e["clae_cla_episode_ceased_reason"])
            assert e["clae_cla_placement_id"] in placements
        for p in read(folder, "ssd_cp_plans"):
            assert p["cppl_person_id"] in people
            assert (
                not p["cppl_cp_plan_end_date"] or p["cppl_cp_plan_end_date"] >= p["cppl_cp_plan_start_date"]
            )
        plans = {p["cppl_cp_plan_id"] for p in read(folder, "ssd_cp_plans")}
        assert {r["cppr_cp_plan_id"] for r in read(folder, "ssd_cp_reviews")} <= plans
        challenges = {c["chal_challenge_id"]: c for c in read(folder, "ext_iro_challenges")}
        for c in challenges.values():
            if c["chal_escalated_from_id"]:
                ma = challenges[c["chal_escalated_from_id"]]
                assert ma["chal_challenge_type"] == "MA" and c["chal_challenge_type"] == "PR"
                assert ma["chal_resolved_date"] == c["chal_raised_date"]  # the MA closes as the PR opens
        assert {s["chst_challenge_id"] for s in read(folder, "ext_iro_challenge_stages")} <= set(challenges)
        # A meeting that reviews several children is a sibling group: one date, different children.
        reviews = {r["clar_cla_review_id"]: r for r in read(folder, "ssd_cla_reviews")}
        meetings: dict[str, list] = {}
        for r in read(folder, "ext_cla_review_details"):
            meetings.setdefault(r["clrd_meeting_id"], []).append(reviews[r["clrd_cla_review_id"]])
        groups = [m for m in meetings.values() if len(m) > 1]
        assert groups
        for m in groups:
            assert len({r["clar_cla_review_date"] for r in m}) == 1
            assert len({r["clar_cla_person_id"] for r in m}) == len(m)
        # Nothing after the extract date is visible in that night's snapshot.
        assert max(r["clar_cla_review_date"] for r in read(folder, "ssd_cla_reviews")) <= folder.name


def test_nights_change_the_way_real_records_do(small):
    """Later nights add records and fill in or correct recent ones; older history is stable."""
    _, folders = small
    first, last = folders[0], folders[-1]
    assert first.name < last.name
    changed, new = {}, {}
    for table, pk in (
        ("ssd_cla_placement", "clap_cla_placement_id"),
        ("ssd_cp_plans", "cppl_cp_plan_id"),
        ("ssd_involvements", "invo_involvements_id"),
        ("ssd_cla_reviews", "clar_cla_review_id"),
        ("ext_iro_challenges", "chal_challenge_id"),
        ("ssd_cla_episodes", "clae_cla_episode_id"),
    ):
        a = {r[pk]: r for r in read(first, table)}
        b = {r[pk]: r for r in read(last, table)}
        assert len(b) > len(a) * 0.98
        new[table] = set(b) - set(a)
        changed[table] = [k for k in a if k in b and a[k] != b[k]]
        # Changes are about recent events, never years-old history.
        for k in changed[table]:
            dates = [v for r in (a[k], b[k]) for v in r.values() if len(v) == 10 and v[4] == "-"]
            assert max(dates) >= "2019-12-01", (table, a[k], b[k])
    assert sum(len(v) for v in new.values()) >= 3, "no new records on later nights"
    assert sum(len(v) for v in changed.values()) > 0
    # An end date filled in on a later night (a placement, a plan, an allocation ended).
    assert changed["ssd_involvements"] or changed["ssd_cla_placement"] or changed["ssd_cp_plans"]


# SSDA903 placement types without an Ofsted URN (parents, residential employment, NHS, custody,
# temporary, other): every other placement records the provider's URN (DfE rules 218 and 222).
NO_URN = {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"}


def test_records_meet_the_dfe_903_rules_the_generator_can_meet(small):
    """What the SSDA903 validator checked on generated returns, checked here on the CSVs themselves."""
    _, folders = small
    folder = folders[-1]
    pools = load_profile("portsmouth")["placement_postcodes"]
    real = set(pools["in_area"]) | set(pools["nearby"])
    for p in read(folder, "ssd_cla_placement"):
        assert p["clap_cla_placement_postcode"] in real  # rules 169, 179, 1015: real postcodes
        assert bool(p["clap_cla_placement_urn"]) == (p["clap_cla_placement_type"] not in NO_URN)
    for ls in read(folder, "ssd_legal_status"):  # rule 361: police protection lasts 72 hours at most
        if ls["lega_legal_status"] == "L1" and ls["lega_legal_status_end_date"]:
            end, start = (date.fromisoformat(ls[f"lega_legal_status_{k}_date"]) for k in ("end", "start"))
            assert (end - start).days <= 3
    leavers = read(folder, "ssd_care_leavers")
    assert leavers
    for cl in leavers:  # rule 133: no fixed abode (S) and custody (X) are never suitable
        if cl["clea_care_leaver_accommodation"] in ("S", "X"):
            assert cl["clea_care_leaver_accom_suitable"] == "2"
    spells: dict[str, list] = {}
    for m in read(folder, "ssd_missing"):
        spells.setdefault(m["miss_person_id"], []).append(
            (m["miss_missing_episode_start_date"], m["miss_missing_episode_end_date"])
        )
    for child_spells in spells.values():  # rule 574: a child goes missing again only after coming back
        child_spells.sort()
        for (_, back), (again, _) in zip(child_spells, child_spells[1:], strict=False):
            assert back and again >= back
    # repeat periods of care and same-day legal status and placement changes are exercised
    periods: dict[str, set] = {}
    for e in read(folder, "ssd_cla_episodes"):
        periods.setdefault(e["clae_person_id"], set()).add(e["clae_cla_id"])
    assert any(len(p) > 1 for p in periods.values())
    moves = {
        (p["clap_person_id"], p["clap_cla_placement_start_date"]) for p in read(folder, "ssd_cla_placement")
    }
    changes = {
        (ls["lega_person_id"], ls["lega_legal_status_start_date"]) for ls in read(folder, "ssd_legal_status")
    }
    firsts = {
        (e["clae_person_id"], e["clae_cla_episode_start_date"])
        for e in read(folder, "ssd_cla_episodes")
        if e["clae_cla_episode_start_reason"] == "S"
    }
    assert (moves & changes) - firsts


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    kw = dict(profile="portsmouth", years=2, scale=0.3, extract_date="2019-03-31")
    generate(a, seed=3, **kw)
    generate(b, seed=3, **kw)
    generate(c, seed=4, **kw)
    fa, fb, fc = _files(a), _files(b), _files(c)
    assert fa == fb
    assert fa.keys() == fc.keys() and fa != fc


def test_hub_writes_authorities_side_by_side(tmp_path):
    folders = generate(tmp_path, profile="portsmouth", years=1, scale=0.2, las=3, extract_date="2019-03-31")
    assert [f.parent.name for f in folders] == ["851", "601", "602"]
    people = [{r["pers_forename"] + r["pers_dob"] for r in read(f, "ssd_person")} for f in folders]
    assert people[0] != people[1] != people[2]


def test_cli_generate(tmp_path, capsys):
    rc = main(
        [
            "generate",
            "--profile",
            "portsmouth",
            "--years",
            "1",
            "--scale",
            "0.2",
            "--seed",
            "2",
            "--extract-date",
            "2021-06-30",
            "--out",
            str(tmp_path),
        ]
    )
    assert rc == 0
    assert (tmp_path / "851" / "2021-06-30" / "manifest.json").is_file()
    assert "1 extract folder(s)" in capsys.readouterr().out


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, profile="nowhere")
    with pytest.raises(ValueError):
        generate(tmp_path, profile="portsmouth", nights=0)
    with pytest.raises(ValueError):
        generate(tmp_path, profile="portsmouth", las=201)
    assert not any(tmp_path.iterdir())  # refused before writing anything
