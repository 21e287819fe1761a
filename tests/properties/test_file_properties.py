"""Files made from the arrays equal the frames' own text, over generated scenarios (hypothesis).

The CSV of ``run`` (arrays → coded tables → text) is compared with pandas writing
``Result.periods``, and the JSON rows with the frames' records, for scenarios of random
horizons, steps, rates, flows and labels that need quoting.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.model.result_tables import importer_table, period_table, tranche_table
from tariffsim.model.simulation import simulate
from tariffsim.outputs.files import to_json_text
from tariffsim.outputs.text import csv_text, records
from tariffsim.run.export import csv_chunks
from tests.properties.test_static_invariants import STEPS, build, scenarios

labels = st.text(alphabet=st.sampled_from(list('Ab ,"$()→é')), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.sampled_from(STEPS), st.data())
def test_csv_and_json_rows_are_the_frames(
    data: dict[str, object], step: str, draw: st.DataObject
) -> None:
    tranches = {
        k: {**v, "label": draw.draw(labels)}
        for k, v in data["tranches"].items()  # type: ignore[attr-defined]
    }
    result = simulate(build(data, tranches=tranches), step)
    assert "".join(csv_chunks([result])) == csv_text(result.periods)
    a = result.arrays
    for table, frame in (
        (period_table(result.name, a), result.periods),
        (tranche_table(result.name, a), result.tranches),
        (importer_table(result.name, a), result.importers),
    ):
        assert to_json_text(table.records()) == to_json_text(records(frame))


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.sampled_from(STEPS))
def test_importer_sums_are_pandas_groupby_sums(data: dict[str, object], step: str) -> None:
    result = simulate(build(data), step)
    keys = ["scenario", "mode", "importer", "period_start", "period_end"]
    money = ["imports_usd", "additional_duty_usd", "total_duty_usd"]
    theirs = result.periods.groupby(keys, sort=False, observed=True)[money].sum()
    ours = importer_table(result.name, result.arrays)
    for column in money:
        assert ours.columns[column].tobytes() == theirs[column].to_numpy().tobytes()  # type: ignore[union-attr]
