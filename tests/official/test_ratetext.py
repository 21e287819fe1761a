"""Rate-of-duty text: hand cases, invariants, and every MFN text of the 2017 tariff database."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffsim.official.ratetext import DutyRate, UnparsedRate, parse_rate_text, parse_rate_texts
from tariffsim.official.tables import read_csv_table

from .shared_data import shared_file


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Free", DutyRate("free")),
        ("6.8%", DutyRate("ad_valorem", 0.068)),
        ("1 cents/kg", DutyRate("specific", 0.0, 0.01, "kg")),
        ("2.4% + 5 cents/kg", DutyRate("compound", 0.024, 0.05, "kg")),
        ("5 cents/kg + 2.4%", DutyRate("compound", 0.024, 0.05, "kg")),
        ("$1.035/kg", DutyRate("specific", 0.0, 1.035, "kg")),
        ("4.4¢/liter", DutyRate("specific", 0.0, 0.044, "liter")),
        ("2.8 cents/doz.", DutyRate("specific", 0.0, 0.028, "dozen")),
        ("36 cents each", DutyRate("specific", 0.0, 0.36, "item")),
        ("89.6 cents/1000", DutyRate("specific", 0.0, 0.896, "thousand_items")),
        ("The duty provided in the applicable subheading + 25%", DutyRate("additional", 0.25)),
        (
            "The duty provided in the applicable subheading plus 7.5%.",
            DutyRate("additional", 0.075),
        ),
        ("The duty provided in the applicable subheading", DutyRate("additional")),
    ],
)
def test_parses_the_forms_of_the_hts(text: str, expected: DutyRate) -> None:
    assert parse_rate_text(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no rate text"),
        ("0.022", "a number without % or unit"),
        ("20 cents/kg on drained weight", "a rate on a part, content or basis of the good"),
        ("5% on the case + 3% on the battery", "a rate on a part, content or basis of the good"),
        ("4.4 cents/liter + 31.4 cents/pf. liter", "more than one ad valorem or specific term"),
        (
            "The rate applicable to the natural juice in heading 2009",
            "refers to the rate of another line or article",
        ),
        ("Free, under bond, as prescribed in U.S. note 1", "free only under a condition or note"),
        ("0.3 cents/line/ gross + 4.6%", "an unknown unit"),
    ],
)
def test_refuses_with_a_reason(text: str, reason: str) -> None:
    assert parse_rate_text(text) == UnparsedRate(text, reason)


decimals = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False)


@given(decimals)
def test_ad_valorem_is_the_written_decimal_over_100(percent: Decimal) -> None:
    rate = parse_rate_text(f"{percent}%")
    assert rate == DutyRate("ad_valorem", float(percent / 100))


@given(decimals, decimals)
def test_compound_terms_commute_and_add_to_their_parts(percent: Decimal, cents: Decimal) -> None:
    one = parse_rate_text(f"{percent}% + {cents} cents/kg")
    other = parse_rate_text(f"{cents} cents/kg+{percent}%")
    assert one == other == DutyRate("compound", float(percent / 100), float(cents / 100), "kg")


@given(st.text(max_size=40))
def test_any_text_is_parsed_or_refused_never_raises(text: str) -> None:
    rate = parse_rate_text(text)
    assert isinstance(rate, DutyRate | UnparsedRate)
    if isinstance(rate, DutyRate):
        assert rate.ad_valorem >= 0 and rate.specific_usd >= 0


def test_every_mfn_text_of_2017_is_parsed_or_refused_with_a_reason() -> None:
    table = read_csv_table(shared_file("mfn_2017_hts8.csv"))
    texts = table.rows["mfn_text_rate"]
    parsed = parse_rate_texts(texts)
    assert len(parsed) == len(texts) == 12_861
    assert (parsed["refusal_reason"] == "").eq(parsed["rate_form"] != "unparsed").all()
    live_asses = parsed[table.rows["hts8"] == "01013000"].iloc[0]
    assert live_asses["ad_valorem"] == 0.068  # the file's own mfn_ad_val_rate reads 0.06
    forms = parsed.groupby(["rate_form", "refusal_reason"]).size().to_dict()
    assert forms == {
        ("ad_valorem", ""): 5913,
        ("free", ""): 4202,
        ("specific", ""): 1104,
        ("compound", ""): 349,
        ("additional", ""): 50,
        ("unparsed", "no rate text"): 917,
        ("unparsed", "a rate on a part, content or basis of the good"): 166,
        ("unparsed", "a quota quantity, not a rate"): 60,
        ("unparsed", "refers to the rate of another line or article"): 50,
        ("unparsed", "free only under a condition or note"): 19,
        ("unparsed", "more than one ad valorem or specific term"): 10,
        ("unparsed", "refers to a U.S. note"): 10,
        ("unparsed", "a duty on a value other than customs value"): 5,
        ("unparsed", "an unknown unit"): 5,
        ("unparsed", "a number without % or unit"): 1,
    }


def test_parse_rate_texts_keeps_order_and_types() -> None:
    frame = parse_rate_texts(["Free", "6.8%", "bad text"])
    assert list(frame["rate_form"]) == ["free", "ad_valorem", "unparsed"]
    assert frame["ad_valorem"].dtype == "float64"
    assert pd.isna(frame["ad_valorem"].iloc[2])
