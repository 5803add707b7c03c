#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise zcrx-bench runs: a Markdown table per timing regime on
stdout, a CSV and a PNG bar chart (gnuplot).

  bench-report.py OUTDIR REGIME=RAWFILE...

Each RAWFILE holds one 'round=N mtu=M row=R mode=... key=value ...' line
per run (see guest/bench.sh). A row is a mode, for zcrx modes perhaps with
a chunk size and an area type (R = MODE[:CHUNK:AREA]); rows are grouped by
MTU. For every row: the median over rounds and the spread, (max - min) /
median, of throughput and CPU time per GiB; ratios against recv and trunc
of the same MTU use the medians. A row whose runs were all skipped
(skipped="reason") is listed with its reason.
"""

import csv
import os
import shlex
import statistics
import subprocess
import sys

MODES = ["recv", "iou-recv", "mmap", "zcrx", "zcrx-nodev", "trunc"]
GIB = float(1 << 30)
SUFFIX = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def load(path):
    """Runs by (MTU, row), in the order they first appear."""
    runs = {}
    with open(path) as f:
        for line in f:
            kv = dict(w.split("=", 1) for w in shlex.split(line) if "=" in w)
            if "mode" in kv:
                key = (kv.get("mtu", "4148"), kv.get("row", kv["mode"]))
                runs.setdefault(key, []).append(kv)
    return runs


def size_bytes(text):
    """'32K', '32768' or '' (the default: None) as bytes."""
    if not text:
        return None
    mult = SUFFIX.get(text[-1].upper(), 1)
    return int(text.rstrip("KMGkmg")) * mult


def fmt_size(n):
    if n is None:
        return "–"
    for unit, mult in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= mult and n % mult == 0:
            return "%d %s" % (n // mult, unit)
    return "%d B" % n


def row_setup(row, rs):
    """Mode, chunk bytes and area type of a row: what the kernel reported
    where a run got that far, else what the row asked for."""
    mode, chunk, area, gro = (row.split(":") + ["", "", ""])[:4]
    gro = " + HW GRO" if gro == "gro" else ""
    done = [r for r in rs if "rx_buf_len" in r]
    if done:
        return mode, int(done[0]["rx_buf_len"]), done[0]["area"] + gro
    if mode.startswith("zcrx"):
        return mode, size_bytes(chunk) or 4096, (area or "anon") + gro
    return mode, None, None


def med_spread(values):
    m = statistics.median(values)
    return m, (max(values) - min(values)) / m if m else 0.0


def row_order(key):
    """MTUs as they came, then the modes in MODES order, plain rows first."""
    mtu, row = key
    mode = row.split(":")[0]
    return (MODES.index(mode) if mode in MODES else len(MODES), mode,
            row != mode, row)


def summarise(runs):
    """Per (MTU, row): medians, spreads and what was copied, in one dict."""
    out = {}
    mtus = list(dict.fromkeys(mtu for mtu, _ in runs))
    for key in sorted(runs, key=lambda k: (mtus.index(k[0]), row_order(k))):
        mtu, row = key
        mode, chunk, area = row_setup(row, runs[key])
        s = {"mtu": mtu, "row": row, "mode": mode, "chunk": chunk,
             "area": area}
        rs = [r for r in runs[key] if "skipped" not in r]
        if not rs:
            s["skipped"] = runs[key][0]["skipped"]
            out[key] = s
            continue
        gib = [int(r["bytes"]) / GIB for r in rs]
        s.update({"runs": len(rs), "verified": all(
            r["verified"] in ("yes", "count") for r in rs)})
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
        out[key] = s
    return out


def bases(summ, s):
    """recv and trunc at the MTU of row s: what its ratios are against."""
    return [summ.get((s["mtu"], m)) for m in ("recv", "trunc")]


def ratio(s, base, key):
    if base is None or "skipped" in s or "skipped" in base or not base[key]:
        return None
    return s[key] / base[key]


def fmt_ratio(r):
    return "–" if r is None else "%.2f" % r


def pct(x):
    return "%.0f%%" % (100 * x) if x >= 0.01 or x == 0 else "%.1f%%" % (100 * x)


def table(regime, summ):
    done = [s for s in summ.values() if "skipped" not in s]
    runs = max([s["runs"] for s in done] or [0])
    mib = max([s["bytes"] for s in done] or [0]) >> 20
    lines = [
        "### %s (%d runs per row, %d MiB each; median, spread = (max-min)/median; "
        "ratios against recv and trunc at the same MTU)"
        % (regime, runs, mib), "",
        "| MTU | mode | chunk | area | MiB/s | spread | CPU s/GiB, app core | spread "
        "| CPU s/GiB, all cores | spread | copied by CPU | MiB/s vs recv | vs trunc "
        "| app-core CPU vs recv | vs trunc |",
        "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summ.values():
        head = "| %s | %s | %s | %s |" % (
            s["mtu"], s["mode"] + ("" if s.get("verified", True) else " (FAILED)"),
            fmt_size(s["chunk"]), s["area"] or "–")
        if "skipped" in s:
            lines.append(head + " skipped: %s |%s" % (
                s["skipped"].replace("|", "\\|"), " – |" * 10))
            continue
        recv, trunc = bases(summ, s)
        lines.append(head + " %.1f | %s | %.2f | %s | %.2f | %s | %s | %s | %s | %s | %s |" % (
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
        w.writerow(["regime", "mtu", "mode", "chunk", "area", "runs", "bytes",
                    "verified"] + CSV_KEYS +
                   ["mibps_vs_recv", "mibps_vs_trunc",
                    "core_vs_recv", "core_vs_trunc", "skipped"])
        for regime, summ in all_summ.items():
            for s in summ.values():
                head = [regime, s["mtu"], s["mode"],
                        "" if s["chunk"] is None else s["chunk"],
                        s["area"] or ""]
                if "skipped" in s:
                    w.writerow(head + [""] * (3 + len(CSV_KEYS) + 4) +
                               [s["skipped"]])
                    continue
                recv, trunc = bases(summ, s)
                w.writerow(head + [s["runs"], s["bytes"],
                                   "yes" if s["verified"] else "no"] +
                           ["%.4f" % s[k] for k in CSV_KEYS] +
                           [fmt_ratio(ratio(s, b, k)).replace("–", "")
                            for k in ("mibps", "core_s_gib")
                            for b in (recv, trunc)] + [""])


def chart_label(s):
    extra = "" if s["row"] == s["mode"] else " %s %s" % (
        fmt_size(s["chunk"]).replace(" KiB", "K").replace(" MiB", "M"), s["area"])
    return '"%s%s, %s"' % (s["mode"], extra, s["mtu"])


def chart(outdir, all_summ):
    """Two panels: throughput and app-core CPU per GiB, relative to recv at
    the same MTU."""
    regimes = list(all_summ)
    keys = list(dict.fromkeys(k for summ in all_summ.values() for k in summ))
    dat = os.path.join(outdir, "bench-chart.dat")
    with open(dat, "w") as f:
        f.write("# row " + " ".join("thr_%s cpu_%s" % (r, r) for r in regimes) + "\n")
        for k in keys:
            s0 = next(summ[k] for summ in all_summ.values() if k in summ)
            row = [chart_label(s0)]
            for r in regimes:
                s = all_summ[r].get(k)
                b = bases(all_summ[r], s)[0] if s else None
                for key in ("mibps", "core_s_gib"):
                    v = ratio(s, b, key) if s else None
                    row.append("%.4f" % v if v is not None else "NaN")
            f.write(" ".join(row) + "\n")
    cols = lambda off: ", ".join(
        "'%s' using %d:xtic(1) title '%s'" % (dat, 2 + 2 * i + off, r)
        for i, r in enumerate(regimes))
    script = "\n".join([
        "set terminal pngcairo size %d,560 font ',10'" % max(1200, 90 * len(keys)),
        "set output '%s'" % os.path.join(outdir, "bench.png"),
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.8 border -1",
        "set key top left",
        "set grid ytics",
        "set yrange [0:*]",
        "set xtics rotate by -35",
        "set multiplot layout 1,2 title 'zcrx-bench: receive methods, relative to recv() at the same MTU (median of runs)'",
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
