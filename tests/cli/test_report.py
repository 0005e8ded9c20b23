"""`nmfkit report` and the report.html that topics, select-k, consensus, cluster and multimodal
fit write:
each kind of result folder made by the real commands on tiny data, its page rendered by a
real browser (Debian's chromium, headless, one run per page): the screenshot is not blank and shows the
charts' colours, the expected elements are in the DOM after the page's script ran, and no
script error happened. Bad folders fail with one line and write nothing."""

import json
import os
import re
import shutil
import struct
import subprocess
import zlib

import numpy as np
import pytest

WORDS = {
    "cars": "engine wheel car drive brake speed tire",
    "religion": "god bible church faith belief prayer atheism",
    "space": "orbit shuttle launch nasa moon rocket probe lunar",
}
# The first colours of the report's palette (topic / cluster 0, 1, 2), as RGB.
PALETTE = [(0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00), (0x00, 0x9E, 0x73)]


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM = find_chromium()
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/install-deps.sh installs it)")


def browse(page, workdir, query=""):
    """Renders `page` headless in one chromium run: returns the DOM after the page's scripts
    ran and the screenshot's pixels. Console messages go to stderr, where an uncaught error
    would show."""
    png = workdir / "shot.png"
    if png.exists():
        png.unlink()
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-dev-shm-usage", f"--user-data-dir={workdir / 'chromium-profile'}",
         "--enable-logging=stderr", "--v=0", "--hide-scrollbars", "--window-size=1200,1600",
         f"--screenshot={png}", "--dump-dom", page.resolve().as_uri() + query],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Uncaught" not in run.stderr, run.stderr
    assert png.exists(), run.stderr
    return run.stdout, decode_png(png.read_bytes())


def decode_png(data):
    """An 8-bit RGB or RGBA PNG (what chromium writes) as an array of rows × columns × 3."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat = 8, b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    assert depth == 8 and color in (2, 6), (depth, color)
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, row = line[0], np.frombuffer(line[1:], dtype=np.uint8)
        if kind == 0:
            out = row.copy()
        elif kind == 1:  # Sub: a running sum along the row, per channel, modulo 256
            out = np.cumsum(row.reshape(width, channels), axis=0, dtype=np.uint8).reshape(-1)
        elif kind == 2:  # Up
            out = row + previous
        else:  # Average and Paeth depend on the decoded pixel to the left: byte by byte
            out = bytearray(stride)
            up = previous.tolist()
            for i, value in enumerate(row.tolist()):
                left = out[i - channels] if i >= channels else 0
                if kind == 3:
                    predicted = (left + up[i]) // 2
                else:
                    upper_left = up[i - channels] if i >= channels else 0
                    p = left + up[i] - upper_left
                    pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upper_left)
                    predicted = left if pa <= pb and pa <= pc else up[i] if pb <= pc else upper_left
                out[i] = (value + predicted) & 0xFF
            out = np.frombuffer(bytes(out), dtype=np.uint8)
        rows[y] = out
        previous = out
    return rows.reshape(height, width, channels)[:, :, :3]


def check_page(dom, pixels, kind, charts=True):
    """What every report shows: its kind, a finished script, no error, a drawn page (with
    the charts' colours, where it has charts)."""
    assert f'data-kind="{kind}"' in dom
    assert 'id="script-done"' in dom and 'data-script="done"' in dom
    assert "script-error" not in dom.split("</head>", 1)[1].replace("'script-error'", "")
    not_white = (pixels < 245).any(axis=2).mean()
    assert not_white > 0.02, f"the screenshot is nearly blank ({not_white:.4f} not white)"
    if charts:
        colours = {tuple(c) for c in pixels.reshape(-1, 3)[::7]}
        assert sum(1 for c in PALETTE if c in colours) >= 2, "no chart colours in the screenshot"


def corpus(workdir, per_label=8, seed=0):
    rng = np.random.default_rng(seed)
    for label, words in WORDS.items():
        folder = workdir / "corpus" / label
        folder.mkdir(parents=True)
        for i in range(per_label):
            (folder / f"{i}.txt").write_text(" ".join(rng.choice(words.split(), 10)))


def planted(workdir, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.gamma(0.5, 1, (60, 3))
    X = W @ rng.gamma(0.5, 1, (3, 20)) + 0.01 * rng.random((60, 20))
    np.save(workdir / "X.npy", X)
    rna = rng.poisson(W @ rng.gamma(0.5, 3, (3, 30))).astype(float)
    atac = rng.poisson(W @ rng.gamma(0.5, 3, (3, 25))).astype(float)
    np.save(workdir / "rna.npy", rna)
    np.save(workdir / "atac.npy", atac)


def count(dom, pattern):
    return len(re.findall(pattern, dom))


@needs_browser
def test_fit_report_shows_convergence_and_samples(nmfkit):
    planted(nmfkit.workdir)
    nmfkit.ok("fit", "X.npy", "--k", 3, "--seed", 1, "--out", "fit")
    assert not (nmfkit.workdir / "fit" / "report.html").exists()  # fit writes none itself
    result = nmfkit.ok("report", "fit")
    assert "the fit report" in result.stdout
    dom, pixels = browse(nmfkit.workdir / "fit" / "report.html", nmfkit.workdir)
    check_page(dom, pixels, "fit")
    assert 'id="convergence"' in dom and "<polyline" in dom
    assert 'class="structure-plot"' in dom
    assert "hals" in dom  # the solver used, in the summary


@needs_browser
def test_topics_report_shows_top_words_and_structure_by_label(nmfkit):
    corpus(nmfkit.workdir)
    nmfkit.ok("topics", "corpus", "--k", 3, "--seed", 1, "--out", "topics")
    page = nmfkit.workdir / "topics" / "report.html"
    assert page.exists()  # written by default
    dom, pixels = browse(page, nmfkit.workdir)
    check_page(dom, pixels, "topics")
    assert count(dom, r'class="card topic"') == 3
    assert count(dom, r'<g class="bar">') == 30  # 10 words per topic
    structure = dom.split('class="structure-plot"', 1)[1].split("</svg>", 1)[0]
    for label in WORDS:
        assert f"<title>{label}</title>" in structure  # documents grouped by their label
    assert count(structure, r"<rect x=") >= 24  # a stacked bar per document at least

    nmfkit.ok("topics", "corpus", "--k", 3, "--seed", 1, "--no-report", "--out", "plain")
    assert not (nmfkit.workdir / "plain" / "report.html").exists()


@needs_browser
def test_select_k_report_marks_the_chosen_k(nmfkit):
    planted(nmfkit.workdir)
    nmfkit.ok("select-k", "X.npy", "--k", "2:4", "--replicates", 2, "--seed", 1, "--out", "sk")
    dom, pixels = browse(nmfkit.workdir / "sk" / "report.html", nmfkit.workdir)
    check_page(dom, pixels, "select-k")
    assert "Chosen k: 3" in dom
    assert 'data-chosen-k="3"' in dom and "chosen by cv" in dom
    assert count(dom.split('id="scores"', 1)[1], r"<tr>") == 1 + 3  # header and k = 2, 3, 4


@needs_browser
def test_consensus_report_shows_k_selection_usages_programs_and_densities(nmfkit):
    planted(nmfkit.workdir)
    nmfkit.ok("consensus", "X.npy", "--k", 3, "--replicates", 4, "--seed", 1,
              "--top-features", 5, "--out", "cn")
    dom, pixels = browse(nmfkit.workdir / "cn" / "report.html", nmfkit.workdir)
    check_page(dom, pixels, "consensus")
    assert "chosen by cnmf" in dom  # the k-selection curves mark cNMF's choice
    assert count(dom.split('id="k-scores"', 1)[1], r"<tr>") == 1 + 4  # k = 2 .. 5
    structure = dom.split('class="structure-plot"', 1)[1].split("</svg>", 1)[0]
    assert count(structure, r"<rect x=") >= 60  # a stacked bar per sample at least
    assert count(dom, r'class="card topic"') == 3
    assert count(dom, r'<g class="bar">') == 3 * 5 + 10  # top features and density bins
    for program in ("program 1", "program 2", "program 3"):
        assert f">{program}<" in dom
    nmfkit.ok("consensus", "X.npy", "--k", 3, "--replicates", 4, "--seed", 1, "--no-report",
              "--out", "plain")
    assert not (nmfkit.workdir / "plain" / "report.html").exists()
    nmfkit.ok("report", "plain")
    assert (nmfkit.workdir / "plain" / "report.html").exists()


@needs_browser
def test_cluster_report_shows_sizes_and_samples_in_two_dimensions(nmfkit):
    corpus(nmfkit.workdir)
    nmfkit.ok("topics", "corpus", "--k", 3, "--seed", 1, "--no-report", "--out", "topics")
    nmfkit.ok("cluster", "topics", "--out", "cl")
    coordinates = (nmfkit.workdir / "cl" / "coordinates.tsv").read_text().splitlines()
    assert coordinates[0] == "sample\tpc1\tpc2" and len(coordinates) == 1 + 24
    dom, pixels = browse(nmfkit.workdir / "cl" / "report.html", nmfkit.workdir,
                         query="?search=space/")
    check_page(dom, pixels, "cluster")
    clusters = int(re.search(r"<th>clusters</th><td>(\d+)</td>", dom).group(1))
    sizes = dom.split('class="bar-chart"', 1)[1].split("</svg>", 1)[0]
    assert count(sizes, r'<g class="bar">') == clusters
    scatter = dom.split('class="scatter-plot"', 1)[1].split("</svg>", 1)[0]
    assert count(scatter, r"<circle cx=") == 24 + clusters  # the samples and the legend
    assert 'data-shown="8"' in dom  # the search box found the 8 space documents


@needs_browser
def test_multimodal_report_shows_shared_topics_and_each_modality(nmfkit):
    planted(nmfkit.workdir)
    nmfkit.ok("multimodal", "fit", "--modality", "rna=rna.npy", "--modality", "atac=atac.npy",
              "--k", 3, "--seed", 1, "--out", "mm")
    dom, pixels = browse(nmfkit.workdir / "mm" / "report.html", nmfkit.workdir)
    check_page(dom, pixels, "multimodal fit")
    assert "Top features: rna" in dom and "Top features: atac" in dom
    assert count(dom, r'class="card topic"') == 6
    assert 'class="structure-plot"' in dom


@needs_browser
def test_multimodal_select_k_report_shows_the_held_out_curve(nmfkit):
    planted(nmfkit.workdir)
    nmfkit.ok("multimodal", "select-k", "--modality", "rna=rna.npy", "--modality", "atac=atac.npy",
              "--k", "1,2,3,4,5,6", "--folds", 3, "--iterations", 10, "--out", "msk")
    summary = json.loads((nmfkit.workdir / "msk" / "summary.json").read_text())
    dom, pixels = browse(nmfkit.workdir / "msk" / "report.html", nmfkit.workdir)
    check_page(dom, pixels, "multimodal select-k", charts=False)
    assert f"Chosen number of topics: {summary['best_k']}" in dom
    assert f'data-chosen-k="{summary["best_k"]}"' in dom and "<polyline" in dom
    assert count(dom.split('id="means"', 1)[1].split("</table>", 1)[0], r"<tr>") == 1 + 6
    assert count(dom.split('id="scores"', 1)[1].split("</table>", 1)[0], r"<tr>") == 1 + 3 * 6


@needs_browser
def test_associate_report_has_a_working_search(nmfkit):
    planted(nmfkit.workdir)
    nmfkit.ok("multimodal", "fit", "--modality", "rna=rna.npy", "--modality", "atac=atac.npy",
              "--k", 3, "--seed", 1, "--no-report", "--out", "mm")
    nmfkit.ok("associate", "mm/rna", "mm/atac", "--out", "assoc")
    nmfkit.ok("report", "assoc", "--out", "links.html")
    rows = (nmfkit.workdir / "assoc" / "associations.tsv").read_text().splitlines()[1:]
    expected = sum(1 for row in rows if "rna_7" in row.lower())
    assert expected > 0
    dom, pixels = browse(nmfkit.workdir / "links.html", nmfkit.workdir, query="?search=RNA_7")
    check_page(dom, pixels, "associate", charts=False)
    assert f'data-shown="{expected}"' in dom
    assert count(dom.split('id="associations"', 1)[1], r"<tr") == 1 + len(rows)


def test_report_caps_big_tables_and_plots(nmfkit):
    planted(nmfkit.workdir)
    nmfkit.ok("fit", "X.npy", "--k", 3, "--seed", 1, "--out", "fit")
    nmfkit.ok("report", "fit", "--max-documents", 20)
    html = (nmfkit.workdir / "fit" / "report.html").read_text()
    assert "20 of 60 samples are drawn" in html
    nmfkit.ok("multimodal", "fit", "--modality", "rna=rna.npy", "--modality", "atac=atac.npy",
              "--k", 3, "--seed", 1, "--no-report", "--out", "mm")
    nmfkit.ok("associate", "mm/rna", "mm/atac", "--out", "assoc")
    nmfkit.ok("report", "assoc", "--max-rows", 5)
    html = (nmfkit.workdir / "assoc" / "report.html").read_text()
    rows = len((nmfkit.workdir / "assoc" / "associations.tsv").read_text().splitlines()) - 1
    assert f"Showing the first 5 of {rows} rows" in html
    assert html.split('id="associations"', 1)[1].count("<tr>") == 1 + 5


def test_report_of_a_folder_without_results_fails_and_writes_nothing(nmfkit):
    (nmfkit.workdir / "empty").mkdir()
    (nmfkit.workdir / "other").mkdir()
    (nmfkit.workdir / "other" / "notes.txt").write_text("not a result\n")
    before = nmfkit.files()
    for folder in ["empty", "other"]:
        nmfkit.fails("report", folder, mentions=[folder, "nothing to report"])
        assert os.listdir(nmfkit.workdir / folder) == ([] if folder == "empty" else ["notes.txt"])
    nmfkit.fails("report", "missing", mentions=["missing", "does not exist"])
    nmfkit.fails("report", "empty", "--out", "x.html", mentions=["nothing to report"])
    assert nmfkit.files() == before


def test_result_folders_name_their_kind_and_a_newer_format_is_refused(nmfkit):
    planted(nmfkit.workdir)
    nmfkit.ok("fit", "X.npy", "--k", 3, "--seed", 1, "--out", "fit")
    manifest = json.loads((nmfkit.workdir / "fit" / "result.json").read_text())
    assert manifest["format"] == "nmfkit-result" and manifest["format_version"] == 1
    assert manifest["kind"] == "fit"
    assert manifest["files"] == sorted(
        p.name for p in (nmfkit.workdir / "fit").iterdir() if p.name != "result.json")
    nmfkit.ok("svd", "X.npy", "--k", 2, "--out", "svd")
    assert json.loads((nmfkit.workdir / "svd" / "result.json").read_text())["kind"] == "svd"
    nmfkit.fails("report", "svd", mentions=["'svd'", "has no report"])
    manifest["format_version"] = 7
    (nmfkit.workdir / "fit" / "result.json").write_text(json.dumps(manifest))
    before = nmfkit.files()
    nmfkit.fails("report", "fit", mentions=["result.json", "format_version 7", "newer nmfkit"])
    nmfkit.fails("transform", "fit", "X.npy", "--out", "W.npy",
                 mentions=["result.json", "format_version 7"])
    assert nmfkit.files() == before


def test_topics_with_clusters_reports_both(nmfkit):
    corpus(nmfkit.workdir)
    nmfkit.ok("topics", "corpus", "--k", 3, "--seed", 1, "--cluster", "--out", "tc")
    html = (nmfkit.workdir / "tc" / "report.html").read_text()
    assert 'data-kind="topics"' in html
    sections = re.findall(r'<section id="([a-z-]+)"', html)
    assert sections == ["summary", "topics", "structure", "convergence", "cluster-summary",
                        "cluster-sizes", "cluster-samples", "cluster-tuning",
                        "cluster-assignments"]
    assert 'class="scatter-plot"' in html
