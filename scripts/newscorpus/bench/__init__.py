"""The benchmark at scale: a synthetic corpus generator and a harness that times the pipeline.

``newscorpus bench`` (module ``run``) drives everything; ``synth`` writes a valid synthetic corpus in
the project's own file format; ``tasks`` holds the measured units, each run in a fresh subprocess
by ``harness`` so that wall time and peak RSS belong to that unit alone.
"""
