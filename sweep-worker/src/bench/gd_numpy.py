#!/usr/bin/env python3
"""Straightforward NumPy loop of the gradient-descent step of GdKernel (science.md section 1).

Usage: gd_numpy.py N D M STEPS [ROUNDS]
Prints one line of key=value pairs: seconds_per_step (best round, wall), median_per_step,
cpu_per_step (best round, process CPU time), numpy version,
and the BLAS NumPy was built against. Data: unit rows x, a in {-1,+1}, y ~ N(0,1), W ~ N(0, I).
Run by org.sweep.worker.bench.Bench as the baseline of the small-shape target (at least 5x faster in Java).
"""
import os
import sys
import time

try:
    import numpy as np
except ImportError:
    print("status=numpy-missing")
    sys.exit(0)


def gd_step(X, a, y, W, eta, inv_sqrt_m):
    Z = X @ W.T                                   # n x m
    u = np.maximum(Z, 0.0) @ a * inv_sqrt_m       # n
    e = u - y
    M = (Z >= 0) * a * (e * inv_sqrt_m)[:, None]  # n x m, a_r e_i 1{Z_ir >= 0} / sqrt m
    G = M.T @ X                                   # m x d
    W -= eta * G
    return 0.5 * float(e @ e), float(np.sum(G * G))


def blas_name():
    try:
        cfg = np.show_config(mode="dicts")
        b = cfg["Build Dependencies"]["blas"]
        return "%s-%s(%s)" % (b.get("name"), b.get("version"), b.get("openblas configuration", "").replace(" ", "_"))
    except Exception as ex:  # older numpy
        return "unknown(%s)" % type(ex).__name__


def blas_core():
    """Kernel family NumPy's OpenBLAS picked at run time (e.g. SkylakeX, Haswell), via its own symbol."""
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "openblas" in line.lower()}
    except OSError:
        return "unknown"
    for path in sorted(libs):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename64_",
                     "openblas_get_corename"):
            fn = getattr(lib, name, None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                return fn().decode()
    return "unknown"


def main():
    n, d, m, steps = (int(v) for v in sys.argv[1:5])
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    rng = np.random.default_rng(12345)
    X = rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    a = rng.choice([-1.0, 1.0], size=m)
    y = rng.standard_normal(n)
    W = rng.standard_normal((m, d))
    inv_sqrt_m = 1.0 / np.sqrt(m)
    eta = 1e-3
    for _ in range(max(3, steps // 10)):
        gd_step(X, a, y, W, eta, inv_sqrt_m)
    per = []
    cpu = []
    for _ in range(rounds):
        c0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(steps):
            gd_step(X, a, y, W, eta, inv_sqrt_m)
        per.append((time.perf_counter() - t0) / steps)
        cpu.append((time.process_time() - c0) / steps)
    per.sort()
    cpu.sort()
    print("status=ok seconds_per_step=%.6e median_per_step=%.6e cpu_per_step=%.6e numpy=%s blas=%s blas_core=%s OPENBLAS_CORETYPE=%s OPENBLAS_NUM_THREADS=%s"
          % (per[0], per[len(per) // 2], cpu[0], np.__version__, blas_name(), blas_core(),
             os.environ.get("OPENBLAS_CORETYPE", "unset"), os.environ.get("OPENBLAS_NUM_THREADS", "unset")))


if __name__ == "__main__":
    main()
