#!/usr/bin/python3
"""Writes a NumPy reference of mTopic's multimodal topic model, the oracle of nmfkit's MTM
tests.

The updates are written from the reference notes (shared/reference/mtopic.md §1 and §3),
one sample at a time with NumPy vectors inside, as mTopic's CPU code is organised:
digamma is scipy.special.psi, the sMTM weight scipy.stats.norm.pdf and the topic-number
curve fit scipy.optimize.minimize(method="Nelder-Mead"). By hand:

    /usr/bin/python3 tests/oracles/mtopic_mtm.py --out build/references \
        --data-dir ../shared/data

It writes --out/mtopic/mtm.json with
  data          two modalities (40 samples × 30 and × 20 features) of non-negative real
                values with zeros (one sample empty in the second modality, one feature
                never seen), and 12 new samples for held-out inference
  lambda0       the initial λ (K = 4) every fit below starts from
  vi            5 VI iterations: λ per modality and γ
  seeded_svi    the start and batches default_rng(2291) draws as mTopic does, and SVI
                from them
  svi           fixed batches (drawn with replacement, duplicates included), τ, κ, and
                the λ and γ after those updates
  smtm          coordinates, radius and 5 sMTM iterations: λ and γ
  predict       θ of the new samples under the VI λ, and their held-out log-likelihood
                per modality
  digamma       arguments and scipy.special.psi of them
  curve_fits    mean held-out log-likelihood curves with scipy's Nelder–Mead fit of the
                rational plateau function (parameters, r², best K)
--data-dir is accepted for the harness and not used.
"""

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import psi
from scipy.stats import norm as normal

K = 4
ALPHA = 1.0 / K
ETA = 0.01
MAX_ITER_D = 100
GAMMA_TOL = 1e-4


def dirichlet_exp(a):
    """exp(E[log x]) under Dir(a), per row."""
    if a.ndim == 1:
        return np.exp(psi(a) - psi(np.sum(a)))
    return np.exp(psi(a) - psi(np.sum(a, axis=1))[:, np.newaxis])


def e_step(Xs, lambdas, smooth=None, alpha=ALPHA):
    """mTopic's E-step over the rows of Xs: γ per sample and sstats (before the E[β] factor)."""
    K = lambdas[0].shape[0]
    exp_elog_beta = [dirichlet_exp(lam) for lam in lambdas]
    n = Xs[0].shape[0]
    gamma = np.empty((n, K))
    sstats = [np.zeros_like(lam) for lam in lambdas]
    for d in range(n):
        ids = [np.nonzero(X[d])[0] for X in Xs]
        cts = [X[d, i] for X, i in zip(Xs, ids)]
        betas = [E[:, i] for E, i in zip(exp_elog_beta, ids)]
        g = np.ones(K)
        et = dirichlet_exp(g)
        norms = [et @ b + 1e-100 for b in betas]
        for _ in range(MAX_ITER_D):
            last = g
            g = alpha + et * sum((c / nm) @ b.T for c, nm, b in zip(cts, norms, betas))
            et = dirichlet_exp(g)
            norms = [et @ b + 1e-100 for b in betas]
            if np.mean(np.abs(g - last)) < GAMMA_TOL:
                break
        if smooth is not None:
            g = smooth(d, g)
            et = dirichlet_exp(g)
            norms = [et @ b + 1e-100 for b in betas]
        gamma[d] = g
        for m in range(len(Xs)):
            sstats[m][:, ids[m]] += np.outer(et, cts[m] / norms[m])
    return gamma, sstats


def vi(Xs, lambda0, n_iter, smooth_factory=None):
    lambdas = [lam.copy() for lam in lambda0]
    gamma = np.full((Xs[0].shape[0], K), ALPHA)
    for _ in range(n_iter):
        smooth = smooth_factory(gamma) if smooth_factory else None
        exp_elog_beta = [dirichlet_exp(lam) for lam in lambdas]
        gamma, sstats = e_step(Xs, lambdas, smooth)
        lambdas = [ETA + E * s for E, s in zip(exp_elog_beta, sstats)]
    return lambdas, gamma


def svi(Xs, lambda0, batches, tau, kappa):
    lambdas = [lam.copy() for lam in lambda0]
    n = Xs[0].shape[0]
    gamma = np.full((n, K), ALPHA)
    for t, batch in enumerate(batches, start=1):
        exp_elog_beta = [dirichlet_exp(lam) for lam in lambdas]
        g, sstats = e_step([X[batch] for X in Xs], lambdas)
        gamma[batch] = g
        rho = (tau + t) ** (-kappa)
        lambdas = [lam * (1 - rho) + rho * (ETA + n * (E * s) / len(batch))
                   for lam, E, s in zip(lambdas, exp_elog_beta, sstats)]
    return lambdas, gamma


def neighbourhoods(coords, radius):
    """Radius neighbours on coordinates scaled so the longest axis spans [0, 1]; self first."""
    xy = coords - coords.min(axis=0)
    xy = xy / np.max(xy.max(axis=0))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    out = []
    for i in range(len(xy)):
        others = [j for j in np.argsort(dist[i], kind="stable") if j != i and dist[i, j] <= radius]
        nb = np.array([i] + others)
        out.append((nb, dist[i, nb]))
    return out


def smoother(neigh):
    def factory(previous_gamma):
        def smooth(d, g):
            nb, dist = neigh[d]
            G = previous_gamma[nb].copy()
            G[0] = g
            U = G / np.linalg.norm(G, axis=1)[:, None]
            c = U @ (g / np.linalg.norm(g))
            w = normal.pdf(dist, loc=0, scale=1 / np.sqrt(2 * np.pi))
            s = np.mean((c * w)[:, None] * U, axis=0)
            s = s / np.linalg.norm(s)
            smoothed = g * (1 + s)
            return smoothed * g.sum() / smoothed.sum()
        return smooth
    return factory


def predict_theta(Xs, lambdas):
    gamma, _ = e_step(Xs, lambdas)
    return gamma / gamma.sum(axis=1, keepdims=True)


def held_out_ll(Xs, lambdas, theta):
    out = []
    for X, lam in zip(Xs, lambdas):
        beta = lam / lam.sum(axis=1, keepdims=True)
        out.append(float(np.sum(X * np.log(theta @ beta + 1e-12))))
    return out


def plateau_fit(ks, ll, threshold=0.05):
    """pl.select_n_topics: the rational curve through min-max normalised (K, LL), fitted by
    Nelder–Mead from 5 starting scales, and the first K where its slope falls to
    threshold × its largest slope."""
    ks = np.asarray(ks, dtype=float)
    ll = np.asarray(ll, dtype=float)
    x = (ks - ks.min()) / (ks.max() - ks.min())
    y = (ll - ll.min()) / (ll.max() - ll.min())

    def f(p, t):
        return (p[0] + p[1] * t) / (1 + p[2] * t + p[3] * t ** 2)

    def loss(p):
        return np.sum((f(p, x) - y) ** 2)

    best = None
    for scale in [0.5, 1.0, 2.0, 5.0, 10.0]:
        r = minimize(loss, np.array([0.0, scale, scale, 0.0]), method="Nelder-Mead")
        if best is None or r.fun < best.fun:
            best = r
    r2 = 1 - best.fun / np.sum((y - y.mean()) ** 2)
    grid = np.linspace(0, 1, 300)
    slope = np.gradient(f(best.x, grid), grid)
    below = np.nonzero(slope <= threshold * slope.max())[0]
    at = grid[below[0]] if len(below) else grid[-1]
    best_k = int(round(at * (ks.max() - ks.min()) + ks.min()))
    return {"ks": ks.tolist(), "ll": ll.tolist(), "params": best.x.tolist(),
            "sse": float(best.fun), "r2": float(r2), "best_k": best_k}


def sample_data(rng, n):
    """Topic-structured non-negative reals with zeros, tf-idf-like."""
    theta = rng.dirichlet(np.full(K, 0.3), size=n)
    out = []
    for v in (30, 20):
        beta = rng.dirichlet(np.full(v, 0.2), size=K)
        X = rng.poisson(40 * theta @ beta) * rng.uniform(0.5, 2.5, size=(n, v))
        X[rng.uniform(size=(n, v)) < 0.2] = 0
        out.append(X)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    rng = np.random.default_rng(20260411)

    Xs = sample_data(rng, 40)
    Xs[1][7] = 0      # a sample with nothing in the second modality
    Xs[0][:, 3] = 0   # a feature never seen
    new = sample_data(rng, 12)
    lambda0 = [rng.gamma(100.0, 0.01, (K, X.shape[1])) for X in Xs]

    vi_lambda, vi_gamma = vi(Xs, lambda0, 5)

    batches = rng.choice(40, (6, 10))
    tau, kappa = 1.0, 0.75
    svi_lambda, svi_gamma = svi(Xs, lambda0, batches, tau, kappa)

    coords = rng.uniform(size=(40, 2)) * [3.0, 2.0] + [5.0, -1.0]
    radius = 0.3
    sm_lambda, sm_gamma = vi(Xs, lambda0, 5, smoother(neighbourhoods(coords, radius)))

    # mTopic's own start: one default_rng(2291) draws λ for each modality in order, then
    # SVI's batches.
    seeded = np.random.default_rng(2291)
    seeded_lambda0 = [seeded.gamma(100.0, 0.01, (K, X.shape[1])) for X in Xs]
    seeded_batches = seeded.choice(40, (6, 10))
    seeded_lambda, seeded_gamma = svi(Xs, seeded_lambda0, seeded_batches, tau, kappa)

    theta = predict_theta(new, vi_lambda)
    ll = held_out_ll(new, vi_lambda, theta)

    digamma_x = np.concatenate([10 ** rng.uniform(-3, 4, 400), rng.uniform(0.5, 2.5, 400),
                                [1.0, 2.0, 1.4616321449683622, 10.0, 1e-8, 1e8]])

    curves = [
        ([5, 20, 40, 60, 80, 100], [-9.10e7, -9.07e7, -9.063e7, -9.061e7, -9.0605e7, -9.06e7]),
        ([2, 3, 4, 5, 6, 8], [-5000.0, -4200.0, -3900.0, -3890.0, -3885.0, -3884.0]),
        ([1, 2, 4, 8, 16, 32], [-10.0, -6.0, -3.5, -2.5, -2.2, -2.1]),
        ([2, 4, 6, 8, 10, 12], [-100.0, -90.0, -80.0, -70.0, -60.0, -50.0]),
    ]

    def mats(ms):
        return [m.tolist() for m in ms]

    reference = {
        "n_topics": K, "alpha": ALPHA, "eta": ETA, "max_iter_d": MAX_ITER_D,
        "gamma_tol": GAMMA_TOL,
        "data": mats(Xs), "new_data": mats(new), "lambda0": mats(lambda0),
        "vi": {"n_iter": 5, "lambda": mats(vi_lambda), "gamma": vi_gamma.tolist()},
        "svi": {"batches": batches.tolist(), "tau": tau, "kappa": kappa,
                "lambda": mats(svi_lambda), "gamma": svi_gamma.tolist()},
        "smtm": {"coordinates": coords.tolist(), "radius": radius, "n_iter": 5,
                 "lambda": mats(sm_lambda), "gamma": sm_gamma.tolist()},
        "seeded_svi": {"seed": 2291, "lambda0": mats(seeded_lambda0),
                       "batches": seeded_batches.tolist(), "lambda": mats(seeded_lambda),
                       "gamma": seeded_gamma.tolist()},
        "predict": {"theta": theta.tolist(), "log_likelihood": ll},
        "digamma": {"x": digamma_x.tolist(), "psi": psi(digamma_x).tolist()},
        "curve_fits": [plateau_fit(k, v) for k, v in curves],
    }
    out = args.out / "mtopic"
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "mtm.json.tmp"
    tmp.write_text(json.dumps(reference))
    tmp.replace(out / "mtm.json")


if __name__ == "__main__":
    main()
