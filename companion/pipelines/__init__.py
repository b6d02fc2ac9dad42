"""Pipelines: each pairs a family's codec, network and trainer behind the three functions
:mod:`companion.zoo` calls (``train``, ``generate``, ``evaluate``). One module per family:
``musegan`` (lesson 02), ``imagegan`` (03), ``gpt`` (04 and 05)."""
