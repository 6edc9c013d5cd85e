"""Query the sweep tables from a notebook through Spark SQL (`bin/sweep sql --format csv`).

Settings come from environment variables so that CI can point the notebooks at sweeps it ran itself:
  SWEEP_OUT  output directory of the sweeps (default: <repo>/results)
  SWEEP_BIN  the launcher (default: <repo>/bin/sweep)
Each notebook names its own sweep variables (FIGURE1_SWEEP, THRESHOLD_SWEEP, ...).
"""
import io
import os
import re
import subprocess

import pandas as pd

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.abspath(os.environ.get("SWEEP_OUT", os.path.join(REPO, "results")))
BIN = os.environ.get("SWEEP_BIN", os.path.join(REPO, "bin", "sweep"))

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def name(var, default):
    """A sweep name from environment variable `var`, checked to be a plain name (it goes into SQL)."""
    value = os.environ.get(var, default)
    if not _NAME.match(value):
        raise ValueError(f"{var}={value!r} is not a sweep name (letters, digits, '_', '.', '-')")
    return value


def sql(query):
    """Runs one read-only Spark SQL statement over the tables in OUT; returns a pandas DataFrame."""
    proc = subprocess.run([BIN, "sql", "--out", OUT, "--format", "csv", query],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"bin/sweep sql failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return pd.read_csv(io.StringIO(proc.stdout))


def sweep(*args):
    """Runs another bin/sweep command (e.g. `analyze threshold ...`) on OUT; returns its standard output."""
    proc = subprocess.run([BIN, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"bin/sweep {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout
