"""`newscorpus build` stays cheap to import: the CLI imports it to build its parser."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_build_command_imports_no_heavy_library():
    code = (
        "import sys, newscorpus.cli; newscorpus.cli.build_parser(); "
        "print(sorted(m for m in ('datasets', 'pyarrow', 'spacy', 'pandas', 'huggingface_hub') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
