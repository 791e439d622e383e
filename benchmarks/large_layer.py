"""Peak memory of ``newscorpus validate`` on one document with a very large entity file.

    python benchmarks/large_layer.py [--sentences N] [--tmp DIR]

Writes a corpus root of one document, ``"Putin met Modi. "`` repeated N times (default 300,000),
whose entity file annotates both names in every sentence (2N mentions, about 180 bytes a line,
108 MB at the default), then runs ``python -m newscorpus.cli --root <root> validate`` with the
package of this checkout and prints one JSON line: the file's size and records, the exit code,
the wall time and the peak resident set of the largest process of the command (``ru_maxrss``
from ``os.wait4``).  The root is written with ``newscorpus.corpus`` (canonical record files) and
removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newscorpus import corpus, schema

SENTENCE = "Putin met Modi. "
NAMES = (("Putin", 0, "putin", "Vladimir Putin"), ("Modi", 10, "modi", "Narendra Modi"))


def write_root(root: Path, sentences: int) -> Path:
    """The one-document corpus; returns the entity file's path."""
    layout = corpus.Layout(root)
    text = SENTENCE * sentences
    layout.corpus_dir.mkdir(parents=True)
    layout.text_path("big").write_text(text, encoding="utf-8")
    manifest = {f.name: None for f in schema.DOCUMENT.fields}
    manifest.update(doc_id="big", language="en", event_id="large-layer", split="train", known_defects=[])
    manifest["text_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    corpus.write_records(layout.manifest_path, schema.DOCUMENT, [manifest])
    provenance = {"annotator": "benchmarks/large_layer.py", "method": "synthetic"}
    table = [{"entity_id": eid, "name": name, "label": "PERSON", "description": name, **provenance} for _, _, eid, name in NAMES]
    corpus.write_records(layout.entity_table_path, schema.ENTITY, table)
    path = layout.layer_path(schema.ENTITY_MENTION, "big")
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8") as out:  # line by line: the records are never all held
        for i in range(sentences):
            for word, offset, eid, _ in NAMES:
                start = len(SENTENCE) * i + offset
                record = {"mention_id": f"m{2 * i + (offset > 0) + 1}", "start": start, "end": start + len(word), "text": word,
                          "label": "PERSON", "mention_type": "NAM", "entity_id": eid, **provenance}
                out.write(json.dumps(corpus.canonical_record(schema.ENTITY_MENTION, record)) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=300_000)
    parser.add_argument("--tmp", type=Path, default=None, help="where the temp corpus goes (default: the system's)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="large-layer-", dir=args.tmp))
    try:
        path = write_root(folder / "root", args.sentences)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "scripts")}
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "newscorpus.cli", "--root", str(folder / "root"), "validate"],
                                stdout=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        print(json.dumps({
            "file_mb": round(path.stat().st_size / 2**20, 1), "records": 2 * args.sentences,
            "exit_code": os.waitstatus_to_exitcode(status), "wall_s": round(time.perf_counter() - started, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        }))
        return os.waitstatus_to_exitcode(status)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
