"""The ``explain`` wing: why one product from one origin pays what it pays on one day.

- ``compute``: the stack of every measure for one HTS code, origin and day;
- ``report``: the stack as a small table.
"""
