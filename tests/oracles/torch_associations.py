#!/usr/bin/python3
"""Writes PyTorch references for nmfkit's faithful feature associations (mTopic's
feature_associations), written from the specification, not from mTopic's code.

For each target feature g: z = 0.1 over the allowed sources S_g, x = softmax(z / tau),
r = B[:, S_g] x + eps, and the loss

    sum_t a_t (log(a_t + eps) - log r_t) + lambda_reg sum_p (x_p + eps)^0.1
    + lambda_reg sum_p log(x_p + eps) - lambda_entropy sum_p x_p log(x_p + eps)
    + lambda_spread sum_p x_p log(x_p + eps),       eps = 1e-6,

minimised by torch.optim.Adam(lr=1e-4) for n_epochs full steps with autograd, in float64.
A target whose mask allows no source keeps a zero column. With `normalize`, a matrix whose
rows (topics) do not all sum to 1 within 1e-3 has its rows divided by their sums.

    /usr/bin/python3 tests/oracles/torch_associations.py --out build/references \
        --data-dir ../shared/data

It writes --out/associations/cases.json: a list of cases, each with A (topics x targets),
B (topics x sources), the mask as [source, target] pairs (null: no mask), the options and
the expected weights (sources x targets). --data-dir is accepted for the harness and not
used.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import torch

EPS = 1e-6


def normalized_rows(M):
    sums = M.sum(dim=1)
    if torch.all(torch.abs(sums - 1) <= 1e-3):
        return M
    return M / sums[:, None]


def solve_target(a, Bg, n_epochs, lambda_reg, lambda_entropy, lambda_spread, temperature):
    """One target's weights over its allowed sources, in the tensors' precision."""
    z = torch.full((Bg.shape[1],), 0.1, dtype=Bg.dtype, requires_grad=True)
    optimizer = torch.optim.Adam([z], lr=1e-4)
    for _ in range(n_epochs):
        optimizer.zero_grad()
        x = torch.softmax(z / temperature, dim=0)
        r = Bg @ x + EPS
        loss = torch.sum(a * (torch.log(a + EPS) - torch.log(r)))
        loss = loss + lambda_reg * torch.sum((x + EPS) ** 0.1)
        loss = loss + lambda_reg * torch.sum(torch.log(x + EPS))
        loss = loss - lambda_entropy * torch.sum(x * torch.log(x + EPS))
        loss = loss + lambda_spread * torch.sum(x * torch.log(x + EPS))
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return torch.softmax(z / temperature, dim=0)


def feature_associations(A, B, mask, n_epochs, lambda_reg, lambda_entropy, lambda_spread,
                         temperature, normalize):
    A = torch.tensor(A, dtype=torch.float64)
    B = torch.tensor(B, dtype=torch.float64)
    if normalize:
        A, B = normalized_rows(A), normalized_rows(B)
    n_sources, n_targets = B.shape[1], A.shape[1]
    X = torch.zeros(n_sources, n_targets, dtype=torch.float64)
    for g in range(n_targets):
        if mask is None:
            allowed = torch.arange(n_sources)
        else:
            allowed = torch.nonzero(torch.tensor(mask[:, g]), as_tuple=True)[0]
        if len(allowed) == 0:
            continue
        X[allowed, g] = solve_target(A[:, g], B[:, allowed], n_epochs, lambda_reg, lambda_entropy,
                                     lambda_spread, temperature)
    return X.numpy()


def case(name, A, B, mask, **options):
    defaults = dict(n_epochs=10000, lambda_reg=1e-4, lambda_entropy=1e-3, lambda_spread=0.05,
                    temperature=0.2, normalize=True)
    defaults.update(options)
    expected = feature_associations(A, B, mask, **defaults)
    pairs = None if mask is None else [[int(p), int(g)] for p, g in zip(*np.nonzero(mask))]
    return {"name": name, "A": A.tolist(), "B": B.tolist(), "mask": pairs,
            "options": defaults, "expected": expected.tolist()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    torch.set_num_threads(1)

    rng = np.random.RandomState(77)
    n_topics, n_targets, n_sources = 8, 30, 40
    # Topic loadings as a topic model gives them: positive, skewed, rows not normalised (so
    # the normalisation step runs).
    A = rng.gamma(0.5, 1.0, (n_topics, n_targets)) + 1e-3
    B = rng.gamma(0.5, 1.0, (n_topics, n_sources)) + 1e-3
    mask = rng.random_sample((n_sources, n_targets)) < 0.15
    mask[:, [3, 11, 27]] = False  # targets no source may explain
    mask[:, 20] = False
    mask[5, 20] = True  # a target with a single allowed source
    cases = [
        case("masked_300_epochs", A, B, mask, n_epochs=300),
        case("unmasked_300_epochs", A, B, None, n_epochs=300),
        case("unmasked_300_epochs_other_settings", A, B, None, n_epochs=300, temperature=0.5,
             lambda_reg=1e-3, lambda_entropy=0.01, lambda_spread=0.02),
    ]
    # mTopic's default 10000 steps on a few targets: the rows are normalised over all 30
    # targets first, so the subset is passed as it is.
    An = (A / A.sum(axis=1, keepdims=True))[:, [0, 7]]
    Bn = B / B.sum(axis=1, keepdims=True)
    cases.append(case("masked_default_epochs", An, Bn, mask[:, [0, 7]], normalize=False))
    cases.append(case("unmasked_default_epochs", An[:, :1], Bn, None, normalize=False))

    out = args.out / "associations"
    out.mkdir(parents=True, exist_ok=True)
    (out / "cases.json").write_text(json.dumps(cases))


if __name__ == "__main__":
    main()
