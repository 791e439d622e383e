"""The benchmark: not part of the installed package; see benchmarks/README.md."""
