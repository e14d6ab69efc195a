"""The gap suggestions' calibration and cost, printed:

    .venv/bin/python bench/suggestions.py [--runs 200] [--tune]

Calibration on tests/data/gap_pairs.json (brief/finding pairs graded 0-3 by hand, English
and French, split into a tune half and a test half): exact agreement, agreement within one
level and the confusion table on the test half, for the engine as configured in
assignments/suggestions.py, for the similarity alone and for each signal alone or left out
(each variant's thresholds chosen on the tune half only). --tune also searches the weights
and prints the constants to write into the module. Then the costs: the model's load time,
the process's memory before and after, the package's size on disk and the time for a whole
report (six pairs through suggest_many), median after loading.
"""

import argparse
import itertools
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interim.settings.test")

import django  # noqa: E402

django.setup()

from assignments import suggestions  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "gap_pairs.json"
SIGNALS = (suggestions.NUMBERS, suggestions.NEGATION, suggestions.CONTRAST)
# Searched apart (a negative weight, over the plateau -0.1..-0.4), the three above with it fixed.
EVERY_SIGNAL = (*SIGNALS, suggestions.CONFIRMATION)
CUTS = np.round(np.arange(0.0, 1.0, 0.02), 2)
THRESHOLD_GRID = np.array(list(itertools.combinations(CUTS, 3)))
WEIGHT_STEPS = np.round(np.arange(0.0, 0.61, 0.05), 2)


def rss_kib():
    """The process's resident memory now, in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def load_pairs():
    pairs = json.loads(PAIRS.read_text())
    sims = suggestions.similarities([(p["brief"], p["finding"]) for p in pairs])
    for pair, sim in zip(pairs, sims, strict=True):
        pair["similarity"] = sim
        pair["signals"] = suggestions.signals_of(pair["brief"], pair["finding"])
    return pairs


def scores(pairs, weights):
    return np.array(
        [(1 - p["similarity"]) + sum(weights.get(s, 0.0) for s in p["signals"]) for p in pairs]
    )


def best_thresholds(pairs, weights):
    """The thresholds that agree best with the labels of `pairs` (exact plus within one)."""
    labels = np.array([p["level"] for p in pairs])
    levels = (scores(pairs, weights)[None, :, None] >= THRESHOLD_GRID[:, None, :]).sum(axis=2)
    exact = (levels == labels).sum(axis=1)
    within = (np.abs(levels - labels) <= 1).sum(axis=1)
    best = np.argmax(exact + within)
    return tuple(float(t) for t in THRESHOLD_GRID[best]), int(exact[best] + within[best])


def figures(pairs, thresholds, weights):
    predicted = [
        suggestions.level_of(p["similarity"], p["signals"], thresholds, weights) for p in pairs
    ]
    labels = [p["level"] for p in pairs]
    exact = sum(a == b for a, b in zip(predicted, labels, strict=True)) / len(pairs)
    within = sum(abs(a - b) <= 1 for a, b in zip(predicted, labels, strict=True)) / len(pairs)
    table = [[0] * 4 for _ in range(4)]
    for a, b in zip(labels, predicted, strict=True):
        table[a][b] += 1
    return exact, within, table


def show(name, pairs, thresholds, weights):
    exact, within, _table = figures(pairs, thresholds, weights)
    print(f"  {name:<34} exact {exact:5.1%}   within one {within:5.1%}   thresholds {thresholds}")


def print_table(table):
    print("    graded \\ suggested   0   1   2   3")
    for level, row in enumerate(table):
        print(f"    {level:>18}  " + " ".join(f"{n:>3}" for n in row))


def tune(tune_pairs):
    """The weights (and their thresholds) that agree best on the tune half."""
    best = None
    for combo in itertools.product(WEIGHT_STEPS, repeat=len(SIGNALS)):
        weights = dict(zip(SIGNALS, (float(w) for w in combo), strict=True))
        weights[suggestions.CONFIRMATION] = suggestions.WEIGHTS[suggestions.CONFIRMATION]
        thresholds, score = best_thresholds(tune_pairs, weights)
        key = (score, -sum(combo))  # the simplest (smallest weights) among the best
        if best is None or key > best[0]:
            best = (key, weights, thresholds)
    return best[1], best[2]


def calibration(do_tune):
    pairs = load_pairs()
    tune_pairs = [p for p in pairs if p["split"] == "tune"]
    test_pairs = [p for p in pairs if p["split"] == "test"]
    langs = {lang: sum(p["lang"] == lang for p in pairs) for lang in ("en", "fr")}
    print(
        f"Calibration: {len(pairs)} pairs ({langs['en']} English, {langs['fr']} French), "
        f"{len(tune_pairs)} to tune, {len(test_pairs)} to test"
    )
    if do_tune:
        weights, thresholds = tune(tune_pairs)
        print(f"  tuned: THRESHOLDS = {thresholds}")
        print(f"         WEIGHTS = {weights}")
    thresholds, weights = suggestions.THRESHOLDS, suggestions.WEIGHTS
    exact, within, table = figures(test_pairs, thresholds, weights)
    print(f"Engine as configured, test half: exact {exact:.1%}, within one {within:.1%}")
    print_table(table)
    # The pages show the hint when it differs from the chosen level by 2 or more: against an
    # "aligned" rating, that is a suggestion of 2 or 3.
    caught = sum(table[g][2] + table[g][3] for g in (2, 3))
    false_alarms = table[0][2] + table[0][3]
    print(
        f"  graded 2-3 and suggested 2-3 (an 'aligned' rating would be questioned): "
        f"{caught}/{sum(sum(table[g]) for g in (2, 3))}; graded 0 and suggested 2-3: "
        f"{false_alarms}/{sum(table[0])}"
    )
    tune_exact, tune_within, _ = figures(tune_pairs, thresholds, weights)
    print(f"  (on the tune half: exact {tune_exact:.1%}, within one {tune_within:.1%})")
    print("Variants on the test half (thresholds chosen on the tune half; weights as configured):")
    alone, _ = best_thresholds(tune_pairs, {})
    show("similarity alone", test_pairs, alone, {})
    _exact, _within, table_s = figures(test_pairs, alone, {})
    for signal in EVERY_SIGNAL:
        only = {signal: weights[signal]}
        show(f"similarity + {signal}", test_pairs, best_thresholds(tune_pairs, only)[0], only)
    for signal in EVERY_SIGNAL:
        rest = {s: w for s, w in weights.items() if s != signal}
        show(f"all but {signal}", test_pairs, best_thresholds(tune_pairs, rest)[0], rest)
    show("all signals (as configured)", test_pairs, thresholds, weights)
    for level in range(4):
        constant = sum(abs(p["level"] - level) <= 1 for p in test_pairs) / len(test_pairs)
        exact_c = sum(p["level"] == level for p in test_pairs) / len(test_pairs)
        name = f"always {level} (no model)"
        print(f"  {name:<34} exact {exact_c:5.1%}   within one {constant:5.1%}")
    print("  similarity alone, confusion table:")
    print_table(table_s)
    print("How often each signal fires, per graded level (all pairs):")
    for level in range(4):
        at = [p for p in pairs if p["level"] == level]
        counts = ", ".join(f"{s} {sum(s in p['signals'] for p in at)}" for s in EVERY_SIGNAL)
        print(f"  level {level} ({len(at)} pairs): {counts}")


def costs(runs):
    package = Path(suggestions.wordllama.__file__).parent
    size = sum(f.stat().st_size for f in package.rglob("*") if f.is_file())
    before = rss_kib()
    started = time.perf_counter()
    model = suggestions._load_model()
    load = time.perf_counter() - started
    after = rss_kib()
    suggestions._model = model
    report = {
        "objectives": (
            "Restore on-time delivery above 95% within six months.",
            "Delivery is at 78%; 95% in six months is ambitious but possible.",
        ),
        "context": (
            "Two plants, a recent merger, a works council that supports the plan.",
            "The merger is not digested: two cultures, two ERPs, a tense works council.",
        ),
        "skills": (
            "An operations leader with turnaround and lean experience.",
            "Turnaround and lean are the right skills; change management matters more.",
        ),
        "resources": (
            "A dedicated project team of four and a consulting budget.",
            "The project team has one person, not four; no budget is released yet.",
        ),
        "expectations": (
            "Monthly reporting to the board; a successor identified by month five.",
            "The board expects cost cuts the brief did not mention.",
        ),
        "timeline": (
            "Six months, starting within three weeks.",
            "Six months holds if resources arrive by month one.",
        ),
    }
    suggestions.suggest_many(report)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        suggestions.suggest_many(report)
        times.append(time.perf_counter() - started)
    print("Costs:")
    print(
        f"  package on disk: {size / 1e6:.1f} MB (weights "
        f"{(package / 'weights' / 'l2_supercat_256.safetensors').stat().st_size / 1e6:.1f} MB)"
    )
    print(
        f"  model load: {load * 1000:.0f} ms; RSS {before / 1024:.0f} MiB before, "
        f"{after / 1024:.0f} MiB after (+{(after - before) / 1024:.0f} MiB)"
    )
    print(
        f"  a whole report (six pairs, suggest_many), {runs} runs: median "
        f"{statistics.median(times) * 1000:.2f} ms, max {max(times) * 1000:.2f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--tune", action="store_true")
    args = parser.parse_args()
    if not suggestions.wordllama:
        sys.exit("wordllama is not installed")
    costs(args.runs)
    calibration(args.tune)


if __name__ == "__main__":
    main()
