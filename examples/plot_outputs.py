#!/usr/bin/env python3
"""Load the outputs of `stf run`, `stf simulate` and `stf report` with pandas and plot them with
matplotlib; every number loaded is checked against the JSON summary written beside it.

    python3 examples/plot_outputs.py RUN_DIR SIMULATE_DIR REPORT_DIR [--out FIGURE.png]

for example, after
    stf run cases/memory.toml
    stf simulate cases/memory.toml -N 1000 -R 10
    stf report cases/memory.toml --quick
    python3 examples/plot_outputs.py out/memory/run out/memory/simulate out/memory/report

The files and their columns are described in docs/outputs.md. Exits with 1 if a check fails.
"""
import argparse
import json
import math
import pathlib
import sys
import tomllib

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

failures = []


def check(what, ok):
    print(f"{'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def close(a, b, rel=1e-12):
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel)


def load_run(folder):
    """observables.csv of the limit, checked against summary.json."""
    summary = json.loads((folder / "summary.json").read_text())
    obs = pd.read_csv(folder / "observables.csv")
    end, sample = obs["t"].iloc[-1], summary["sample_interval"]
    check(f"run: one row per sample time ({len(obs)} rows, every {sample} up to {end})",
          len(obs) == round(end / sample) + 1)
    lost = summary["lost_mass"]["u_max"] + summary["lost_mass"]["c_max"]
    check("run: the mass column stays within max_mass_error (and the mass lost through the mesh edges) of 1",
          (obs["mass"] - 1.0).abs().max() <= summary["max_mass_error"] + lost + 1e-15)
    # The exit time again, from observables.csv and the region of the resolved case (MODEL.md §4):
    # the first sample outside, the crossing interpolated linearly from the sample before it. The
    # MUSCL scheme uses that rule; the characteristic scheme finds the crossing in continuous time
    # (the cubic through its step ends), which the linear interpolation matches to O(sample^2).
    region = tomllib.loads((folder / "case.toml").read_text()).get("region", {})
    exit_time = exit_time_from(obs, region)
    tolerance = sample * sample if summary.get("scheme") == "characteristic" else 1e-9
    check(f"run: exit time from observables.csv and case.toml ({exit_time}) as in summary.json "
          f"({summary['exit_time']}, within {tolerance:g})",
          (exit_time is None) == (summary["exit_time"] is None)
          and (exit_time is None or close(exit_time, summary["exit_time"], tolerance)))
    return obs, summary


def exit_time_from(obs, region):
    """First time the observables leave the region {min <= observable <= max} after t_grace."""
    bounds = {k: v for k, v in region.items() if isinstance(v, dict)}
    grace = region.get("t_grace", 0.0)

    def inside(row):
        return all(row[k] >= b.get("min", -math.inf) and row[k] <= b.get("max", math.inf) for k, b in bounds.items())

    previous = None
    for _, row in obs.iterrows():
        if row["t"] < grace or inside(row):
            previous = row
            continue
        if previous is None or not inside(previous):
            return max(row["t"], grace)
        first = math.inf
        for key, b in bounds.items():
            v0, v1 = previous[key], row[key]
            for level, out in [(b.get("min"), lambda v, m: not v >= m), (b.get("max"), lambda v, m: not v <= m)]:
                if level is not None and out(v1, level):
                    s = 1.0 if v1 == v0 else min(max((level - v0) / (v1 - v0), 0.0), 1.0)
                    first = min(first, previous["t"] + s * (row["t"] - previous["t"]))
        return max(first, grace)
    return None


def load_simulation(folder):
    """observables.csv (ensemble mean and standard error) and exit_times.csv, checked against summary.json."""
    summary = json.loads((folder / "summary.json").read_text())
    obs = pd.read_csv(folder / "observables.csv")
    exits = pd.read_csv(folder / "exit_times.csv")
    e = summary["exit_time"]
    check(f"simulate: {len(exits)} replicas in exit_times.csv", len(exits) == summary["replicas_completed"])
    exited = exits["exit_time"].dropna()
    check(f"simulate: {len(exited)} replicas exited", len(exited) == e["count"])
    if len(exited) > 0:
        check("simulate: mean exit time as in summary.json", close(exited.mean(), e["mean"]))
        for key, level in [("q05", 0.05), ("q50", 0.5), ("q95", 0.95)]:
            check(f"simulate: exit-time quantile {key} as in summary.json",
                  close(exited.quantile(level), e["quantiles"][key]))
    if len(exited) > 1:
        check("simulate: standard deviation of the exit times as in summary.json", close(exited.std(), e["std"]))
    return obs, exited, summary


def load_report(folder):
    """The report's figure data (data/*.csv), checked against report.json."""
    report = json.loads((folder / "report.json").read_text())
    fluct = pd.read_csv(folder / "data" / "fluctuations.csv")
    fits = {f["quantity"]: f["values"] for f in report["particles"]["fits"]}
    for series, rows in fluct.groupby("series", sort=False):
        values = [v for v in fits[f"std {series}"] if v is not None and v > 0]
        check(f"report: fluctuations of {series} as in report.json",
              len(values) == len(rows) and all(close(a, b, 1e-9) for a, b in zip(rows["y"], values)))
    neurons = [level["neurons"] for level in report["particles"]["levels"]]
    check("report: the fluctuations are plotted against the study's N",
          sorted(set(fluct["x"].round().astype(int))) == sorted(neurons))
    rate = pd.read_csv(folder / "data" / "observable_rate.csv")
    for figure in report["figures"]:
        for csv in figure["data"]:
            check(f"report: {csv} exists", (folder / csv).exists())
    return rate, fluct, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=pathlib.Path)
    parser.add_argument("simulate", type=pathlib.Path)
    parser.add_argument("report", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("stf_outputs.png"))
    args = parser.parse_args()

    run, run_summary = load_run(args.run)
    sim, exited, sim_summary = load_simulation(args.simulate)
    rate, fluct, report = load_report(args.report)

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    ax = axes[0]
    ax.plot(run["t"], run["rate"], "k--", label="limit (stf run)")
    ax.plot(sim["t"], sim["rate_mean"], label=f"N = {sim_summary['neurons']} (stf simulate)")
    ax.fill_between(sim["t"], sim["rate_mean"] - 2 * sim["rate_stderr"].fillna(0),
                    sim["rate_mean"] + 2 * sim["rate_stderr"].fillna(0), alpha=0.3)
    if run_summary["exit_time"] is not None:
        ax.axvline(run_summary["exit_time"], color="grey", ls=":", label="limit exit time")
    ax.set(xlabel="time t", ylabel="rate", title="rate over time")
    ax.legend()

    ax = axes[1]
    for series, rows in rate.groupby("series", sort=False):
        ax.plot(rows["t"], rows["value"], label=series)
    ax.set(xlabel="time t", ylabel="rate", title="report: rate (data/observable_rate.csv)")
    ax.legend()

    ax = axes[2]
    for series, rows in fluct.groupby("series", sort=False):
        ax.loglog(rows["x"], rows["y"], "o-", label=series)
    ax.set(xlabel="neurons N", ylabel="sup over time of the standard deviation",
           title="report: fluctuations (data/fluctuations.csv)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(args.out, dpi=90)
    print(f"figure written to {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
