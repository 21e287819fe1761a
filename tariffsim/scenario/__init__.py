"""Scenario files → validated, frozen models: the bottom layer, importing only the base.

Modules, in pipeline order:

- ``yamlnodes``, ``yamlfile``: one YAML file read safely (libyaml where present), with the
  line of every key;
- ``loading``: a file and the files it ``extends``, merged;
- ``units``, ``quantities``: pint at the edge; dated and sourced numbers;
- ``countries``, ``hts``: country and HTS product codes;
- ``distributions``, ``assumptions``: behavioural assumptions and their distributions;
- ``edits``: what ``--set`` changed (key, new value, the value it replaced);
- ``schema``: the validated scenario model;
- ``fields``: which keys the model allows and requires at a key path;
- ``overrides``: ``--set`` applied to a file's document, the values set citing ``--set``;
- ``entries``: a misspelt tranche, measure or flow id in a child file or ``--set``;
- ``weights``: a flow's product-level weights file (HTS line → weight);
- ``checks``: checks that need the whole scenario, each located at its key;
- ``validation``: ``load_scenario``, every error mapped to its file and line.
"""
