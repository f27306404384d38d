"""Run test code in a fresh Python interpreter, for tests of what an import loads.

Other tests have imported nearly everything into the pytest process, so ``sys.modules`` there says
nothing about what one import pulls in (the Explore dashboard's first view keeps pint, matplotlib
and the slow scipy modules out: ``benchmarks/explore.py`` measures it).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_fresh(code: str) -> str:
    """Run ``code`` with this interpreter in a new process at the repository root; its stdout.

    Fails the calling test with the child's stderr (an ``assert`` in ``code`` shows its message).
    """
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout
