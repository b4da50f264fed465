"""`sopmine check` on a real store: verdicts written, stamped, reused, and the same as the API's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from cli_helpers import sopmine_cli

import sopmine
from sopmine import Store, check, check_store, load_files, simulate
from sopmine.errors import SopmineError

SOP = "karimun_sicantik"
AS_OF = "2025-03-31 16:00"


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SiCantik export of 200 simulated cases with a roster (January to March 2025)."""
    folder = tmp_path_factory.mktemp("export")
    run = simulate(SOP, cases=200, seed=5, start="2025-01-01", end="2025-03-31")
    run.write(folder / "karimun.csv")
    return folder


@pytest.fixture
def db(export: Path, tmp_path: Path) -> Path:
    """A store holding the export."""
    path = tmp_path / "store.duckdb"
    load_files(
        [export / "karimun.csv"],
        sop=SOP,
        profile="sicantik",
        roster=export / "karimun.roster.csv",
        db=path,
    )
    return path


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A result frame with plain dtypes, so stored and computed frames compare."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype) or out[column].dtype == object:
            out[column] = out[column].astype(object).where(out[column].notna(), None)
        elif pd.api.types.is_bool_dtype(out[column].dtype):
            out[column] = out[column].astype(bool)
        elif pd.api.types.is_integer_dtype(out[column].dtype):
            out[column] = out[column].astype("float64")
        elif isinstance(out[column].dtype, pd.StringDtype) or str(out[column].dtype) == "str":
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out.reset_index(drop=True)


def test_check_store_writes_the_same_verdicts_as_the_api(db: Path) -> None:
    [done] = check_store(db=db, as_of=AS_OF)
    assert not done.unchanged
    assert done.result is not None
    with Store.open(db, read_only=True) as store:
        events = store.scope_events(done.scope)
        runs = store.check_runs()
        stored = {t: store.results(t) for t in ("cases", "steps", "deviations")}
    expected = check(events, SOP, as_of=AS_OF)
    assert len(expected.cases) == 200
    for name in ("cases", "steps", "deviations"):
        table = stored[name]
        assert (table["run_id"] == done.run_id).all()
        got = _plain(table.drop(columns=["run_id"]))
        want = _plain(getattr(expected, name))
        assert list(got.columns) == list(want.columns)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
    [run] = runs.to_dict("records")
    model = sopmine.load_sop(SOP)
    assert run["sop_id"] == SOP
    assert run["sop_hash"] == model.hash
    assert run["office"] is None or pd.isna(run["office"])
    assert run["cases"] == 200
    assert run["deviations"] == len(expected.deviations)
    assert pd.Timestamp(run["as_of"]) == pd.Timestamp(AS_OF).tz_localize("Asia/Jakarta")
    sources = json.loads(run["sources"])
    assert [s["file_name"] for s in sources] == ["karimun.csv"]
    assert len(sources[0]["sha256"]) == 64
    assert sources[0]["events"] == len(events)


def test_an_unchanged_scope_is_not_checked_again_and_force_gives_identical_verdicts(
    db: Path,
) -> None:
    [first] = check_store(db=db, as_of=AS_OF)
    with Store.open(db, read_only=True) as store:
        before = store.results("deviations")
    [again] = check_store(db=db, as_of=AS_OF)
    assert again.unchanged
    assert again.result is None
    assert again.run_id == first.run_id
    pd.testing.assert_frame_equal(again.summary, first.summary, check_dtype=False)
    [forced] = check_store(db=db, as_of=AS_OF, force=True)
    assert not forced.unchanged
    assert forced.run_id != first.run_id
    with Store.open(db, read_only=True) as store:
        after = store.results("deviations")
        assert list(store.check_runs()["run_id"]) == [forced.run_id]  # the old run is replaced
    pd.testing.assert_frame_equal(
        before.drop(columns="run_id"), after.drop(columns="run_id"), check_dtype=False
    )


def test_a_new_load_or_another_as_of_makes_a_new_run(db: Path, tmp_path: Path) -> None:
    [first] = check_store(db=db, as_of=AS_OF)
    [later] = check_store(db=db, as_of="2025-04-15 10:00")
    assert not later.unchanged
    assert later.run_id != first.run_id
    extra = tmp_path / "late.csv"
    extra.write_text(
        "no_permohonan,jenis_izin,nama_proses,status,start_date,end_date,diproses_oleh\n"
        "X-1,Izin,Validasi Kabid,Selesai,2025-03-03 08:00:00,2025-03-03 09:30:00,kabid\n",
        encoding="utf-8",
    )
    load_files([extra], sop=SOP, profile="sicantik", db=db)
    [after_load] = check_store(db=db, as_of="2025-04-15 10:00")
    assert not after_load.unchanged
    assert after_load.summary["cases"].iloc[0] == 201


def test_the_period_and_office_narrow_the_cases(db: Path) -> None:
    model = sopmine.load_sop(SOP)
    [march] = check_store(
        db=db, as_of=AS_OF, period_from=dt.date(2025, 3, 1), period_to=dt.date(2025, 3, 31)
    )
    assert march.result is not None
    first = march.result.cases["first_event_at"].dt.tz_convert(model.office.timezone)
    assert (first.dt.month == 3).all()
    assert len(first) > 20
    with Store.open(db, read_only=True) as store:
        everything = store.scope_events(sopmine.store.CheckScope(SOP))
    arrivals = everything.groupby("case_id")["timestamp"].min().dt.tz_convert("Asia/Jakarta")
    assert len(march.result.cases) == int((arrivals.dt.month == 3).sum())
    [office] = check_store(db=db, as_of=AS_OF, office=model.office.name)
    assert office.summary["cases"].iloc[0] == 200
    with pytest.raises(SopmineError, match=r"no events to check .* office 'Kantor Lain'"):
        check_store(db=db, as_of=AS_OF, office="Kantor Lain")
    with Store.open(db, read_only=True) as store:
        assert len(store.check_runs()) == 2  # the March run and the office run, side by side


def test_an_empty_store_says_to_load_first(tmp_path: Path) -> None:
    with pytest.raises(SopmineError, match="holds no events yet; load an export first"):
        check_store(db=tmp_path / "empty.duckdb")


def test_the_cli_prints_a_summary_and_stores_the_verdicts(db: Path, tmp_path: Path) -> None:
    done = sopmine_cli("check", "--db", str(db), "--as-of", AS_OF, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if SOP in line and "%" in line)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    with duckdb.connect(str(db), read_only=True) as con:
        cases, open_cases, at_risk = con.execute(
            "SELECT count(*), count(*) FILTER (status = 'open'), count(*) FILTER (at_risk) "
            "FROM check_cases"
        ).fetchall()[0]
        conformant = con.execute("SELECT avg(conformant::INT) * 100 FROM check_cases").fetchall()
    assert cells[:3] == [SOP, f"{cases:,}", f"{open_cases:,}"]
    assert cells[3] == f"{conformant[0][0]:.1f}%"
    assert cells[5] == f"{at_risk:,}"
    assert "Deviations by type" in done.stdout
    again = sopmine_cli("check", "--db", str(db), "--as-of", AS_OF, cwd=tmp_path)
    assert again.returncode == 0
    assert " same" in again.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13-01"], "--from '2025-13-01' is not a date; write it as YYYY-MM-DD"),
        (["--from", "2025-03-02", "--to", "2025-03-01"], "--from 2025-03-02 is after --to"),
        (["--lang", "fr"], "--lang 'fr': use id or en"),
        (["--sop", "no_such_sop"], "no SOP model with id 'no_such_sop'"),
        (["--as-of", "kemarin"], "--as-of 'kemarin' is not a date or time"),
    ],
)
def test_bad_options_give_one_clear_error_line(
    db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    done = sopmine_cli("check", "--db", str(db), *args, cwd=tmp_path)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
