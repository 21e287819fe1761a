"""The ``compare`` wing: several paths differenced against a reference.

Not named ``compare``: that would shadow the public function ``tariffsim.compare``.

- ``rows``: the per-period rows and totals of a comparison, from the arrays (no pandas);
- ``compute``: align scenarios, simulate them, difference against the reference;
- ``report``: the terminal table and the data files;
- ``chart_data``: the frames each chart draws (pure);
- ``chart``: the comparison figures.
"""
