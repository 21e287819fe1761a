"""The ``backtest`` wing: a history replay against published figures.

- ``backtest``: the replay and its errors against each published figure;
- ``report``: the terminal table;
- ``chart``: simulated against published;
- ``chart_authority``: the chart of a replay written with measures (by authority, refunds).
"""
