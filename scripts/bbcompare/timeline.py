"""timeline.py - one picture of a stall: the Chrome trace-event JSON of
bpf/binder-timeline drawn as lanes per thread (transactions, page installs,
mmap_lock waits and holds), one panel per build, side by side, the slowest
transaction of each window marked.
"""
import glob
import json
import os

from .schema import InputError

# Span categories (binder_timeline.c) -> colour, lane height and legend text.
STYLE = {
    "hold": ("#9e9e9e", 0.8, "mmap_lock held by the holder"),
    "install-hold": ("#2e7d32", 0.5, "mmap_lock held by an install"),
    "wait": ("#ffb74d", 0.5, "mmap_lock wait (other)"),
    "install-wait": ("#d32f2f", 0.6, "mmap_lock wait inside an install"),
    "install": ("#66bb6a", 0.3, "page install"),
    "txn": ("#1e88e5", 0.15, "transaction (send to reply)"),
}


def read(path):
    """The spans and thread names of one binder-timeline JSON."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON ({e.msg} at line {e.lineno})")
    if not isinstance(doc, dict) or doc.get("otherData", {}).get("tool") != "binder-timeline":
        raise InputError(f"{path}: not a binder-timeline trace")
    names, spans = {}, []
    for e in doc.get("traceEvents", []):
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            names[e["tid"]] = e["args"]["name"]
        elif e.get("ph") == "X":
            spans.append(e)
    return doc["otherData"], names, spans


def lanes(spans):
    """Threads in drawing order: the holders (lock holds outside installs)
    first, then the threads that send transactions, then the others."""
    holders = {s["tid"] for s in spans if s["cat"] == "hold"}
    clients = {s["tid"] for s in spans if s["cat"] == "txn"} - holders
    others = {s["tid"] for s in spans} - holders - clients
    return sorted(holders) + sorted(clients) + sorted(others)


def role(tid, spans):
    """What a lane's thread did in the window, for its label."""
    mine = [s for s in spans if s["tid"] == tid]
    if any(s["cat"] == "txn" for s in mine):
        return "client"
    holds = [s for s in mine if s["cat"] == "hold"]
    if holds and any(s["args"].get("mm_owner") != s["pid"] for s in holds):
        return "holder"
    if holds:
        return "own mm"
    if any(s["cat"] == "install" for s in mine):
        return "replier"
    return ""


def draw(ax, spans, names, y, lo=None, hi=None):
    for cat in STYLE:
        colour, h, _ = STYLE[cat]
        for s in (s for s in spans if s["cat"] == cat):
            start, dur = s["ts"] / 1e3, s["dur"] / 1e3
            if lo is not None and (start + dur < lo or start > hi):
                continue
            ax.broken_barh([(start, max(dur, 0.02 if lo is None else (hi - lo) / 2000))],
                           (y[s["tid"]] - h / 2, h), color=colour, alpha=0.6 if cat == "hold" else 0.9)
    order = sorted(y, key=y.get)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([f"{names.get(t, t)} {role(t, spans)}".strip() for t in order], fontsize=6)
    ax.set_ylim(-1, max(len(order), 1))


def plot(traces, out):
    """traces: [(label, path)]; draws them side by side into out (PNG): the
    whole window above, the slowest transaction's neighbourhood below."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    data = [(label,) + read(path) for label, path in traces]
    rows = max(3.0, 0.3 * max(len(lanes(s)) for _, _, _, s in data) + 1.0)
    fig, axes = plt.subplots(2, len(data), figsize=(7 * len(data), 2 * rows + 1), squeeze=False)
    for col, (label, meta, names, spans) in enumerate(data):
        y = {tid: i for i, tid in enumerate(lanes(spans))}
        txns = [s for s in spans if s["cat"] == "txn"]
        top, zoom = axes[0][col], axes[1][col]
        draw(top, spans, names, y)
        top.set_xlabel("ms since the window opened", fontsize=7)
        top.set_title(f"{label}: {meta.get('window_ms')} ms window, {len(txns)} transactions"
                      + (f", {meta['dropped']} records dropped" if meta.get("dropped") else ""), fontsize=8)
        if not txns:
            zoom.set_axis_off()
            continue
        worst = max(txns, key=lambda s: s["dur"])
        a, d = worst["ts"] / 1e3, worst["dur"] / 1e3
        lo, hi = a - d / 2, a + d * 1.5
        top.axvspan(lo, hi, color="#fff59d", alpha=0.5, zorder=0)
        draw(zoom, spans, names, y, lo, hi)
        zoom.set_xlim(lo, hi)
        zoom.set_xlabel("ms since the window opened", fontsize=7)
        zoom.set_title(f"{label}: its slowest transaction, {d:.2f} ms (shaded above)", fontsize=8)
    fig.legend(handles=[Patch(color=c, label=t) for c, _, t in STYLE.values()], loc="lower center",
               ncol=3, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    tmp = out + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, out)
    return out


def find(inputs, builds, label):
    """[(build label, path)] of <dir>/<build dir>/rep-N-timeline.json in run
    directories (their label is the build id, label maps it to the build),
    in the order of builds."""
    found = {}
    for d in inputs:
        if not os.path.isdir(d):
            continue
        for path in sorted(glob.glob(os.path.join(d, "*", "rep-*-timeline.json"))):
            b = label.get(read(path)[0].get("label"))
            if b and b not in found:
                found[b] = path
    return [(b, found[b]) for b in builds if b in found]


def pick(timelines, reference):
    """The windows to draw side by side: the reference and patched when both
    are there (the comparison the picture is for), else every one."""
    keep = [(b, p) for b, p in timelines if b == reference or b.split("@")[0] == "patched"]
    return keep if len(keep) == 2 else timelines
