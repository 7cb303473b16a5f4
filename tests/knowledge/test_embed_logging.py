"""Loading the embedding model leaves the program's logging as it was.

wordllama calls logging.basicConfig(level=INFO) when imported, which made every INFO record
of every library (Alembic's migrations, httpx's requests) print on stderr afterwards.
"""

from __future__ import annotations

import subprocess
import sys


def test_loading_the_embedder_configures_no_logging() -> None:
    code = (
        "import logging\n"
        "from distill.embed import get_embedder\n"
        "get_embedder()\n"
        "logging.getLogger('alembic.runtime.migration').info('migrating')\n"
        "root = logging.getLogger()\n"
        "print(len(root.handlers), root.level)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert "migrating" not in done.stderr
    assert done.stdout.split() == ["0", str(30)]  # no handler added, WARNING as Python starts
