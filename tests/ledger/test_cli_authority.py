"""``exposure`` splits a ledger's duty by legal authority (table ``authority``, text line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.stacks import STEEL_2025, write

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_exposure_splits_the_ledger_duty_by_authority(tmp_path: Path) -> None:
    import datetime as dt

    import pandas as pd
    import pyarrow as pa

    from tests.ledgers import write_parquet

    path = write(tmp_path, STEEL_2025 % {"steel": "72"})
    ledger = write_parquet(
        tmp_path,
        {
            "hts_code": ["7208.10.1500", "8517.13.0000", "9503.00.0000"],
            "country_of_origin": ["CN", "CN", "VN"],
            "customs_value_usd": pa.array([1000.0, 2000.0, 500.0]),
            "entry_date": [dt.date(2025, 6, 10)] * 3,
        },
    )
    summary = tmp_path / "summary.csv"
    code, _, err = invoke("exposure", str(path), "--ledger", str(ledger), "-o", str(summary))
    assert code == 0, err
    _, text, _ = invoke("exposure", str(path), "--ledger", str(ledger))
    # the amounts below, to the cent; the base authority written as the docs write it, MFN
    assert (
        "by authority: MFN $0.00, ieepa_fentanyl $600.00, section232 $500.00, "
        "ieepa_reciprocal $250.00" in text
    )
    frame = pd.read_csv(summary)
    duty = frame[frame["table"] == "authority"].set_index("key")["additional_duty_usd"]
    # steel (CN): fentanyl 20 %, 232 50 %, reciprocal excluded; phones (CN): fentanyl 20 %,
    # reciprocal 10 %; toys (VN): reciprocal 10 %
    assert duty.to_dict() == pytest.approx(
        {
            "mfn": 0.0,
            "ieepa_fentanyl": 0.20 * 1000 + 0.20 * 2000,
            "section232": 0.50 * 1000,
            "ieepa_reciprocal": 0.10 * 2000 + 0.10 * 500,
        }
    )


def test_tranche_mfn_is_shown_apart_from_the_authority() -> None:
    """Tranches carry MFN as a base rate: the authority line gives its additional duty only."""
    import pandas as pd

    from tariffsim.ledger.table import _authority_parts

    frame = pd.DataFrame(
        {
            "key": ["section301", "section232"],
            "base_duty_usd": [30.25, 5.5],
            "additional_duty_usd": [100.1, 50.0],
        }
    )
    frame["total_duty_usd"] = frame["base_duty_usd"] + frame["additional_duty_usd"]
    # MFN apart: 30.25 + 5.50
    assert _authority_parts(frame) == "section301 $100.10, section232 $50.00, MFN $35.75"
    # measures of the mfn authority: their whole duty, with the tranches' MFN, in one part
    mfn = pd.DataFrame({"key": ["mfn"], "base_duty_usd": [12.5], "additional_duty_usd": [0.0]})
    mfn["total_duty_usd"] = mfn["base_duty_usd"]
    assert _authority_parts(pd.concat([mfn, frame])) == (
        "MFN $48.25, section301 $100.10, section232 $50.00"  # 12.50 + 35.75
    )
    assert _authority_parts(mfn) == "MFN $12.50"
