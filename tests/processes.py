"""Run a Python snippet in fresh processes, for checks that must hold whatever the process."""

from __future__ import annotations

import os
import subprocess
import sys


def stdout_under_hash_seeds(script: str, seeds: tuple[str, ...] = ("1", "2", "3")) -> set[str]:
    """The distinct outputs of ``script`` run once per PYTHONHASHSEED (one when deterministic)."""
    return {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in seeds
    }
