#!/usr/bin/env python3
"""Writes docs/results.md and docs/results.json from the outputs `experiments/run.sh` left in its work folder.

Every number comes from the tool's own results.json (schema 2) / results.md and figures (aftsweep run writes them);
this script lays them side by side and checks them against the paper's claims. It states a finding only where a
paired 95% interval over seeds excludes 0 ("not resolved" otherwise) and never compares methods by a single standard
error. It works for any set of grids and any number of seeds: what it compares is read from each grid's file (its
teachers, noise teachers included) and the tool's tables, not from grid names.
Standard library only, so it runs wherever the .NET SDK's machine has a python3.
"""
import argparse
import csv
import json
import math
import os
import platform
import re
import shutil
import statistics
from datetime import datetime, timezone

REPORT_SCHEMA = 1
RESULTS_SCHEMA = 2  # the tool's results.json schema this script reads
ABLATION_MEANS = {
    "aft-identity": "the learned rho (aft-identity freezes rho at 0.5)",
    "aft-dense": "a per-feature rho rather than a dense learned map",
    "aft-rbf": "the linear kernel rather than an RBF kernel",
    "aft-nokernel": "the kernel (aft-nokernel matches features directly)",
    "aft-bilevel": "joint rather than bilevel updates of rho",
}


def main():
    args = parse_args()
    runs = read_runs(os.path.join(args.work, "runs.tsv"), [n for n in args.grids.split(",") if n])
    results, grids = {}, {}
    for run in runs:
        path = os.path.join(args.work, "out", run["name"], "results.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                result = json.load(f)
            if result.get("schema", 1) < RESULTS_SCHEMA:
                raise SystemExit(f"{path}: results schema {result.get('schema')} has no paired comparisons; "
                                 f"rebuild the tool and re-run (this script reads schema {RESULTS_SCHEMA})")
            results[run["name"]] = result
        grid = grid_file(args, run["name"])
        if grid is not None:
            grids[run["name"]] = grid

    doc_dir = os.path.dirname(os.path.abspath(args.doc))
    figures_dir = os.path.join(doc_dir, "results")
    os.makedirs(figures_dir, exist_ok=True)

    claims = Claims()
    out = []
    out += header(args, runs)
    out += findings(results, grids, claims)
    out += runs_table(args, runs)
    for run in runs:
        out += experiment_section(args, run, results.get(run["name"]), figures_dir, doc_dir)

    write_atomically(args.doc, "\n".join(out).rstrip() + "\n")
    json_path = os.path.splitext(args.doc)[0] + ".json"
    write_atomically(json_path, json.dumps(machine_readable(args, runs, results, claims), indent=2) + "\n")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", required=True)
    p.add_argument("--doc", required=True, help="the Markdown file to write; the JSON goes next to it (.json)")
    p.add_argument("--root", required=True)
    p.add_argument("--grids", default="", help="comma-separated grid names in report order (default: all that ran)")
    p.add_argument("--mini", action="store_true")
    return p.parse_args()


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def grid_file(args, name):
    """The grid as it ran: --mini runs a shrunk copy in <work>/grids, a full run the committed grid."""
    path = os.path.join(args.work, "grids", f"{name}.json") if args.mini else os.path.join(args.root, "experiments", f"{name}.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_runs(path, names):
    """One entry per grid: wall time summed over every invocation that ran or resumed it, the last exit code, the
    first start, and the commands (a resumed grid lists each)."""
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    merged = {}
    for row in rows:
        entry = merged.get(row["name"])
        if entry is None:
            merged[row["name"]] = dict(row, commands=[row["command"]])
        else:
            entry["seconds"] = str(int(entry["seconds"]) + int(row["seconds"]))
            entry["exit"] = row["exit"]
            if row["command"] not in entry["commands"]:
                entry["commands"].append(row["command"])
    for entry in merged.values():
        entry["command"] = "`, then `".join(entry["commands"])
    order = names or list(merged)
    return [merged[n] for n in order if n in merged]


# ---------------------------------------------------------------- header

def header(args, runs):
    total = sum(int(r["seconds"]) for r in runs)
    lines = ["# Results: the AFT paper's findings at CPU scale", ""]
    if args.mini:
        lines += ["**Miniature run** (`experiments/run.sh --mini`: 2 seeds, 1 lambda, 4 steps, 48 rows per split). "
                  "It checks the script and the tool end to end; its numbers mean nothing.", ""]
    lines += [
        "Generated by `experiments/run.sh` from the tool's own outputs: every table below is the `results.md` that "
        "`aftsweep run` wrote for that grid, every figure its PNG. Nothing was edited or tuned after the fact.",
        "",
        f"- Generated: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Built from: {commits(args.work)}",
        f"- Tool: `{read_text(args.work, 'version.txt')}`",
        f"- Machine: {machine()}",
        f"- Total wall time: {duration(total)} (all grids, one process at a time, `--slots 2`; finished trials are "
        "shared between grids through one state folder)",
        "",
        "Scale: these are CPU-scale versions of the paper's experiments (the paper trains for thousands of steps on "
        "GPUs on full datasets). Each grid below states its data limits, steps, lambda grid and seeds.",
        "",
        "How to read the findings: methods of one seed share their initialisation seed and data order, so every "
        "comparison is paired by seed: the mean over seeds of the per-seed difference, with a 95% Student-t interval "
        "over seeds. A finding is stated only where that interval excludes 0; everything else is \"not resolved\", "
        "whatever the sign of the mean. With one seed there is no interval, so nothing is resolved. Bold and daggers "
        "in the per-grid tables only mark the best mean and its one-SE neighbourhood; they are not findings. A lambda "
        "chosen at an end of its grid is listed (widen the grid), with the holdout size it was chosen on.",
        "",
        "The same numbers, machine-readable, are in the `.json` file next to this one (per grid, method and combo: "
        "mean, SE, n, chosen lambda, edge flag, holdout size; every paired comparison with its interval; the linear "
        "probe's accuracy per combo; the claims below).",
        "",
    ]
    return lines


def commits(work):
    """The commits whose builds ran (a resumed run can span several), from <work>/commits.tsv."""
    path = os.path.join(work, "commits.tsv")
    if not os.path.exists(path):
        return "unknown"
    seen = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            commit, _, when = line.rstrip("\n").partition("\t")
            seen.setdefault(commit, when)
    return "; ".join(f"`{c}` (first used {w})" for c, w in seen.items())


def read_text(work, name):
    path = os.path.join(work, name)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    return "unknown"


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(f.readline().split()[1])
            memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, no GPU used"


def duration(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m{seconds % 60:02d}s" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"




# ---------------------------------------------------------------- statistics

def t_quantile(df, p=0.975):
    """Student t quantile by bisection on the CDF (regularised incomplete beta); matches MathNet's StudentT.InvCDF,
    which the tool uses, to 1e-9 (checked by tests/Experiments)."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {df}")
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def t_cdf(t, df):
    x = df / (df + t * t)
    tail = 0.5 * incomplete_beta(df / 2, 0.5, x)
    return 1 - tail if t >= 0 else tail


def incomplete_beta(a, b, x):
    """Regularised incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes, betacf)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x > (a + 1) / (a + b + 2):
        return 1 - incomplete_beta(b, a, 1 - x)
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10000):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return front * h / a


def paired(seeds, differences):
    """The tool's PairedDifference in Python: mean of per-seed differences and its 95% t-interval (none below 2)."""
    n = len(differences)
    result = {"n": n, "seeds": list(seeds), "meanDifference": None, "standardError": None,
              "ciLow": None, "ciHigh": None, "intervalDefined": False, "resolved": False}
    if n == 0:
        return result
    mean = statistics.fmean(differences)
    result["meanDifference"] = mean
    if n >= 2:
        se = statistics.stdev(differences) / math.sqrt(n)
        half = t_quantile(n - 1) * se
        result.update(standardError=se, ciLow=mean - half, ciHigh=mean + half, intervalDefined=True,
                      resolved=mean - half > 0 or mean + half < 0)
    return result


def points(value):
    return "–" if value is None else f"{100 * value:+.1f}"


def pct(value):
    return "–" if value is None else f"{100 * value:.1f}"


def difference_text(d, ahead="ahead", behind="behind", subject="aft"):
    """'+2.1 [+0.4, +3.8], n=5: **aft ahead**' / '+0.3 [-1.2, +1.8], n=5: not resolved' / '+0.3, n=1: not resolved (no interval)'."""
    if d is None or d["n"] == 0:
        return "–"
    if not d["intervalDefined"]:
        return f"{points(d['meanDifference'])}, n={d['n']}: not resolved (no interval)"
    text = f"{points(d['meanDifference'])} [{points(d['ciLow'])}, {points(d['ciHigh'])}], n={d['n']}"
    if d["resolved"]:
        return f"{text}: **{subject} {ahead if d['meanDifference'] > 0 else behind}**"
    return f"{text}: not resolved"


def verdict(d):
    if d is None or d["n"] == 0:
        return "missing"
    if not d["resolved"]:
        return "not resolved"
    return "ahead" if d["meanDifference"] > 0 else "behind"


# ---------------------------------------------------------------- the tool's tables

def datasets_of(result):
    return result.get("datasets", [])


def main_cells(dataset):
    """{(method, combo): cell}; stl and scratch under every column, as the tool's table repeats them."""
    table = {}
    for row in dataset["main"]["rows"]:
        for cell in row["cells"]:
            if cell is not None:
                table[(cell["method"], cell["combo"])] = cell
    return table


def seed_accuracies(cell):
    return {s["seed"]: s["accuracy"] for s in cell.get("seeds", [])} if cell else {}


def comparisons_of(dataset, role=None):
    return [c for c in dataset.get("comparisons", []) if role is None or c["role"] == role]


def averaged_over_combos(dataset, role):
    """aft minus the role's baseline, averaged over the columns per seed, then paired over seeds: seeds must have
    finished in every column used (the columns where the comparison exists)."""
    table = main_cells(dataset)
    per_column = []
    for c in comparisons_of(dataset, role):
        method, base = seed_accuracies(table.get((c["method"], c["combo"]))), seed_accuracies(table.get((c["baseline"], c["combo"])))
        per_column.append({s: method[s] - base[s] for s in method if s in base})
    if not per_column:
        return None
    seeds = sorted(set.intersection(*(set(d) for d in per_column)))
    return paired(seeds, [statistics.fmean(d[s] for d in per_column) for s in seeds]) | {"columns": len(per_column)}


class Claims:
    """Everything the findings state, kept for results.json."""

    def __init__(self):
        self.averaged = []
        self.noise = []
        self.lp_correlation = []
        self.ablations = []
        self.edges = []
        self.regimes = []
        self.weighted_probe = []


# ---------------------------------------------------------------- findings

def findings(results, grids, claims):
    lines = ["## Findings against the paper's claims", ""]
    lines += claim_aft_beats(results, claims)
    lines += claim_robustness(results, grids, claims)
    lines += claim_lp_correlation(results, claims)
    lines += claim_ablation(results, claims)
    lines += claim_regimes(results, grids, claims)
    lines += claim_weighted_probe(results, claims)
    lines += lambda_edges(results, claims)
    return lines


def claim_aft_beats(results, claims):
    lines = ["### 1. AFT beats STL and KD", "",
             "Paired differences of test accuracy (points): aft minus stl, kd and the best other baseline of each "
             "column (the non-AFT method with the highest mean there, named), mean over the seeds both finished and "
             "the 95% t-interval, from the tool's comparisons. \"mean over combos\" averages each seed's differences "
             "over the grid's columns before pairing.", "",
             "| grid | combo | aft − stl | aft − kd | aft − best other |", "|---|---|---|---|---|"]
    summary = []
    for name, result in results.items():
        for dataset in datasets_of(result):
            label = name if len(datasets_of(result)) == 1 else f"{name} ({dataset['title']})"
            baselines = [c for c in comparisons_of(dataset) if c["role"] != "ablation"]
            columns = [c for c in dataset["main"]["columns"] if any(x["combo"] == c for x in baselines)]
            for combo in columns:
                row = {c["role"]: c for c in comparisons_of(dataset) if c["combo"] == combo}
                best = row.get("best-other")
                lines.append(f"| {label} | {combo} | {difference_text(row.get('stl'))} | {difference_text(row.get('kd'))} | "
                             f"{'–' if best is None else best['baseline'] + ': ' + difference_text(best)} |")
            if columns:
                averages = {role: averaged_over_combos(dataset, role) for role in ("stl", "kd", "best-other")}
                lines.append(f"| {label} | **mean over combos** | {difference_text(averages['stl'])} | "
                             f"{difference_text(averages['kd'])} | {difference_text(averages['best-other'])} |")
                for role, d in averages.items():
                    if d is not None:
                        claims.averaged.append({"grid": name, "dataset": dataset["dataset"], "downstream": dataset["downstream"],
                                                "comparison": f"aft - {role}", **d})
                summary.append(f"{label}: aft vs stl {verdict(averages['stl'])}, vs kd {verdict(averages['kd'])}, "
                               f"vs best other {verdict(averages['best-other'])}")
    if not summary:
        return lines[:2] + ["No grid ran aft with a baseline to compare with.", ""]
    lines += ["", "Summary (mean over combos; \"ahead\"/\"behind\" only where the interval excludes 0): "
              + "; ".join(summary) + ".", ""]
    return lines


def noise_width(spec):
    match = re.fullmatch(r"noise:(\d+)", spec or "")
    return int(match.group(1)) if match else None


def claim_robustness(results, grids, claims):
    lines = ["### 2. AFT is robust to noise features, KD degrades", ""]
    rows = []
    for name, result in results.items():
        teachers = (grids.get(name) or {}).get("teachers", {})
        noise = {t: noise_width(spec) for t, spec in teachers.items() if noise_width(spec) is not None}
        if not noise:
            continue
        for dataset in datasets_of(result):
            table = main_cells(dataset)
            columns = dataset["main"]["columns"]
            for combo in columns:
                names = combo.split("+")
                width = sum(noise.get(t, 0) for t in names)
                real = [t for t in names if t not in noise]
                clean = "+".join(real)
                if width == 0 or not real or clean not in columns:
                    continue

                def change(method):
                    noisy, base = seed_accuracies(table.get((method, combo))), seed_accuracies(table.get((method, clean)))
                    return {s: noisy[s] - base[s] for s in noisy if s in base}

                aft, kd = change("aft"), change("kd")
                both = sorted(set(aft) & set(kd))
                row = {"grid": name, "dataset": dataset["dataset"], "combo": combo, "clean": clean, "noiseFeatures": width,
                       "aftChange": paired(sorted(aft), [aft[s] for s in sorted(aft)]),
                       "kdChange": paired(sorted(kd), [kd[s] for s in sorted(kd)]),
                       "aftMinusKdChange": paired(both, [aft[s] - kd[s] for s in both]),
                       "aftMeanRho": mean_rho(dataset, combo, noise)}
                rows.append(row)
                claims.noise.append(row)
    if not rows:
        return lines + ["No grid with a `noise:D` teacher appended to a real teacher ran.", ""]
    lines += ["Change of test accuracy (points) when noise features are appended to the real teachers (noisy combo "
              "minus the clean one, paired by seed), and the difference of those changes (aft's minus kd's: positive = "
              "aft loses less). Mean rho of aft on the real and on the noise features is descriptive (no interval).", "",
              "| grid | combo (vs clean) | noise features | aft: noisy − clean | kd: noisy − clean | aft's change − kd's | aft mean ρ real / noise |",
              "|---|---|---:|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["grid"], r["clean"], r["noiseFeatures"])):
        rho = r["aftMeanRho"]
        lines.append(f"| {r['grid']} | {r['combo']} (vs {r['clean']}) | {r['noiseFeatures']} | "
                     f"{difference_text(r['aftChange'], 'gains', 'loses')} | {difference_text(r['kdChange'], 'gains', 'loses', 'kd')} | "
                     f"{difference_text(r['aftMinusKdChange'], 'loses less', 'loses more')} | "
                     f"{'–' if rho is None else f'{rho[0]:.3f} / {rho[1]:.3f}'} |")
    resolved = [r for r in rows if r["aftMinusKdChange"]["resolved"]]
    lines += ["", "Verdict: " + ("; ".join(
        f"{r['combo']}: aft {'loses less' if r['aftMinusKdChange']['meanDifference'] > 0 else 'loses more'} than kd "
        f"({points(r['aftMinusKdChange']['meanDifference'])} points)" for r in resolved)
        if resolved else "not resolved (no interval of aft's change minus kd's excludes 0)") + ".", ""]
    return lines


def mean_rho(dataset, combo, noise):
    rows = [r for r in dataset.get("rho", []) if r["method"] == "aft" and r["combo"] == combo]
    real = [r for r in rows if r["teacher"] not in noise]
    fake = [r for r in rows if r["teacher"] in noise]
    if not real or not fake:
        return None
    return (sum(r["sum"] for r in real) / sum(r["width"] for r in real), sum(r["sum"] for r in fake) / sum(r["width"] for r in fake))


def pearson(xs, ys):
    if len(xs) < 3:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    if sx == 0 or sy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sx * sy)


def fisher_interval(r, n):
    """95% interval of a Pearson r by Fisher's z (needs n >= 4 and |r| < 1)."""
    if r is None or n < 4 or abs(r) >= 1:
        return None
    z, half = math.atanh(r), statistics.NormalDist().inv_cdf(0.975) / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


def claim_lp_correlation(results, claims):
    lines = ["### 3. AFT tracks linear-probe accuracy most closely", "",
             "The converged linear probe's test accuracy on each (grid, combo), next to stl and aft (the probe's L2 "
             "was chosen on a holdout of the training rows; `edge` = chosen at an end of its grid).", "",
             "| grid | combo | linear probe | chosen L2 (holdout rows) | stl | aft |", "|---|---|---:|---|---:|---:|"]
    points_by_method = {}
    any_probe = False
    for name, result in results.items():
        for dataset in datasets_of(result):
            table = main_cells(dataset)
            for probe in dataset.get("linearProbe", []):
                any_probe = True
                combo = probe["combo"]
                l2 = ", ".join(f"{x:g}" for x in probe["chosenL2"]) or "–"
                if probe.get("l2Edge"):
                    l2 += f" ({probe['l2Edge']} edge)"
                if probe.get("holdoutRows"):
                    l2 += f" ({probe['holdoutRows']} rows)"
                stl, aft = table.get(("stl", combo)), table.get(("aft", combo))
                lines.append(f"| {name} | {combo} | {pct(probe['mean'])} | {l2} | {pct(stl and stl['mean'])} | {pct(aft and aft['mean'])} |")
                if probe["mean"] is None:
                    continue
                for (method, c), cell in table.items():
                    if c == combo and method not in ("linear-probe", "stl", "scratch") and cell["mean"] is not None:
                        points_by_method.setdefault(method, []).append((probe["mean"], cell["mean"]))
    if not any_probe:
        return lines[:2] + ["No grid ran linear-probe.", ""]
    lines += ["", "Pearson r between each method's test accuracy and the linear probe's over those points (the paper's "
              "Figure 3), with a 95% Fisher-z interval (4 points or more).", "",
              "| method | points | Pearson r | 95% interval |", "|---|---:|---:|---|"]
    rs = {}
    for method in sorted(points_by_method):
        xs, ys = zip(*points_by_method[method])
        r = pearson(list(xs), list(ys))
        interval = fisher_interval(r, len(xs))
        rs[method] = (r, interval)
        claims.lp_correlation.append({"method": method, "points": len(xs), "r": r,
                                      "ciLow": interval and interval[0], "ciHigh": interval and interval[1]})
        lines.append(f"| {method} | {len(xs)} | {'undefined' if r is None else f'{r:+.2f}'} | "
                     f"{'–' if interval is None else f'[{interval[0]:+.2f}, {interval[1]:+.2f}]'} |")
    defined = {m: v for m, v in rs.items() if v[0] is not None}
    if "aft" not in defined:
        text = "not resolved (aft's r is undefined or missing)"
    else:
        best = max(defined, key=lambda m: defined[m][0])
        others = [v for m, v in defined.items() if m != "aft"]
        aft_low = defined["aft"][1][0] if defined["aft"][1] else None
        separated = aft_low is not None and others and all(v[1] is not None and aft_low > v[1][1] for v in others)
        if separated:
            text = "resolved: aft's r interval lies above every other method's"
        else:
            text = (f"not resolved (highest r: {best}, {defined[best][0]:+.2f}; aft {defined['aft'][0]:+.2f}; "
                    "the intervals overlap or are undefined)")
    lines += ["", f"Verdict: {text}.", ""]
    return lines


def claim_ablation(results, claims):
    lines = ["### 4. Ablations: aft vs its variants", ""]
    rows = []
    for name, result in results.items():
        for dataset in datasets_of(result):
            for c in comparisons_of(dataset, "ablation"):
                rows.append((name, c))
                claims.ablations.append({"grid": name, "dataset": dataset["dataset"], **c})
    if not rows:
        return lines + ["No ablation ran.", ""]
    lines += ["aft minus each ablation (points), paired by seed, from the tool's comparisons: positive and resolved = "
              "what the ablation removes helps.", "",
              "| grid | combo | ablation | what it tests | aft − ablation |", "|---|---|---|---|---|"]
    for name, c in rows:
        lines.append(f"| {name} | {c['combo']} | {c['baseline']} | {ABLATION_MEANS.get(c['baseline'], '')} | {difference_text(c)} |")
    resolved = [(n, c) for n, c in rows if c["resolved"]]
    lines += ["", "Verdict: " + ("; ".join(
        f"{n} {c['combo']}: {ABLATION_MEANS.get(c['baseline'], c['baseline'])} "
        f"{'helps' if c['meanDifference'] > 0 else 'hurts'} ({points(c['meanDifference'])} points)" for n, c in resolved)
        if resolved else "not resolved (no interval excludes 0)") + ".", ""]
    return lines


def student_of(grid):
    """'bert layers 0,3 from onnx:minilm', 'dan from onnx:minilm', 'resnet18 (scratch)'."""
    downstream = grid.get("downstream", {})
    text = downstream.get("model", "?")
    if downstream.get("layers"):
        text += " layers " + ",".join(str(layer) for layer in downstream["layers"])
    return text + (f" from {downstream['init']}" if downstream.get("init") else " (scratch)")


def widest_column(dataset):
    """The column with the most teachers: the grid's combined combo where it has one."""
    columns = dataset["main"]["columns"]
    return max(columns, key=lambda c: (len(c.split("+")), -columns.index(c))) if columns else None


def claim_regimes(results, grids, claims):
    """The paper's regime: how AFT's gain over STL and its gap to the linear probe move with the training-set size and
    the student, one row per (dataset, student, rows) over every grid that ran stl and aft."""
    lines = ["### 5. Regimes: training-set size and student", ""]
    rows, seen = [], set()
    for name, result in results.items():
        grid = grids.get(name)
        if grid is None:
            continue
        train_rows = (grid.get("dataset", {}).get("limit") or {}).get("train")
        student = student_of(grid)
        for dataset in datasets_of(result):
            combo = widest_column(dataset)
            table = main_cells(dataset)
            if combo is None or ("aft", combo) not in table or ("stl", combo) not in table:
                continue
            key = (dataset["dataset"], student, train_rows)
            if key in seen:
                continue
            seen.add(key)
            row = {c["role"]: c for c in comparisons_of(dataset) if c["combo"] == combo}
            probe = table.get(("linear-probe", combo))
            to_probe = None
            if probe is not None:
                aft, lp = seed_accuracies(table[("aft", combo)]), seed_accuracies(probe)
                seeds = sorted(s for s in aft if s in lp)
                to_probe = paired(seeds, [aft[s] - lp[s] for s in seeds])
            rows.append((name, dataset, student, train_rows, grid.get("training", {}).get("steps"), combo, table, row, to_probe))
    if len(rows) < 2:
        return lines + ["Fewer than two grids ran stl and aft: no regime to compare.", ""]
    rows.sort(key=lambda r: (r[1]["dataset"], r[2], r[3] or 10**9))
    lines += ["Test accuracy (%, mean over seeds) of each student at each training-set size, on the grid's widest "
              "teacher combo, and the paired differences (points, 95% t-interval over seeds).", "",
              "| dataset | student | train rows | steps | combo | stl | linear probe | kd | aft | aft − stl | aft − linear probe | grid |",
              "|---|---|---:|---:|---|---:|---:|---:|---:|---|---|---|"]
    for name, dataset, student, train_rows, steps, combo, table, row, to_probe in rows:
        def mean(method):
            cell = table.get((method, combo))
            return pct(cell["mean"]) if cell and cell["n"] else "–"
        lines.append(f"| {dataset['dataset']} | {student} | {train_rows or 'all'} | {steps or '–'} | {combo} | {mean('stl')} | "
                     f"{mean('linear-probe')} | {mean('kd')} | {mean('aft')} | {difference_text(row.get('stl'))} | "
                     f"{difference_text(to_probe)} | {name} |")
        claims.regimes.append({"grid": name, "dataset": dataset["dataset"], "student": student, "trainRows": train_rows,
                               "steps": steps, "combo": combo,
                               "means": {m: table[(m, combo)]["mean"] for m in ("stl", "linear-probe", "kd", "aft")
                                         if (m, combo) in table and table[(m, combo)]["n"]},
                               "aftMinusStl": row.get("stl"), "aftMinusLinearProbe": to_probe})
    return lines + [""]


def claim_weighted_probe(results, claims):
    """Figure 6a: a linear probe on the teacher features weighted by each final aft trial's learned rho, against the
    probe on the raw features (the tool's rhoWeightedProbe rows)."""
    lines = ["### 6. What rho keeps: the linear probe on rho-weighted features (Figure 6a)", ""]
    rows = [(name, dataset, row) for name, result in results.items() for dataset in datasets_of(result)
            for row in dataset.get("rhoWeightedProbe", [])]
    if not rows:
        return lines + ["No grid recorded the rho-weighted probe (final aft trials record it since this version).", ""]
    lines += ["Test accuracy (%) of the linear-probe protocol on the teacher features scaled column-wise by the learned "
              "rho (one probe per final aft seed) and on the raw features, and the paired difference (points, 95% "
              "t-interval over seeds). Positive: rho up-weights the features that predict the labels.", "",
              "| grid | dataset | method | combo | n | rho-weighted | raw | weighted − raw |", "|---|---|---|---|---:|---:|---:|---|"]
    for name, dataset, row in rows:
        d = row.get("difference")
        lines.append(f"| {name} | {dataset['dataset']} | {row['method']} | {row['combo']} | {row['n']} | {pct(row['mean'])} | "
                     f"{pct(row.get('rawMean'))} | {difference_text(d, ahead='better', behind='worse', subject='weighted') if d else '–'} |")
        claims.weighted_probe.append({"grid": name, "dataset": dataset["dataset"], "method": row["method"], "combo": row["combo"],
                                      "n": row["n"], "weighted": row["mean"], "raw": row.get("rawMean"), "difference": d})
    return lines + [""]


def lambda_edges(results, claims):
    lines = ["### Lambda choices at the edge of their grid", ""]
    rows = []
    for name, result in results.items():
        for dataset in datasets_of(result):
            for row in dataset.get("lambdas", []):
                if row.get("edge"):
                    rows.append((name, row["method"], row["combo"], row["chosenLambda"], row["edge"], row.get("holdoutRows"),
                                 [s["lambda"] for s in row["scores"]]))
            for probe in dataset.get("linearProbe", []):
                if probe.get("l2Edge"):
                    rows.append((name, "linear-probe (L2)", probe["combo"], probe["chosenL2"][0], probe["l2Edge"],
                                 probe.get("holdoutRows"), probe["l2Grid"]))
    for name, method, combo, chosen, edge, holdout, grid in rows:
        claims.edges.append({"grid": name, "method": method, "combo": combo, "chosen": chosen, "edge": edge,
                             "holdoutRows": holdout, "gridValues": grid})
    if not rows:
        return lines + ["None: every chosen lambda lies inside its grid (or its grid has one value).", ""]
    lines += ["The best value may lie outside these grids: widen them before reading these cells.", "",
              "| grid | method | combo | chosen | edge | holdout rows | grid |", "|---|---|---|---:|---|---:|---|"]
    for name, method, combo, chosen, edge, holdout, grid in rows:
        lines.append(f"| {name} | {method} | {combo} | {chosen:g} | {edge} | {holdout if holdout else '–'} | "
                     f"{', '.join(f'{g:g}' for g in grid)} |")
    return lines + [""]


# ---------------------------------------------------------------- results.json

def machine_readable(args, runs, results, claims):
    grids = []
    for run in runs:
        result = results.get(run["name"])
        entry = {"name": run["name"], "exit": int(run["exit"]), "seconds": int(run["seconds"]), "datasets": []}
        for dataset in datasets_of(result) if result else []:
            entry["datasets"].append({
                "dataset": dataset["dataset"],
                "downstream": dataset["downstream"],
                "title": dataset["title"],
                "expectedSeeds": dataset["expectedSeeds"],
                "cells": cells_json(dataset),
                "comparisons": [{k: c[k] for k in ("combo", "method", "baseline", "role", "n", "seeds", "meanDifference",
                                                   "standardError", "ciLow", "ciHigh", "intervalDefined", "resolved")}
                                for c in dataset.get("comparisons", [])],
                "linearProbe": [{"combo": p["combo"], "accuracy": p["mean"], "standardError": p["standardError"], "n": p["n"],
                                 "chosenL2": p["chosenL2"], "l2Edge": p["l2Edge"], "holdoutRows": p["holdoutRows"],
                                 "convergedSeeds": p["convergedSeeds"]}
                                for p in dataset.get("linearProbe", [])],
            })
        grids.append(entry)
    return {
        "schema": REPORT_SCHEMA,
        "kind": "aftsweep.reproduction",
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mini": bool(args.mini),
        "tool": read_text(args.work, "version.txt"),
        "grids": grids,
        "claims": {
            "aftVsBaselinesMeanOverCombos": claims.averaged,
            "noiseRobustness": claims.noise,
            "linearProbeCorrelation": claims.lp_correlation,
            "ablations": claims.ablations,
            "regimes": claims.regimes,
            "rhoWeightedProbe": claims.weighted_probe,
            "lambdaAtEdge": claims.edges,
        },
    }


def cells_json(dataset):
    """One entry per (method, combo) of the main table; stl and scratch once, with combo null."""
    out, seen = [], set()
    for row in dataset["main"]["rows"]:
        for cell in row["cells"]:
            if cell is None:
                continue
            combo = None if row["comboIndependent"] else cell["combo"]
            if (cell["method"], combo) in seen:
                continue
            seen.add((cell["method"], combo))
            out.append({
                "method": cell["method"], "combo": combo, "mean": cell["mean"],
                "standardError": cell["standardError"] if cell["standardErrorDefined"] else None,
                "n": cell["n"], "expectedSeeds": cell["expectedSeeds"], "flagged": cell["flagged"],
                "chosenLambda": cell["chosenLambda"], "lambdaAtEdge": cell["lambdaAtEdge"], "lambdaEdge": cell["lambdaEdge"],
                "holdoutRows": cell["holdoutRows"], "probeL2": cell["probeL2"],
                "seeds": [{"seed": s["seed"], "accuracy": s["accuracy"]} for s in cell["seeds"]],
            })
    return out


# ---------------------------------------------------------------- per run

def runs_table(args, runs):
    lines = ["## Runs", "", "| grid | command | started (UTC) | wall time | exit | trials |", "|---|---|---|---:|---:|---:|"]
    for run in runs:
        lines.append(f"| [{run['name']}](#{run['name']}) | `{run['command']}` | {run['started']} | "
                     f"{duration(run['seconds'])} | {run['exit']} | {trial_count(args.work, run['name'])} |")
    lines += ["", "Exit 0: every trial succeeded; 1: the sweep finished with failed trials (named in its table); "
              "2 or 130: the run stopped.", ""]
    ran = {run["name"] for run in runs}
    folder = os.path.join(args.root, "experiments")
    missing = sorted(f[:-len(".json")] for f in os.listdir(folder) if f.endswith(".json") and f[:-len(".json")] not in ran)
    if missing and not args.mini:
        lines += [f"Not run in this reproduction (no claim below uses them): {', '.join(missing)}. "
                  f"`experiments/run.sh --only {','.join(missing)}` runs them into the same state.", ""]
    return lines


def trial_count(work, name):
    records = os.path.join(work, "out", name, "records")
    return str(len([f for f in os.listdir(records) if f.endswith(".json")])) if os.path.isdir(records) else "–"


def experiment_section(args, run, result, figures_dir, doc_dir):
    name = run["name"]
    lines = [f"## {name}", ""]
    # --mini describes the shrunk copy it ran, a full run the committed grid.
    grid_path = os.path.join(args.work, "grids", f"{name}.json") if args.mini else os.path.join(args.root, "experiments", f"{name}.json")
    if os.path.exists(grid_path):
        with open(grid_path, encoding="utf-8") as f:
            grid = json.load(f)
        lines += [f"Grid [`experiments/{name}.json`](../experiments/{name}.json): {describe(grid)}", ""]
    out_dir = os.path.join(args.work, "out", name)
    md_path = os.path.join(out_dir, "results.md")
    if result is None or not os.path.exists(md_path):
        return lines + [f"No results: the run ended with exit code {run['exit']} (log: `{args.work}/logs/{name}.err`).", ""]
    with open(md_path, encoding="utf-8") as f:
        body = f.read()
    # The tool's report starts at heading level 1; nest it under this section.
    body = re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", body, flags=re.M)
    lines += [body.strip(), ""]
    figures = sorted(p for p in os.listdir(out_dir) if p.endswith(".png"))
    for figure in figures:
        target = os.path.join(figures_dir, f"{name}-{figure}")
        shutil.copyfile(os.path.join(out_dir, figure), target)
        rel = os.path.relpath(target, doc_dir)
        lines += [f"![{name}: {figure[:-4]}]({rel})", ""]
    return lines


def describe(grid):
    d, t = grid["dataset"], grid["training"]
    limit = d.get("limit") or {}
    rows = ", ".join(f"{k} limited to {v} rows" for k, v in limit.items()) or "full splits"
    methods = ", ".join(f"{m} (λ {', '.join(str(x) for x in o['lambdas'])})" if o.get("lambdas") else m
                        for m, o in grid["methods"].items())
    combos = "; ".join("+".join(c) for c in grid["combos"])
    teachers = ", ".join(f"{k} = `{v}`" for k, v in grid["teachers"].items())
    return (f"{d['name']} ({rows}), downstream `{grid['downstream']['model']}`, teachers {teachers}, combos {combos}; "
            f"methods {methods}; {t.get('steps')} steps of batch {t.get('batchSize')}, lr {t.get('lr', 0.001)}, "
            f"seeds {grid['seeds']}, lambda chosen on a {grid['selection'].get('holdoutFraction', 0.1):.0%} holdout.")


if __name__ == "__main__":
    main()
