"""Query the sweep tables from a notebook through Spark SQL (`bin/sweep sql --format csv`).

One `bin/sweep sql` process serves the whole notebook: it reads statements from its stdin and answers
each with the same Spark session (a cold JVM and Spark start once, not once per query).

Settings come from environment variables so that CI can point the notebooks at sweeps it ran itself:
  SWEEP_OUT  output directory of the sweeps (default: <repo>/results)
  SWEEP_BIN  the launcher (default: <repo>/bin/sweep)
Each notebook names its own sweep variables (FIGURE1_SWEEP, THRESHOLD_SWEEP, ...).
"""
import atexit
import io
import os
import re
import subprocess
import tempfile

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


_server = None
_server_err = None


def _start():
    """The `bin/sweep sql` process that reads statements from stdin (started on first use)."""
    global _server, _server_err
    if _server is None or _server.poll() is not None:
        _server_err = tempfile.TemporaryFile(mode="w+")
        _server = subprocess.Popen([BIN, "sql", "--out", OUT, "--format", "csv"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=_server_err, text=True, bufsize=1)
    return _server


def close():
    """Ends the `bin/sweep sql` process (also done when Python exits)."""
    global _server
    if _server is not None and _server.poll() is None:
        _server.stdin.close()
        _server.wait(timeout=60)
    _server = None


atexit.register(close)


def _stderr_tail():
    if _server_err is None:
        return ""
    _server_err.seek(0)
    return _server_err.read()[-3000:]


def sql(query):
    """Runs one read-only Spark SQL statement over the tables in OUT; returns a pandas DataFrame."""
    proc = _start()
    # The statement ends at the ';' on a line of its own, so that a trailing "-- comment" cannot swallow it.
    proc.stdin.write(query.strip().rstrip(";") + "\n;\n")
    proc.stdin.flush()
    lines = []
    while True:
        line = proc.stdout.readline()
        if line == "":
            raise RuntimeError(f"bin/sweep sql ended ({proc.poll()}):\n{_stderr_tail()}")
        if line.rstrip("\n") == "-- ok":
            break
        if line.startswith("-- error: "):
            raise RuntimeError(f"bin/sweep sql: {line[len('-- error: '):].strip()}")
        lines.append(line)
    return pd.read_csv(io.StringIO("".join(lines)))


def sweep(*args):
    """Runs another bin/sweep command (e.g. `analyze threshold ...`) on OUT; returns its standard output."""
    proc = subprocess.run([BIN, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"bin/sweep {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout
