"""The official scorer: predictions laid out like ``annotations/`` scored against a split's gold.

Modules, one job each: ``predictions`` reads and checks a predictions folder; ``scores`` holds
the shared arithmetic (precision/recall/F1, one-to-one matching); ``entities``, ``coreference``,
``figures`` and ``stances`` compute one layer's metrics each; ``scorer`` puts them together
and renders them; ``definitions`` is the prose every metric is documented with (README and the
dataset card); ``baselines/`` writes the reference baselines' predictions.
"""
