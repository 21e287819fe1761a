"""Dated facts → arrays → pure kernels → results: the computing layer (imports ``scenario``).

Modules, in pipeline order:

- ``timeline``: periods, slices and rate step functions;
- ``engine``, ``behaviour``: pure float-array kernels of duty and of the import response;
- ``response``: the behavioural run, assumptions → per-row arrays → kernels;
- ``simulation``: a scenario → arrays → kernels → results (``simulate``);
- ``period_arrays``: a result's numbers as rows × periods arrays;
- ``results``: the result container and its tidy frames;
- ``tables``, ``result_tables``: tables of coded columns, and a result's rows laid out as them
  (what CSV, JSON and the frames are made from);
- ``aggregates``: average-tariff step series and yearly totals;
- ``indices``: the average tariff over product lines, at line level or by HS-6 subheading.

The tariff stack (measures by authority × products × origins × dates, with precedence) belongs
here, shared by aggregate flows (``simulation``) and ledger lines (``tariffsim.ledger``).
"""
