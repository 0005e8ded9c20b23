#!/usr/bin/python3
"""Writes the scikit-learn partition agreement scores that nmfkit's agreement tests compare
against.

sklearn.metrics' normalized_mutual_info_score (average_method 'arithmetic') and
adjusted_rand_score are the oracle; purity, which scikit-learn lacks, is taken from its
contingency_matrix: the sum over clusters of their largest class, over the sample count.
By hand:

    /usr/bin/python3 tests/oracles/sklearn_agreement.py --out build/references \
        --data-dir ../shared/data

It writes --out/agreement/cases.json: a list of labellings, each with its name, truth and
predicted labels (any integers, -1 included) and the three scores (purity null for empty
labellings, which it refuses): random labellings of several sizes and label counts,
identical partitions under renamed labels, single clusters, one cluster per sample,
-1 labels, large and negative label values, empty and one-sample labellings. --data-dir
is accepted for the harness and not used.
"""

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix


def purity(truth, predicted):
    if len(truth) == 0:
        return None
    table = contingency_matrix(truth, predicted)  # classes x clusters
    return float(table.max(axis=0).sum() / len(truth))


def case(name, truth, predicted):
    truth = [int(x) for x in truth]
    predicted = [int(x) for x in predicted]
    return {"name": name, "truth": truth, "predicted": predicted,
            "purity": purity(truth, predicted),
            "nmi": float(normalized_mutual_info_score(truth, predicted)),
            "ari": float(adjusted_rand_score(truth, predicted))}


def cases():
    rng = np.random.default_rng(2024)
    out = []
    # Random labellings: sizes from tiny to a few thousand, label counts from 2 to ~n.
    for n in [2, 3, 5, 10, 50, 200, 1000, 5000]:
        for n_classes, n_clusters in [(2, 2), (3, 7), (10, 4), (max(2, n // 2), n)]:
            truth = rng.integers(0, n_classes, n)
            predicted = rng.integers(0, n_clusters, n)
            out.append(case(f"random/{len(out)}/n{n}/{n_classes}x{n_clusters}", truth,
                            predicted))
    # Correlated labellings: a noisy copy of the truth, as a clustering would give.
    for n, noise in [(100, 0.1), (1000, 0.3), (4000, 0.05)]:
        truth = rng.integers(0, 8, n)
        predicted = np.where(rng.random(n) < noise, rng.integers(0, 8, n), (truth * 5 + 3) % 11)
        out.append(case(f"noisy_copy/n{n}/noise{noise}", truth, predicted))
    # The same partition under other names: every score is 1.
    truth = rng.integers(0, 6, 300)
    renamed = np.array([17, -1, 4, 1000000, -50, 2])[truth]
    out.append(case("renamed_labels", truth, renamed))
    out.append(case("renamed_labels_swapped_roles", renamed, truth))
    # -1 (e.g. noise points) is a label like any other.
    truth = rng.integers(-1, 3, 120)
    predicted = np.where(rng.random(120) < 0.2, -1, truth)
    out.append(case("minus_one_labels", truth, predicted))
    out.append(case("extreme_label_values", [-2147483648, 2147483647, 0, 0, 2147483647],
                    [5, 5, -2147483648, 7, 7]))
    # Single groups: NMI's special cases, ARI's limits.
    out.append(case("both_single_cluster", [3] * 10, [-1] * 10))
    out.append(case("truth_single_class", [0] * 10, list(range(5)) * 2))
    out.append(case("predicted_single_cluster", list(range(5)) * 2, [0] * 10))
    out.append(case("one_cluster_per_sample", [0, 0, 1, 1, 2, 2], [0, 1, 2, 3, 4, 5]))
    out.append(case("one_class_per_sample", [0, 1, 2, 3, 4, 5], [0, 0, 1, 1, 2, 2]))
    out.append(case("both_one_per_sample", [0, 1, 2, 3], [9, 8, 7, 6]))
    out.append(case("one_sample", [4], [-7]))
    out.append(case("empty", [], []))
    # Negative ARI: the clustering splits every class and joins across them.
    out.append(case("anti_correlated", [0, 0, 1, 1], [0, 1, 0, 1]))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    out = args.out / "agreement"
    out.mkdir(parents=True, exist_ok=True)
    written = cases()
    (out / "cases.json").write_text(json.dumps(written))
    print(f"wrote {len(written)} labellings to {out}")


if __name__ == "__main__":
    main()
