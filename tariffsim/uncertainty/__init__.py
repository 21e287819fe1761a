"""The ``sweep`` wing (also ``run --samples``): Monte Carlo over an outlook of branches.

- ``outlook_model``, ``outlook``: the outlook file and its branch scenarios;
- ``draws``: draws allocated to branches, their weights and categories;
- ``response``: the behavioural kernels on draw × tranche rows;
- ``sweep``: the sweep itself;
- ``stats``: means, expected values, percentiles, exceedance;
- ``report``, ``chart``: tables, data files, fan chart.
"""
