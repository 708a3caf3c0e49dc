#!/usr/bin/env python3
"""make bench, second half: the guests' console logs to JSON, plot data and
a summary.

    report.py --out DIR ARCH...

Reads DIR/ARCH/guest.log (tools/bench/guest.sh's framed output), writes
DIR/ARCH/NAME.json for each benchmark, the data files the gnuplot scripts
in this folder read (DIR/ARCH/deferral.dat, DIR/ARCH/map.dat) and
DIR/summary.md: every figure and ratio, per arch, in Markdown tables.
Standard library only.  Exit status 1 when a log is missing or a
benchmark failed; the summary says which.
"""
import argparse
import json
import os
import sys

MARK = "@@PLBENCH"
# bench mem --host-only of the x86_64 boot with intel_iommu=off
HOST_OFF = {}


def read_log(path):
    """Return (info dict, {name: (status, seconds, text)}, errors dict)."""
    info, docs, errs = {}, {}, {}
    cur, buf = None, []
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            pos = line.find(MARK + " ")
            if pos < 0:
                if cur is not None:
                    buf.append(line)
                continue
            words = line[pos + len(MARK) + 1:].split(" ")
            kind = words[0]
            if kind == "info" and len(words) >= 3:
                info[words[1]] = " ".join(words[2:])
            elif kind == "begin" and len(words) >= 2:
                cur, buf = words[1], []
            elif kind == "end" and len(words) >= 4 and cur == words[1]:
                docs[cur] = (int(words[2]), int(words[3]), "\n".join(buf))
                cur = None
            elif kind == "err" and len(words) >= 2:
                errs.setdefault(words[1], []).append(" ".join(words[2:]))
    return info, docs, errs


def fmt(v, nd=0):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return f"{v:,}"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def runs_of(doc):
    return doc["runs"] if "runs" in doc else [doc]


def deferral(arch, docs, outdir, md):
    pts = []
    for name, doc in docs.items():
        if not name.startswith("deferral-"):
            continue
        for r in runs_of(doc):
            if "bind_attempts" not in r:
                continue
            pts.append((doc["devices"], doc["instances"], r["policy"],
                        r.get("stagger", False), r["bind_attempts"],
                        r["elapsed_ns"], r.get("all_bound"),
                        r.get("iommu_probes")))
    if not pts:
        return
    pts.sort()
    with open(os.path.join(outdir, "deferral.dat"), "w") as f:
        f.write("# devices bind_attempts, one block per policy/mode "
                "(gnuplot index): K = 16 instances\n")
        series = sorted({(p[2], p[3]) for p in pts if p[1] == 16})
        for i, (pol, st) in enumerate(series):
            # blocks apart by two blank lines, none after the last
            f.write("\n\n" if i else "")
            f.write(f'"{pol}{" staggered" if st else ""}"\n')
            for p in pts:
                if p[1] == 16 and p[2] == pol and p[3] == st:
                    f.write(f"{p[0]} {p[4]}\n")
    md.append(f"### bench deferral ({arch})\n\n")
    rows = []
    fixed = {(p[0], p[1], p[3]): p[4] for p in pts if p[2] == "fixed"}
    for p in pts:
        ref = fixed.get((p[0], p[1], p[3]))
        rows.append([fmt(p[0]), p[1], p[2], "yes" if p[3] else "no",
                     fmt(p[7]), fmt(p[4]), f"{p[4] / p[0]:.2f}",
                     f"{p[4] / ref:.1f}" if ref else "-",
                     f"{p[5] / 1e9:.1f}", "yes" if p[6] else "NO"])
    md.append(table(["N", "K", "policy", "staggered", "IOMMU probes",
                     "bind attempts", "attempts / N", "x fixed",
                     "time s", "all bound"], rows))
    goal = [p for p in pts if p[0] == 10000 and p[1] == 64 and p[3]]
    if goal:
        f = next((p[4] for p in goal if p[2] == "fixed"), None)
        l61 = next((p[4] for p in goal if p[2] == "linux-6.1"), None)
        if f and l61:
            md.append(f"\nGoal at N = 10,000, K = 64, staggered: linux-6.1 "
                      f"{l61 / f:.1f} x fixed's bind attempts (goal >= 10 x): "
                      f"{'met' if l61 >= 10 * f else 'NOT met'}; fixed "
                      f"{f / 10000:.4f} N (goal <= 2.01 N): "
                      f"{'met' if f <= 2.01 * 10000 else 'NOT met'}.\n")
    md.append("\n")


def cycle(arch, docs, md):
    doc = docs.get("cycle")
    if not doc:
        return
    md.append(f"### bench cycle ({arch})\n\n{doc['cycles']} cycles, median "
              f"of {doc['repeat']} repeats, bare and layered alternating.\n\n")
    rows = []
    for r in doc["runs"]:
        ph = r.get("phases_ns", {})
        bph = r.get("bare", {}).get("phases_ns", {})
        pcols = [f"{ph.get(k, 0) / 1e3:.0f} / {bph.get(k, 0) / 1e3:.0f}"
                 if k in ph else "-" for k in ("add", "bind", "unbind", "remove")]
        rows.append([r["policy"], r["model"], f"{r['ns_per_cycle'] / 1e3:.0f}",
                     f"{r['bare_ns_per_cycle'] / 1e3:.0f}",
                     f"{r['ratio_vs_bare']:.2f}"] + pcols)
    md.append(table(["policy", "model", "us/cycle", "bare us/cycle",
                     "ratio vs bare", "add us (layer/bare)", "bind",
                     "unbind", "remove"], rows))
    g = doc.get("goal")
    if g:
        md.append(f"\nGoal: fixed <= {g.get('max_ratio_vs_bare')} x bare: "
                  f"{'met' if g.get('met') else 'NOT met'}.\n")
    md.append("\n")


def mem(arch, docs, md):
    doc = docs.get("mem")
    if not doc:
        return
    md.append(f"### bench mem ({arch})\n\n{doc['devices']} devices.\n\n")
    rows = []
    for r in doc["runs"]:
        rows.append([r["policy"], r["model"], "yes" if r.get("bare") else "no",
                     fmt(r.get("added_slab_bytes_per_device"), 0),
                     fmt(r.get("added_memfree_drop_per_device"), 0),
                     fmt(r.get("bound_slab_bytes_per_device"), 0),
                     fmt(r.get("bound_memfree_drop_per_device"), 0),
                     fmt(r.get("layer_slab_bytes_per_device"), 0),
                     fmt(r.get("layer_memfree_drop_per_device"), 0)])
    md.append(table(["policy", "model", "bare", "slab B/dev (added)",
                     "MemFree drop B/dev (added)", "slab B/dev (bound)",
                     "MemFree drop B/dev (bound)", "layer slab B/dev",
                     "layer MemFree drop B/dev"], rows))
    h = doc.get("host")
    off = HOST_OFF.get("doc", {}).get("host") if arch == "x86_64" else None
    if h and off and h.get("slab_object_bytes_per_device") is not None:
        share = h["slab_object_bytes_per_device"] - \
            off["slab_object_bytes_per_device"]
        md.append(f"\nThe IOMMU's part of the kernel's own cost: "
                  f"{fmt(h['slab_object_bytes_per_device'], 0)} B of slab "
                  f"objects per function with intel_iommu=on, "
                  f"{fmt(off['slab_object_bytes_per_device'], 0)} B in a boot "
                  f"with intel_iommu=off ({off.get('with_iommu_group')} in a "
                  f"group): {fmt(share, 0)} B per function (remove + rescan "
                  f"{fmt((h.get('remove_ns_per_device', 0) + h.get('rescan_ns_per_device', 0)) / 1e6, 1)}"
                  f" ms on, {fmt((off.get('remove_ns_per_device', 0) + off.get('rescan_ns_per_device', 0)) / 1e6, 1)}"
                  f" ms off).\n")
    if h:
        md.append(f"\nThe guest kernel's own, per PCI function ({h.get('id')}, "
                  f"{h.get('functions')} functions, {h.get('rounds')} rounds of "
                  f"remove + rescan, {h.get('with_iommu_group')} back in an "
                  f"IOMMU group): slab objects "
                  f"{fmt(h.get('slab_object_bytes_per_device'), 0)} B "
                  f"(IOMMU-named caches "
                  f"{fmt(h.get('iommu_cache_bytes_per_device'), 0)} B; grown "
                  f"most: " + ", ".join(
                      f"{c['cache']} {fmt(c['bytes_per_device'], 0)} B"
                      for c in (h.get("top_caches") or [])[:4]) + "), "
                  f"remove {fmt((h.get('remove_ns_per_device') or 0) / 1e6, 1)} ms, "
                  f"rescan {fmt((h.get('rescan_ns_per_device') or 0) / 1e6, 1)} ms.\n")
    md.append("\n")


def bench_map(arch, docs, outdir, md):
    doc = docs.get("map")
    if not doc:
        return
    runs = doc["runs"]
    series = []
    for r in runs:
        key = (r["path"], r.get("size_name", str(r["size"])))
        if key not in series:
            series.append(key)
    # one block per path: threads, then pairs/s at each size (smallest
    # first); the header line names the columns
    paths = [p for p in ("ioctl", "dma_ops", "dma_ops_shared", "vfio",
                         "syscall", "cpu") if any(r["path"] == p for r in runs)]
    paths += sorted({r["path"] for r in runs} - set(paths))
    sizes = sorted({(r["size"], r.get("size_name", str(r["size"])))
                    for r in runs})
    with open(os.path.join(outdir, "map.dat"), "w") as f:
        for i, path in enumerate(paths):
            f.write("\n\n" if i else "")
            f.write(" ".join([f'"{path}"'] + [f'"{path} {n}"' for _, n in sizes])
                    + "\n")
            for t in sorted({r["threads"] for r in runs if r["path"] == path}):
                cols = []
                for sz, _ in sizes:
                    r = next((r for r in runs if r["path"] == path and
                              r["threads"] == t and r["size"] == sz), None)
                    cols.append(f"{r['ops_per_s']:.0f}" if r and r.get("ops_per_s")
                                else "NaN")
                f.write(f"{t} " + " ".join(cols) + "\n")
    vf = doc.get("vfio", {})
    md.append(f"### bench map ({arch})\n\nModel {doc.get('model')}, "
              f"{doc.get('seconds')} s runs, median of {doc.get('repeat')}; "
              f"vfio: " + (f"{len(vf.get('groups') or [])} groups (IOMMU "
                           f"groups {', '.join(str(g) for g in vf.get('groups') or [])})"
                           + (f"; {vf['groups_left_out']}" if vf.get("groups_left_out")
                              else "")
                           if vf.get("available")
                           else f"not available ({vf.get('reason')})")
              + ".\n\n")
    threads = sorted({r["threads"] for r in runs})
    rows = []
    for path, size in series:
        row = [path, size]
        for t in threads:
            r = next((r for r in runs if r["path"] == path and r["threads"] == t
                      and r.get("size_name", str(r["size"])) == size), None)
            if not r or r.get("ops_per_s") is None:
                row.append("-")
                continue
            extra = []
            if r.get("ratio_vs_kernel") is not None:
                extra.append(f"{r['ratio_vs_kernel']:.2f} x vfio")
            if t > 1 and r.get("scaling_efficiency") is not None:
                extra.append(f"eff {r['scaling_efficiency']:.2f}")
            row.append(fmt(round(r["ops_per_s"]))
                       + (f" ({'; '.join(extra)})" if extra else ""))
        rows.append(row)
    md.append(table(["path", "size"] + [f"{t} thread{'s' if t > 1 else ''}"
                                         for t in threads], rows))
    g = doc.get("goal")
    if g:
        md.append(f"\nGoals: lab paths >= {g.get('min_ratio_vs_kernel')} x "
                  f"vfio, scaling at 4 threads >= "
                  f"{g.get('min_scaling_efficiency_at_4')}: met "
                  f"{json.dumps(g.get('met'))}.\n")
    md.append("\n")


def bench_race(arch, docs, md):
    doc = docs.get("race")
    if not doc:
        return
    md.append(f"### bench race ({arch})\n\n{doc.get('seconds')} s per run, "
              f"seed {doc.get('seed')}.\n\n")
    rows = []
    for r in sorted(doc["runs"], key=lambda r: r.get("cycles_per_s") or 0):
        rows.append([r["scenario"], r["policy"], r.get("threads", "-"),
                     fmt(r.get("cycles")),
                     f"{(r.get('cycles_per_s') or 0):,.1f}",
                     fmt(r.get("violations")), r.get("outcome", "-"),
                     r.get("error") or ""])
    md.append(table(["scenario", "policy", "threads", "cycles", "cycles/s",
                     "violations", "outcome", "error"], rows))
    md.append("\n")


def generic(arch, name, doc, md):
    """Benchmarks this script has no table for: their JSON, verbatim."""
    md.append(f"### bench {name} ({arch})\n\n```json\n"
              f"{json.dumps(doc, indent=1)}\n```\n\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("arches", nargs="+")
    a = ap.parse_args()
    md = ["# make bench summary\n\n"]
    mpath = os.path.join(a.out, "machine.txt")
    if os.path.exists(mpath):
        with open(mpath) as f:
            md.append("```\n" + f.read() + "```\n\n")
    bad = 0
    off_log = os.path.join(a.out, "x86_64-iommu-off", "guest.log")
    if "x86_64-iommu-off" in a.arches and os.path.exists(off_log):
        _, raw, _ = read_log(off_log)
        if raw.get("mem", (1,))[0] == 0:
            HOST_OFF["doc"] = json.loads(raw["mem"][2])
            with open(os.path.join(a.out, "x86_64-iommu-off", "mem.json"),
                      "w") as f:
                json.dump(HOST_OFF["doc"], f, indent=1)
                f.write("\n")
        else:
            md.append("**x86_64 with intel_iommu=off: bench mem --host-only "
                      "did not run.**\n\n")
            bad = 1
    for arch in a.arches:
        if arch == "x86_64-iommu-off":
            continue
        d = os.path.join(a.out, arch)
        log = os.path.join(d, "guest.log")
        md.append(f"## {arch}\n\n")
        if not os.path.exists(log):
            md.append("No guest log.\n\n")
            bad = 1
            continue
        info, raw, errs = read_log(log)
        if info:
            md.append("Guest: " + ", ".join(f"{k} {v}" for k, v in info.items())
                      + ".\n\n")
        docs = {}
        for name, (st, secs, text) in raw.items():
            if st != 0:
                md.append(f"**{name} failed** (exit {st}): "
                          + "; ".join(errs.get(name, [])) + "\n\n")
                bad = 1
                continue
            try:
                docs[name] = json.loads(text)
            except json.JSONDecodeError as e:
                md.append(f"**{name}**: its JSON does not parse ({e})\n\n")
                bad = 1
                continue
            with open(os.path.join(d, name + ".json"), "w") as f:
                json.dump(docs[name], f, indent=1)
                f.write("\n")
        md.append("Run times: " + ", ".join(
            f"{n} {raw[n][1]} s" for n in raw) + ".\n\n")
        deferral(arch, docs, d, md)
        cycle(arch, docs, md)
        mem(arch, docs, md)
        bench_map(arch, docs, d, md)
        bench_race(arch, docs, md)
        for name, doc in docs.items():
            if name.startswith("deferral-") or name in ("cycle", "mem", "map",
                                                        "race"):
                continue
            generic(arch, name, doc, md)
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write("".join(md))
    return bad


if __name__ == "__main__":
    sys.exit(main())
