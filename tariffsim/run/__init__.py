"""The ``run`` wing: one scenario's duty by tranche and period.

- ``report``: the terminal summary;
- ``export``: the CSV / JSON / Parquet records;
- ``chart``: duty by tranche and period, with the dated rate changes.
"""
