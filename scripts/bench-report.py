#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise zcrx-bench runs: a Markdown table per timing regime on
stdout, a CSV and a PNG bar chart (gnuplot).

  bench-report.py OUTDIR REGIME=RAWFILE...

Each RAWFILE holds one 'round=N mode=... key=value ...' line per run (see
guest/bench.sh). For every mode: the median over rounds and the spread,
(max - min) / median, of throughput and CPU time per GiB; ratios against
recv and trunc use the medians.
"""

import csv
import os
import statistics
import subprocess
import sys

MODES = ["recv", "iou-recv", "mmap", "zcrx", "zcrx-nodev", "trunc"]
GIB = float(1 << 30)


def load(path):
    runs = {}
    with open(path) as f:
        for line in f:
            kv = dict(w.split("=", 1) for w in line.split() if "=" in w)
            if "mode" in kv:
                runs.setdefault(kv["mode"], []).append(kv)
    return runs


def med_spread(values):
    m = statistics.median(values)
    return m, (max(values) - min(values)) / m if m else 0.0


def summarise(runs):
    """Per mode: medians, spreads and what was copied, in one dict."""
    out = {}
    for mode in [m for m in MODES if m in runs] + \
            sorted(set(runs) - set(MODES)):
        rs = runs[mode]
        gib = [int(r["bytes"]) / GIB for r in rs]
        s = {"mode": mode, "runs": len(rs),
             "verified": all(r["verified"] in ("yes", "count") for r in rs)}
        s["mibps"], s["mibps_spread"] = med_spread(
            [float(r["mibps"]) for r in rs])
        s["core_s_gib"], s["core_spread"] = med_spread(
            [float(r["core_cpu_s"]) / g for r, g in zip(rs, gib)])
        s["all_s_gib"], s["all_spread"] = med_spread(
            [float(r["all_cpu_s"]) / g for r, g in zip(rs, gib)])
        s["app_s_gib"], s["app_spread"] = med_spread(
            [float(r["rx_cpu_s"]) / g for r, g in zip(rs, gib)])
        s["copied_frac"] = statistics.median(
            [int(r["copied"]) / max(int(r["bytes"]), 1) for r in rs])
        s["bytes"] = int(rs[0]["bytes"])
        if "zc_bytes" in rs[0]:
            s["zc_frac"] = statistics.median(
                [int(r["zc_bytes"]) / max(int(r["bytes"]), 1) for r in rs])
        out[mode] = s
    return out


def ratio(s, base, key):
    if base is None or not base[key]:
        return None
    return s[key] / base[key]


def fmt_ratio(r):
    return "–" if r is None else "%.2f" % r


def pct(x):
    return "%.0f%%" % (100 * x) if x >= 0.01 or x == 0 else "%.1f%%" % (100 * x)


def table(regime, summ):
    recv, trunc = summ.get("recv"), summ.get("trunc")
    runs = max(s["runs"] for s in summ.values())
    mib = max(s["bytes"] for s in summ.values()) >> 20
    lines = [
        "### %s (%d runs per mode, %d MiB each; median, spread = (max-min)/median)"
        % (regime, runs, mib), "",
        "| mode | MiB/s | spread | CPU s/GiB, app core | spread | CPU s/GiB, all cores | spread "
        "| copied by CPU | MiB/s vs recv | vs trunc | app-core CPU vs recv | vs trunc |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summ.values():
        lines.append("| %s | %.1f | %s | %.2f | %s | %.2f | %s | %s | %s | %s | %s | %s |" % (
            s["mode"] + ("" if s["verified"] else " (FAILED)"),
            s["mibps"], pct(s["mibps_spread"]),
            s["core_s_gib"], pct(s["core_spread"]),
            s["all_s_gib"], pct(s["all_spread"]),
            pct(s["copied_frac"]),
            fmt_ratio(ratio(s, recv, "mibps")),
            fmt_ratio(ratio(s, trunc, "mibps")),
            fmt_ratio(ratio(s, recv, "core_s_gib")),
            fmt_ratio(ratio(s, trunc, "core_s_gib"))))
    return "\n".join(lines) + "\n"


CSV_KEYS = ["mibps", "mibps_spread", "core_s_gib", "core_spread",
            "all_s_gib", "all_spread", "app_s_gib", "app_spread",
            "copied_frac"]


def write_csv(path, all_summ):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["regime", "mode", "runs", "bytes", "verified"] + CSV_KEYS +
                   ["mibps_vs_recv", "mibps_vs_trunc",
                    "core_vs_recv", "core_vs_trunc"])
        for regime, summ in all_summ.items():
            recv, trunc = summ.get("recv"), summ.get("trunc")
            for s in summ.values():
                w.writerow([regime, s["mode"], s["runs"], s["bytes"],
                            "yes" if s["verified"] else "no"] +
                           ["%.4f" % s[k] for k in CSV_KEYS] +
                           [fmt_ratio(ratio(s, b, k)).replace("–", "")
                            for k in ("mibps", "core_s_gib")
                            for b in (recv, trunc)])


def chart(outdir, all_summ):
    """Two panels: throughput and app-core CPU per GiB, relative to recv."""
    regimes = list(all_summ)
    modes = [m for m in MODES if any(m in s for s in all_summ.values())]
    dat = os.path.join(outdir, "bench-chart.dat")
    with open(dat, "w") as f:
        f.write("# mode " + " ".join("thr_%s cpu_%s" % (r, r) for r in regimes) + "\n")
        for m in modes:
            row = [m]
            for r in regimes:
                s, b = all_summ[r].get(m), all_summ[r].get("recv")
                for key in ("mibps", "core_s_gib"):
                    v = ratio(s, b, key) if s else None
                    row.append("%.4f" % v if v is not None else "NaN")
            f.write(" ".join(row) + "\n")
    cols = lambda off: ", ".join(
        "'%s' using %d:xtic(1) title '%s'" % (dat, 2 + 2 * i + off, r)
        for i, r in enumerate(regimes))
    script = "\n".join([
        "set terminal pngcairo size 1200,500 font ',10'",
        "set output '%s'" % os.path.join(outdir, "bench.png"),
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.8 border -1",
        "set key top left",
        "set grid ytics",
        "set yrange [0:*]",
        "set multiplot layout 1,2 title 'zcrx-bench: receive methods, relative to recv() (median of runs)'",
        "set title 'throughput (higher is better)'",
        "plot " + cols(0),
        "set title 'CPU time per GiB on the application core (lower is better)'",
        "plot " + cols(1),
        "unset multiplot",
    ])
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: bench-report.py OUTDIR REGIME=RAWFILE...")
    outdir = sys.argv[1]
    all_summ = {}
    for arg in sys.argv[2:]:
        regime, path = arg.split("=", 1)
        all_summ[regime] = summarise(load(path))
    md = "\n".join(table(r, s) for r, s in all_summ.items())
    with open(os.path.join(outdir, "bench.md"), "w") as f:
        f.write(md)
    sys.stdout.write(md)
    write_csv(os.path.join(outdir, "bench.csv"), all_summ)
    chart(outdir, all_summ)


if __name__ == "__main__":
    main()
