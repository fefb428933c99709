"""Charts for the report: matplotlib (Agg, no display), PNG embedded as a data: URI so the HTML is one
self-contained file that opens without a network."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PALETTE = ["#1d4f91", "#e07b39", "#2a9d8f", "#8e5ea2", "#c9a227", "#6c757d", "#d1495b", "#66a182"]
INK = "#1f2933"
GRID = "#d9dee4"
TARGET = "#b02e2e"
DPI = 120

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.edgecolor": GRID,
        "axes.labelcolor": INK,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "axes.titlecolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "svg.hashsalt": "cscw",
    }
)


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _axes(width: float = 5.2, height: float = 2.6):
    # Constrained layout fits labels in one pass (bbox_inches="tight" would draw every chart twice).
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _fmt(v: float, percent: bool) -> str:
    if percent:
        return f"{v:.1f}%"
    return f"{v:,.1f}" if v != int(v) else f"{int(v):,}"


def trend(
    labels: list[str],
    values: list[float | None],
    *,
    kind: str,
    percent: bool,
    target: float | None = None,
    band: tuple[float, float] | None = None,
) -> str:
    """The headline over several years (bars or a line), with the target as a dashed line."""
    fig, ax = _axes()
    xs = list(range(len(labels)))
    pts = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
    if kind == "bar":
        ax.bar([x for x, _ in pts], [v for _, v in pts], color=PALETTE[0], width=0.6)
    else:
        ax.plot([x for x, _ in pts], [v for _, v in pts], color=PALETTE[0], marker="o", linewidth=2)
    for x, v in pts:
        ax.annotate(
            _fmt(v, percent),
            (x, v),
            textcoords="offset points",
            xytext=(0, 4),
            ha="center",
            fontsize=8,
            color=INK,
        )
    if band:
        ax.axhspan(band[0], band[1], color=PALETTE[2], alpha=0.12, label=f"range {band[0]:g}-{band[1]:g}")
    if target is not None:
        ax.axhline(
            target, color=TARGET, linestyle="--", linewidth=1.2, label=f"target {_fmt(target, percent)}"
        )
    if target is not None or band:
        ax.legend(frameon=False, loc="best", fontsize=8)
    ax.set_xticks(xs, labels)
    top = max([v for _, v in pts] + [target or 0] + [band[1] if band else 0] + [1])
    if percent:
        low = min([v for _, v in pts] + [target if target is not None else 100])
        ax.set_ylim(max(0, min(low - 10, 80 if low >= 85 else 0)), min(105, max(top + 5, 100)))
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=0))
    else:
        ax.set_ylim(0, top * 1.15)
    return _png(fig)


def series(
    labels: list[str], named: dict[str, list[float | None]], *, kind: str, percent: bool = False
) -> str:
    """Monthly values: one line, or grouped/stacked bars, per series."""
    fig, ax = _axes(8.0, 2.6)
    xs = list(range(len(labels)))
    n = max(len(named), 1)
    width = 0.8 / n
    for i, (name, vals) in enumerate(named.items()):
        colour = PALETTE[i % len(PALETTE)]
        if kind == "line":
            pts = [(x, v) for x, v in zip(xs, vals, strict=True) if v is not None]
            ax.plot(
                [x for x, _ in pts],
                [v for _, v in pts],
                marker="o",
                markersize=3,
                linewidth=2,
                color=colour,
                label=name,
            )
        else:
            offs = [x - 0.4 + width * (i + 0.5) for x in xs]
            ax.bar(offs, [v or 0 for v in vals], width=width * 0.95, color=colour, label=name)
    ax.set_xticks(xs, labels, rotation=0, fontsize=8)
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=0))
    else:
        ax.set_ylim(bottom=0)
    if len(named) > 1:
        ax.legend(
            frameon=False, ncols=min(len(named), 4), fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.12)
        )
    return _png(fig)


def pie(labels: list[str], values: list[float]) -> str:
    """Shares of a whole (e.g. placement type or legal status of the CLA population)."""
    fig, ax = plt.subplots(figsize=(5.2, 2.6), layout="constrained")
    pairs = [(label, v) for label, v in zip(labels, values, strict=True) if v and v > 0]
    total = sum(v for _, v in pairs) or 1
    wedges, _ = ax.pie(
        [v for _, v in pairs],
        colors=PALETTE[: len(pairs)] + PALETTE[: max(0, len(pairs) - 8)],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.45, "edgecolor": "white"},
    )
    ax.legend(
        wedges,
        [f"{label} {100 * v / total:.1f}%" for label, v in pairs],
        frameon=False,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=8,
    )
    ax.set_aspect("equal")
    return _png(fig)


def bars(
    labels: list[str],
    values: list[float | None],
    *,
    horizontal: bool = False,
    percent: bool = False,
) -> str:
    """One bar per category (PN codes, challenge categories, resolution levels)."""
    fig, ax = _axes(5.2, max(2.2, 0.3 * len(labels) + 0.6) if horizontal else 2.6)
    vals = [v or 0 for v in values]
    if horizontal:
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ys = list(range(len(labels)))[::-1]
        ax.barh(ys, vals, color=PALETTE[0], height=0.6)
        ax.set_yticks(ys, labels)
        for y, v in zip(ys, vals, strict=True):
            ax.annotate(
                _fmt(v, percent), (v, y), textcoords="offset points", xytext=(3, 0), va="center", fontsize=8
            )
        ax.set_xlim(0, max(vals + [1]) * 1.15)
    else:
        xs = list(range(len(labels)))
        ax.bar(xs, vals, color=PALETTE[0], width=0.6)
        ax.set_xticks(xs, labels)
        for x, v in zip(xs, vals, strict=True):
            ax.annotate(
                _fmt(v, percent), (x, v), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=8
            )
        ax.set_ylim(0, max(vals + [1]) * 1.15)
    return _png(fig)


def caseloads(values: list[float], band: tuple[float, float]) -> str:
    """Each IRO's caseload per FTE, largest first, against the Handbook range (shaded)."""
    fig, ax = _axes(8.0, 2.6)
    xs = list(range(1, len(values) + 1))
    colours = [
        PALETTE[0] if band[0] <= v <= band[1] else TARGET if v > band[1] else PALETTE[1] for v in values
    ]
    ax.bar(xs, values, color=colours, width=0.8)
    ax.axhspan(
        band[0], band[1], color=PALETTE[2], alpha=0.15, label=f"IRO Handbook range {band[0]}-{band[1]}"
    )
    ax.set_xlabel("IROs, largest caseload first")
    ax.set_ylabel("children per FTE")
    ax.set_xticks([])
    ax.set_ylim(0, max(values + [band[1]]) * 1.1)
    ax.legend(frameon=False, loc="upper right", fontsize=8)
    return _png(fig)
