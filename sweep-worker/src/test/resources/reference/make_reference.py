#!/usr/bin/env python3
"""Reference trajectory for one small two-layer ReLU network, computed with NumPy independently of the
Java code (science.md sections 1-4).

Usage: python3 make_reference.py            # writes small_input.txt (if absent) and small_expected.txt

small_input.txt holds the exact inputs: a header line "n d m steps eta", then n rows of x (unit norm),
one line of n labels y, one line of m output weights a (+-1), m rows of w(0). Numbers are written with 17
significant digits, so the Java test reads bit-identical doubles.

small_expected.txt has one line per step k = 0..steps:
  k loss grad_norm_sq max_dist pattern_change loss_pred
and a last line "lambda0 <value> lambda_min_h0 <value> lambda_max_inf <value>".

Model: u = a^T relu(W x) / sqrt(m), L = 1/2 ||u - y||^2, W(k+1) = W(k) - eta grad L, relu'(0) = 1.
Kernel prediction: loss_pred(k) = 1/2 sum_i (1 - eta lambda_i)^(2k) (v_i . (u(0) - y))^2 with (lambda_i, v_i)
the eigenpairs of H_inf[i][j] = x_i.x_j (pi - arccos c_ij) / (2 pi), c_ij the angle cosine.
"""
import os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT = os.path.join(HERE, "small_input.txt")
EXPECTED = os.path.join(HERE, "small_expected.txt")


def write_input():
    n, d, m, steps, eta = 8, 3, 16, 50, 0.5
    rng = np.random.default_rng(20190101)
    x = rng.standard_normal((n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = rng.standard_normal(n)
    a = rng.choice([-1.0, 1.0], size=m)
    w0 = rng.standard_normal((m, d))
    fmt = lambda v: " ".join("%.17g" % t for t in v)
    with open(INPUT, "w") as f:
        f.write("%d %d %d %d %.17g\n" % (n, d, m, steps, eta))
        for row in x:
            f.write(fmt(row) + "\n")
        f.write(fmt(y) + "\n")
        f.write(fmt(a) + "\n")
        for row in w0:
            f.write(fmt(row) + "\n")


def read_input():
    with open(INPUT) as f:
        lines = [l.split() for l in f if l.strip()]
    n, d, m, steps = (int(v) for v in lines[0][:4])
    eta = float(lines[0][4])
    x = np.array(lines[1:1 + n], dtype=float)
    y = np.array(lines[1 + n], dtype=float)
    a = np.array(lines[2 + n], dtype=float)
    w0 = np.array(lines[3 + n:3 + n + m], dtype=float)
    return n, d, m, steps, eta, x, y, a, w0


def main():
    if not os.path.exists(INPUT):
        write_input()
    n, d, m, steps, eta, x, y, a, w0 = read_input()

    g = x @ x.T
    norms = np.sqrt(np.diag(g))
    c = np.clip(g / np.outer(norms, norms), -1.0, 1.0)
    np.fill_diagonal(c, 1.0)
    h_inf = g * (np.pi - np.arccos(c)) / (2 * np.pi)
    lam, vec = np.linalg.eigh(h_inf)

    w = w0.copy()
    s0 = None
    proj0 = None
    rows = []
    lambda_min_h0 = None
    for k in range(steps + 1):
        z = x @ w.T                       # n x m preactivations
        s = (z >= 0).astype(float)        # relu'(z), with relu'(0) = 1
        u = (np.maximum(z, 0.0) @ a) / np.sqrt(m)
        e = u - y
        loss = 0.5 * e @ e
        grad = ((e[:, None] * s) * a[None, :] / np.sqrt(m)).T @ x   # m x d
        if k == 0:
            s0 = s
            proj0 = vec.T @ e
            h0 = g * (s @ s.T) / m
            lambda_min_h0 = np.linalg.eigvalsh(h0)[0]
        max_dist = np.max(np.linalg.norm(w - w0, axis=1))
        pattern = np.mean(s != s0)
        pred = 0.5 * np.sum((1 - eta * lam) ** (2 * k) * proj0 ** 2)
        rows.append((k, loss, np.sum(grad * grad), max_dist, pattern, pred))
        w = w - eta * grad

    with open(EXPECTED, "w") as f:
        for r in rows:
            f.write("%d %.17g %.17g %.17g %.17g %.17g\n" % r)
        f.write("lambda0 %.17g lambda_min_h0 %.17g lambda_max_inf %.17g\n" % (lam[0], lambda_min_h0, lam[-1]))


if __name__ == "__main__":
    main()
