"""The report page: one self-contained HTML file a vetter can open offline.

Inline CSS and inline SVG only: no scripts, no fonts, no stylesheets or images from anywhere
else, so the page renders the same on an air-gapped laptop and can be attached to an email.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from classifier.model_dir import CATEGORIES
from classifier.scoring import plots
from classifier.scoring.columns import PROVISIONAL, RANKING_NOTE, provisional_summary
from classifier.scoring.economics import format_money, tier_rule
from classifier.scoring.report_data import ReportData, records
from classifier.scoring.signals import Burst, Cluster, Pod, RepeatAuthor

MAX_CARDS = 200
SPONSORED_NOTES = ("sponsored vs organic", "engagement drop")  # shown under the sponsored chart
MAX_TIMELINE_POINTS = 1500

SUBSTANTIVE_CATEGORIES = CATEGORIES["substantive"]
CATEGORY_COLORS = {
    "question": "#116329",
    "experience": "#1a7f37",
    "opinion": "#2da44e",
    "detail": "#4ac26b",
    "discussion": "#6fdd8b",
    "generic_praise": "#8c959f",
    "emoji_only": "#afb8c1",
    "tag_friend": "#d0d7de",
    "low_effort_request": "#6e7781",
    "off_topic": "#57606a",
    "gibberish": "#424a53",
    "contact_bait": "#cf222e",
    "follow_bait": "#fa4549",
    "self_promo": "#ff8182",
    "substantive (other)": "#a2e5b4",
    "generic (other)": "#c8d1da",
}

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", sans-serif;
       margin: 0; background: #f6f8fa; color: #24292f; font-size: 14px; line-height: 1.45; }
main { max-width: 1300px; margin: 0 auto; padding: 24px 28px 60px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 34px 0 10px; }
h3 { font-size: 15px; margin: 16px 0 6px; } .muted { color: #57606a; }
.summary { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.stat { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.stat b { display: block; font-size: 20px; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 12px; color: #fff; font-weight: 600; font-size: 12px; white-space: nowrap; }
.genuine { background: #1a7f37; } .mixed { background: #b7791f; } .suspicious { background: #cf222e; }
.insufficient { background: #6e7781; }
.badge.provisional { background: #fff; color: #9a6700; border: 1px dashed #bf8700; margin-left: 3px; }
.provisional-note { color: #9a6700; font-size: 13px; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; overflow: hidden; }
th, td { padding: 6px 8px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-size: 12px; color: #57606a; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.chip { display: inline-block; border-radius: 4px; padding: 0 5px; margin: 1px; font-size: 11px; background: #ffebe9; color: #a40e26; white-space: nowrap; }
.chip.ok { background: #dafbe1; color: #116329; }
.panel { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 14px 18px; margin: 12px 0; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 10px; padding: 16px 20px; margin: 18px 0; }
.card header { display: flex; justify-content: space-between; align-items: baseline; gap: 16px; flex-wrap: wrap; }
.card header h3 { font-size: 18px; margin: 0; }
.score { font-size: 28px; font-weight: 700; } .score small { font-size: 13px; font-weight: 400; color: #57606a; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 8px 28px; }
.kv { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px 14px; margin: 8px 0; }
.kv div { font-size: 12px; color: #57606a; } .kv b { display: block; font-size: 15px; color: #24292f; }
ul.reasons { margin: 8px 0; padding-left: 20px; } ul.reasons li { margin: 3px 0; }
.quote { background: #f6f8fa; border-left: 3px solid #d0d7de; padding: 3px 8px; margin: 3px 0; font-size: 13px; }
.quote.substantive { border-color: #1a7f37; } .quote.flagged { border-color: #cf222e; }
.quote .meta { color: #57606a; font-size: 11px; }
details { margin: 6px 0; } summary { cursor: pointer; color: #0969da; }
.evidence { font-size: 13px; } .evidence li { margin: 4px 0; }
table.ranking { font-size: 13px; }
table.ranking td.reason { min-width: 240px; font-size: 12px; color: #57606a; }
table.ranking td.flags { max-width: 150px; }
code { font-size: 12px; background: #eaeef2; padding: 0 4px; border-radius: 3px; }
.plot { max-width: 100%; height: auto; }
.grid.wide { grid-template-columns: repeat(auto-fit, minmax(600px, 1fr)); }
"""


def _pct(value: Any, digits: int = 0) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    return f"{number:.{digits}%}"


def _fmt(value: Any, digits: int = 1) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    if digits == 0 or (number == int(number) and abs(number) >= 100):
        return f"{number:,.0f}"
    return f"{number:,.{digits}f}"


def _badge(verdict: str, row: dict[str, Any] | None = None) -> str:
    css = "insufficient" if verdict == "insufficient data" else verdict
    badge = f'<span class="badge {css}">{escape(verdict)}</span>'
    if row and row.get("provisional"):
        columns = ", ".join(row.get("missing_columns") or [])
        tip = f"could be lower: checks that need {columns} could not run"
        badge += f'<span class="badge provisional" title="{escape(tip)}">{PROVISIONAL}</span>'
    return badge


def _provisional_note(row: dict[str, Any]) -> str:
    """The card's line on why its verdict is provisional, or ""."""
    if not row.get("provisional"):
        return ""
    signals = ", ".join(str(s).replace("_", " ") for s in row.get("missing_signals") or [])
    columns = ", ".join(row.get("missing_columns") or [])
    return (
        f'<div class="provisional-note"><b>Provisional verdict.</b> {escape(signals)} could not '
        f"run for this creator (no {escape(columns)}); with them the score could be lower.</div>"
    )


def _missing_columns(report: ReportData, rows: list[dict[str, Any]]) -> str:
    """The provisional count and a "column, table, turns on" table for the missing columns."""
    uses = report.missing_columns()
    if not uses:
        return ""
    sentence = provisional_summary(rows)
    lines = "".join(
        f"<tr><td><code>{escape(u.column)}</code></td><td>{escape(u.table)}</td>"
        f"<td>{escape(u.turns_on)}</td></tr>"
        for u in uses
    )
    return (
        '<div class="panel" id="missing-columns">'
        + (f'<p class="provisional-note"><b>{escape(sentence)}.</b></p>' if sentence else "")
        + "<b>Columns missing from the input</b> and what each would turn on:"
        + "<table><tr><th>Column</th><th>Table</th><th>Turns on</th></tr>"
        + lines
        + "</table></div>"
    )


def _money(value: Any, currency: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return format_money(number, currency if isinstance(currency, str) else None)


def _interval(low: Any, high: Any, fmt: Any) -> str:
    """ "low–high" in muted text; an unbounded high end shows as "no upper bound"."""
    lo, hi = fmt(low), fmt(high)
    if lo == "–" and hi == "–":
        return ""
    if hi == "–":
        return f"<div class='muted'>{lo} – no upper bound</div>"
    return f"<div class='muted'>{lo}–{hi}</div>"


def _amount(value: Any) -> str:
    """A cost without its currency (the row's currency is shown beside it)."""
    text = _money(value, "")
    return text.strip() or "–"


def _tier_colors(cfg: Any) -> dict[str, str]:
    return {
        name: plots.TIER_PALETTE[i % len(plots.TIER_PALETTE)]
        for i, name in enumerate(cfg.tier_names)
    }


def _price_scatter(rows: list[dict[str, Any]], report: ReportData) -> str:
    """One scatter per currency (never mixed): price against genuine engagements per post."""
    picked = {p.creator_id for p in report.budget.picks} if report.budget else set()
    colors = _tier_colors(report.config)
    by_currency: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row.get("price") is not None and isinstance(row.get("currency"), str):
            by_currency.setdefault(str(row["currency"]), []).append(row)
    if not by_currency:
        return (
            "<p class='muted'>No creator has a price with a currency, so there is no price "
            "chart and there are no cost figures.</p>"
        )
    parts = []
    for currency, group in sorted(by_currency.items(), key=lambda kv: -len(kv[1])):
        engagements = all(r.get("genuine_engagements_per_post") is not None for r in group)
        key = "genuine_engagements_per_post" if engagements else "platform_genuine_per_post"
        unit = "genuine engagements per post" if engagements else "genuine comments per post"
        points = [
            plots.ScatterPoint(
                str(r["creator_id"]),
                float(r["price"]),
                float(r[key]) if r.get(key) is not None else math.nan,
                float(r[f"{key}_low"]) if r.get(f"{key}_low") is not None else math.nan,
                float(r[f"{key}_high"]) if r.get(f"{key}_high") is not None else math.nan,
                str(r.get("tier") or "no tier"),
                str(r["creator_id"]) in picked,
            )
            for r in group
        ]
        parts.append(
            f"<div class='panel'><h3>Price ({escape(currency)}) against {unit}</h3>"
            + plots.scatter(
                points, colors, x_label=f"price per post ({currency})", y_label=unit, width=600
            )
            + "</div>"
        )
    legend = " ".join(
        f"<span class='chip' style='background:{color};color:#fff'>{escape(name)}</span>"
        for name, color in colors.items()
    )
    ring = " · ringed: the budget pick" if picked else ""
    return (
        f"<p class='muted'>Tier colors: {legend}; bars: 95% interval; log scales{ring}.</p>"
        f"<div class='grid wide'>{''.join(parts)}</div>"
    )


def _tier_table(rows: list[dict[str, Any]], carded: set[str], report: ReportData) -> str:
    """Creators grouped by tier, then platform, best genuine engagement rate first."""
    order = {name: i for i, name in enumerate(report.config.tier_names)}
    colors = _tier_colors(report.config)

    def key(row: dict[str, Any]) -> tuple[int, str, float]:
        rate = row.get("genuine_engagement_rate")
        return (
            order.get(str(row.get("tier")), len(order)),
            str(row.get("platform") or "~"),
            -(rate if rate is not None else -1.0),
        )

    head = (
        "<tr><th>Creator</th><th>Platform</th><th class='num'>Followers</th>"
        "<th class='num'>Engagement<br>rate</th><th class='num'>Genuine eng.<br>rate (95% CI)</th>"
        "<th class='num'>Percentile<br>in tier</th><th class='num'>Genuine comments<br>per post</th>"
        "<th class='num'>Price<br>per post</th><th class='num'>Per genuine<br>comment</th>"
        "<th class='num'>Per 1,000 genuine<br>engagements</th></tr>"
    )
    body = []
    current = None
    for row in sorted(rows, key=key):
        tier = row.get("tier") or "no tier (no followers)"
        if tier != current:
            current = tier
            members = [r for r in rows if (r.get("tier") or "no tier (no followers)") == tier]
            color = colors.get(str(tier), "#57606a")
            body.append(
                f"<tr><th colspan='10' style='color:{color}'>{escape(str(tier))} · "
                f"{len(members)} creator(s)</th></tr>"
            )
        cid = str(row["creator_id"])
        name = f'<a href="#{_anchor(cid)}">{escape(cid)}</a>' if cid in carded else escape(cid)
        missing = "".join(
            f"<div class='muted' style='font-size:11px'>{escape(m)}</div>"
            for m in row.get("economics_missing") or []
            if not str(m).startswith(SPONSORED_NOTES)
        )
        peers = row.get("tier_peers") or 0
        percentile = (
            f"{_fmt(row.get('tier_percentile'), 0)}<div class='muted'>of {peers + 1}</div>"
            if row.get("tier_percentile") is not None
            else "<span class='muted'>–</span>"
        )
        currency = row.get("currency")
        body.append(
            f"<tr><td>{name}{missing}</td><td>{escape(str(row.get('platform') or '–'))}</td>"
            f"<td class='num'>{_fmt(row.get('followers'), 0)}</td>"
            f"<td class='num'>{_pct(row.get('engagement_rate'), 1)}</td>"
            f"<td class='num'><b>{_pct(row.get('genuine_engagement_rate'), 2)}</b>"
            f"{_interval(row.get('genuine_engagement_rate_low'), row.get('genuine_engagement_rate_high'), lambda v: _pct(v, 2))}</td>"
            f"<td class='num'>{percentile}</td>"
            f"<td class='num'>{_fmt(row.get('platform_genuine_per_post'))}"
            f"{_interval(row.get('platform_genuine_per_post_low'), row.get('platform_genuine_per_post_high'), _fmt)}</td>"
            f"<td class='num'>{_money(row.get('price'), currency)}</td>"
            f"<td class='num'>{_money(row.get('cost_per_genuine_comment'), currency)}"
            f"{_interval(row.get('cost_per_genuine_comment_low'), row.get('cost_per_genuine_comment_high'), _amount)}</td>"
            f"<td class='num'>{_money(row.get('cost_per_1k_genuine_engagements'), currency)}"
            f"{_interval(row.get('cost_per_1k_genuine_engagements_low'), row.get('cost_per_1k_genuine_engagements_high'), _amount)}</td></tr>"
        )
    return f"<table class='ranking' id='tier-table'>{head}{''.join(body)}</table>"


def _sponsored_chart(rows: list[dict[str, Any]]) -> str:
    """Drop in substantive share and in engagement on sponsored posts, with intervals."""
    both = [r for r in rows if r.get("substantive_drop") is not None]
    if not both:
        return (
            "<p class='muted'>No creator has both sponsored and organic posts with comments "
            "(the posts table's <code>sponsored</code> column), so there is no comparison.</p>"
        )

    def scaled(row: dict[str, Any], name: str) -> plots.DiffRow:
        values = [row.get(f"{name}{s}") for s in ("", "_low", "_high")]
        v, lo, hi = (100.0 * float(x) if x is not None else math.nan for x in values)
        return plots.DiffRow(str(row["creator_id"]), v, lo, hi)

    share = plots.diverging([scaled(r, "substantive_drop") for r in both], limit=50.0)
    lines = [
        f"<li><b>{escape(str(r['creator_id']))}</b>: {escape(str(m))}</li>"
        for r in rows
        for m in r.get("economics_missing") or []
        if str(m).startswith(SPONSORED_NOTES)
    ]
    notes = (
        f"<details><summary>{len(lines)} comparison(s) limited</summary>"
        f"<ul class='evidence'>{''.join(lines)}</ul></details>"
        if lines
        else ""
    )
    engaged = [r for r in both if r.get("engagement_drop") is not None]
    engagement = (
        plots.diverging(
            [scaled(r, "engagement_drop") for r in engaged], limit=100.0, unit="% of organic"
        )
        if engaged
        else "<p class='muted'>No likes on the posts, so no engagement comparison.</p>"
    )
    return (
        "<div class='grid' id='sponsored-chart'><div class='panel'><h3>Drop in substantive share on "
        "sponsored posts (points, 95% CI)</h3>"
        + share
        + "</div><div class='panel'><h3>Drop in engagement per post on sponsored posts "
        "(% of organic, 95% CI)</h3>"
        + engagement
        + "<div class='muted'>Red: the whole interval is a drop. Few posts make wide "
        "intervals; an interval needs 2+ sponsored and 2+ organic posts with likes. Values "
        "beyond the axis are drawn at its end (the exact figures are in creators.csv).</div>"
        "</div></div>" + notes
    )


def _budget_panel(report: ReportData, carded: set[str]) -> str:
    plan = report.budget
    if plan is None:
        return (
            "<p class='muted'>No budget was given: <code>genuine score ... --budget 5000 "
            "--currency USD</code> adds the set of creators that gives the most genuine "
            "engagement for it.</p>"
        )

    def name(cid: str) -> str:
        return f'<a href="#{_anchor(cid)}">{escape(cid)}</a>' if cid in carded else escape(cid)

    picks = "".join(
        f"<tr><td>{name(p.creator_id)}</td><td class='num'>{escape(plan.money(p.price))}</td>"
        f"<td class='num'><b>{p.value_low:,.0f}</b><div class='muted'>expected {p.value:,.0f}</div></td>"
        f"<td class='reason'>{escape(p.reason)}</td></tr>"
        for p in plan.picks
    )
    skipped = "".join(
        f"<li><b>{name(s.creator_id)}</b>: {escape(s.reason)}</li>" for s in plan.skipped
    )
    table = (
        f"<table class='ranking'><tr><th>Pick</th><th class='num'>Price</th>"
        f"<th class='num'>{escape(plan.unit.capitalize())} per post<br>(low end)</th>"
        f"<th>Why</th></tr>{picks}</table>"
        if plan.picks
        else ""
    )
    return (
        f"<div class='panel' id='budget'><h3>Budget pick: {escape(plan.money(plan.amount))}</h3>"
        f"<p><b>{escape(plan.summary())}.</b> {escape(plan.money(plan.amount - plan.spent))} left. "
        f"<span class='muted'>One post per creator at its price; the pick maximizes the sum of the "
        f"lower ends of the 95% intervals ({escape(plan.note)}), so uncertain creators are not "
        f"favored; only creators priced in {escape(plan.currency)} count.</span></p>"
        f"{table}"
        + (
            f"<details><summary>{len(plan.skipped)} creator(s) not picked, and why</summary>"
            f"<ul class='evidence'>{skipped}</ul></details>"
            if skipped
            else ""
        )
        + "</div>"
    )


def _economics(report: ReportData, rows: list[dict[str, Any]], carded: set[str]) -> str:
    """The "What genuine engagement costs" section."""
    cfg = report.config
    off = [
        report.signals_off[k]
        for k in ("tiers", "engagement", "views_rate", "platform_counts", "costs", "currency")
        if k in report.signals_off
    ]
    missing = (
        "<ul class='evidence'>" + "".join(f"<li>{escape(t)}</li>" for t in off) + "</ul>"
        if off
        else ""
    )
    return (
        "<h2 id='economics'>What genuine engagement costs</h2>"
        "<div class='panel'><b>How these are computed.</b> Engagement rate = (likes + comments) ÷ "
        "followers per post, averaged over posts (comments: the platform's "
        "<code>comments_count</code> when given). <b>Genuine engagement</b> counts each comment by "
        "its genuine share (substantive and not copy-paste, pod, burst, bait) and discounts likes "
        "by the share of comments with evidence of bought engagement; its 95% interval comes from "
        "the intervals of those two shares. Cost per genuine comment = price ÷ genuine comments "
        "per post; per 1,000 genuine engagements = 1,000 × price ÷ genuine engagements per post. "
        f"Currencies are never converted or mixed. Tiers: {escape(tier_rule(cfg))}; the "
        "percentile compares a creator with the other creators of its tier on its platform in this "
        "report. Formulas and a worked example: docs/economics.md."
        + missing
        + "</div>"
        + _budget_panel(report, carded)
        + _price_scatter(rows, report)
        + "<h3>Tiers</h3>"
        + _tier_table(rows, carded, report)
        + "<h3>Sponsored against organic posts</h3>"
        + _sponsored_chart(rows)
    )


def _anchor(creator_id: str) -> str:
    return "c-" + "".join(ch if ch.isalnum() else "-" for ch in creator_id)


def _chips(row: dict[str, Any]) -> str:
    chips = []
    for key, label in (
        ("copy_paste_comments", "copy-paste"),
        ("pod_comments", "pod"),
        ("burst_posts", "burst posts"),
        ("bait_comments", "bait"),
        ("repeat_authors", "repeat authors"),
    ):
        count = row.get(key) or 0
        if count:
            chips.append(f'<span class="chip">{label} {int(count)}</span>')
    return "".join(chips) or '<span class="chip ok">none</span>'


def _header(report: ReportData, title: str, generated: str) -> str:
    creators = report.creators
    verdicts = creators["verdict"].value_counts()
    counted = int(report.comments["counted"].sum()) if len(report.comments) else 0
    stats = [
        ("creators", f"{len(creators):,}"),
        ("comments counted", f"{counted:,}"),
        ("posts", f"{len(report.posts):,}"),
    ] + [
        (v, str(int(verdicts.get(v, 0))))
        for v in ("genuine", "mixed", "suspicious", "insufficient data")
    ]
    boxes = "".join(
        f'<div class="stat"><b>{escape(value)}</b><span class="muted">{escape(name)}</span></div>'
        for name, value in stats
    )
    return (
        f"<h1>{escape(title)}</h1>"
        f'<div class="muted">Generated {escape(generated)} · labels from {escape(report.label_source)} · '
        f"scores 0-100 with 95% intervals, computed from comments alone</div>"
        f'<div class="summary">{boxes}</div>'
    )


def _how_to_read(report: ReportData) -> str:
    cfg = report.config
    off = "".join(
        f"<li><b>{escape(k.replace('_', ' '))}</b>: {escape(v)}</li>"
        for k, v in report.signals_off.items()
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in report.notes)
    problems = ""
    if report.problems:
        items = "".join(f"<li><code>{escape(str(p))}</code></li>" for p in report.problems[:50])
        more = (
            f"<li>… and {len(report.problems) - 50} more (see flags.json)</li>"
            if len(report.problems) > 50
            else ""
        )
        problems = (
            f"<details><summary>{len(report.problems)} input row(s) could not be used</summary>"
            f'<ul class="evidence">{items}{more}</ul></details>'
        )
    return (
        '<div class="panel"><b>How to read this.</b> Each comment gets a probability of being '
        "<i>substantive</i> (a question, an experience, a specific opinion or detail about the post). "
        "Comments that copy-paste clusters, pods, bursts after posting, repeat generic accounts or "
        "contact/follow bait explain are discounted. The <b>authenticity score</b> is "
        "100 × (share of comments without such evidence) × (substantive share relative to "
        f"{_pct(cfg.far_below_factor)} of the platform's norm, capped at 1). Verdict: "
        f"<b>genuine</b> ≥ {cfg.genuine_threshold:g}, <b>suspicious</b> &lt; {cfg.suspicious_threshold:g}, "
        f"<b>mixed</b> between, <b>insufficient data</b> under {cfg.min_comments} comments. Ranking uses the "
        "interval's lower end, so a few lucky comments never outrank thousands of good ones. A high share "
        "of short generic reactions alone is normal (41-90% on real platforms) and is not penalised. "
        "Formulas: docs/metric.md."
        + (
            f'<details><summary>{len(report.signals_off)} signal(s) off or limited by missing fields</summary><ul class="evidence">{off}</ul></details>'
            if off
            else ""
        )
        + (
            f'<details><summary>Notes</summary><ul class="evidence">{notes}</ul></details>'
            if notes
            else ""
        )
        + problems
        + "</div>"
    )


def _ranking(rows: list[dict[str, Any]], carded: set[str]) -> str:
    head = (
        "<tr><th class='num'>#</th><th>Creator</th><th>Verdict</th><th class='num'>Score<br>(95% CI)</th>"
        "<th class='num'>Comments</th><th class='num'>Substantive<br>(95% CI)</th>"
        "<th class='num'>Per post<br>genuine · raw</th><th class='num'>Per 1k followers<br>genuine · raw</th>"
        "<th class='num'>Inflation</th><th>Flags</th><th>Top reason</th></tr>"
    )
    body = []
    for row in rows:
        cid = str(row["creator_id"])
        name = f'<a href="#{_anchor(cid)}">{escape(cid)}</a>' if cid in carded else escape(cid)
        reasons = row.get("reasons") or []
        inflation = ("×" + _fmt(row["inflation"])) if row.get("inflation") is not None else "–"
        body.append(
            f"<tr><td class='num'>{row['rank']}</td><td>{name}<div class='muted'>{escape(_where(row))}</div></td>"
            f"<td>{_badge(str(row['verdict']), row)}</td>"
            f"<td class='num'><b>{_fmt(row['authenticity'], 0)}</b><div class='muted'>{_fmt(row['authenticity_low'], 0)}–{_fmt(row['authenticity_high'], 0)}</div></td>"
            f"<td class='num'>{_fmt(row['comments'], 0)}</td>"
            f"<td class='num'>{_pct(row['substantive_share'])}<div class='muted'>{_pct(row['substantive_low'])}–{_pct(row['substantive_high'])}</div></td>"
            f"<td class='num'>{_fmt(row['genuine_per_post'])} · {_fmt(row['comments_per_post'])}</td>"
            f"<td class='num'>{_fmt(row['genuine_rate_per_1k'], 2)} · {_fmt(row['raw_rate_per_1k'], 2)}</td>"
            f"<td class='num'>{inflation}</td>"
            f"<td class='flags'>{_chips(row)}</td><td class='reason'>{escape(reasons[0]) if reasons else ''}</td></tr>"
        )
    return f"<table class='ranking'>{head}{''.join(body)}</table>"


def _where(row: dict[str, Any]) -> str:
    """ "tiktok · micro": the platform and tier, whichever are known."""
    return " · ".join(str(row[k]) for k in ("platform", "tier") if row.get(k))


def _quote(text: str, kind: str, meta: str) -> str:
    short = text if len(text) <= 220 else text[:219] + "…"
    return (
        f'<div class="quote {kind}">{escape(short)} <span class="meta">{escape(meta)}</span></div>'
    )


def _examples(comments: pd.DataFrame) -> str:
    counted = comments.loc[comments["counted"].astype(bool)]
    flagged = counted.loc[counted["a"].astype(float) >= 0.5]
    clean = counted.loc[counted["a"].astype(float) < 0.5]
    substantive = (
        clean.loc[clean["p"] >= 0.5].sort_values(["p", "like_count"], ascending=False).head(4)
    )
    generic = clean.loc[clean["p"] < 0.5, "text"].value_counts().head(4)
    flagged_examples = flagged.drop_duplicates("text").head(4)
    parts = ["<h3>Example comments</h3>"]
    parts += [
        _quote(
            str(r["text"]),
            "substantive",
            f"p={r['p']:.2f}"
            + (f" · {r['category']}" if r["category"] in SUBSTANTIVE_CATEGORIES else ""),
        )
        for r in records(substantive)
    ]
    parts += [_quote(str(text), "generic", f"×{count} generic") for text, count in generic.items()]
    parts += [_quote(str(r["text"]), "flagged", str(r["flags"])) for r in records(flagged_examples)]
    if len(parts) == 1:
        parts.append('<div class="muted">no comments</div>')
    return "".join(parts)


def _mix(comments: pd.DataFrame, has_category: bool) -> str:
    counted = comments.loc[comments["counted"].astype(bool)]
    if not len(counted):
        return ""
    if has_category and counted["category"].notna().any():
        # A category that contradicts the comment's label (a weak category head) is not shown
        # as if it explained the label: such comments count as "other" on their label's side.
        category = counted["category"].astype(object)
        substantive = (counted["p"] >= 0.5).to_numpy()
        side_ok = np.where(
            substantive,
            category.isin(SUBSTANTIVE_CATEGORIES),
            ~category.isin(SUBSTANTIVE_CATEGORIES),
        )
        shown = np.where(
            category.notna().to_numpy() & side_ok,
            category.to_numpy(),
            np.where(substantive, "substantive (other)", "generic (other)"),
        )
        counts = pd.Series(shown).value_counts()
        order = [c for c in CATEGORY_COLORS if c in counts.index] + [
            c for c in counts.index if c not in CATEGORY_COLORS
        ]
        parts = [
            (c.replace("_", " "), float(counts[c]), CATEGORY_COLORS.get(c, "#d0d7de"))
            for c in order
        ]
        title = "Category mix"
    else:
        flagged = counted["a"].astype(float) >= 0.5
        parts = [
            ("substantive", float(((counted["p"] >= 0.5) & ~flagged).sum()), "#1a7f37"),
            ("generic", float(((counted["p"] < 0.5) & ~flagged).sum()), "#8c959f"),
            ("flagged", float(flagged.sum()), "#cf222e"),
        ]
        title = "Comment mix"
    return f"<h3>{title}</h3>{plots.stacked(parts, width=340)}"


def _timeline(comments: pd.DataFrame, posts: pd.DataFrame) -> str:
    counted = comments.loc[comments["counted"].astype(bool) & comments["created_at"].notna()]
    if counted.empty:
        return ""
    times = pd.to_datetime(counted["created_at"], utc=True)
    post_times = pd.to_datetime(posts["posted_at"], utc=True)
    origin = min(times.min(), post_times.min()) if post_times.notna().any() else times.min()
    if len(counted) > MAX_TIMELINE_POINTS:
        counted = counted.sample(MAX_TIMELINE_POINTS, random_state=0)
        times = pd.to_datetime(counted["created_at"], utc=True)
    minutes = ((times - origin).dt.total_seconds() / 60).to_numpy()
    lanes = [
        "flagged" if a >= 0.5 else ("substantive" if p >= 0.5 else "generic")
        for a, p in zip(counted["a"].astype(float), counted["p"].astype(float), strict=True)
    ]
    points = [plots.TimelinePoint(float(m), lane) for m, lane in zip(minutes, lanes, strict=True)]
    marks = []
    for k, row in enumerate(records(posts), start=1):
        if row.get("posted_at"):
            start = (pd.Timestamp(row["posted_at"]) - origin).total_seconds() / 60
            marks.append((float(start), f"P{k}", bool(row.get("burst"))))
    return "<h3>Timeline of comments</h3>" + plots.timeline(marks, points, width=1180)


def _post_table(posts: pd.DataFrame) -> str:
    if posts.empty:
        return ""
    rows = []
    for k, row in enumerate(records(posts), start=1):
        burst = '<span class="chip">burst</span>' if row.get("burst") else ""
        sponsored = (
            "sponsored"
            if row.get("sponsored") is True
            else ("organic" if row.get("sponsored") is False else "–")
        )
        posted = str(row.get("posted_at") or "–")[:16].replace("T", " ")
        rows.append(
            f"<tr><td>P{k}</td><td>{escape(str(row['post_id']))}</td><td>{escape(posted)}</td><td>{sponsored}</td>"
            f"<td class='num'>{_fmt(row['comments'], 0)}</td><td class='num'>{_pct(row['substantive_share'])}</td>"
            f"<td class='num'>{_fmt(row['genuine_comments'])}</td><td class='num'>{_pct(row.get('early_share'))}</td>"
            f"<td class='num'>{_pct(row.get('baseline_share'))}</td><td>{burst}</td></tr>"
        )
    head = (
        "<tr><th></th><th>Post</th><th>Posted (UTC)</th><th>Type</th><th class='num'>Comments</th>"
        "<th class='num'>Substantive</th><th class='num'>Genuine</th><th class='num'>First 15 min</th>"
        "<th class='num'>Expected</th><th></th></tr>"
    )
    return f"<details><summary>Posts ({len(posts)})</summary><table>{head}{''.join(rows)}</table></details>"


def _cluster_item(cl: Cluster, cid: str) -> str:
    here = cl.comments_by_creator.get(cid, 0)
    variants = "".join(f"<div class='quote flagged'>{escape(v)}</div>" for v in cl.variants[:4])
    others = [c for c in cl.creators if c != cid]
    elsewhere = f"; also on {escape(', '.join(others[:4]))}" if others else ""
    return (
        f"<li><b>Copy-paste {escape(cl.cluster_id)}</b>: {here} near-identical comments here "
        f"({cl.comments} in all, {cl.authors} accounts{elsewhere}). Variants:{variants}"
        f"<div class='muted'>comment ids: {escape(', '.join(cl.comment_ids[:10]))}</div></li>"
    )


def _burst_item(bursts: Sequence[Burst]) -> str:
    lines = []
    for b in bursts:
        versus = "the creator's other posts" if b.kind == "relative" else "other posts"
        lines.append(
            f"<li><code>{escape(b.post_id)}</code>: {b.early_comments} of {b.comments} comments "
            f"({_pct(b.early_share)}) in the first {b.window_minutes:g} min; {versus}: "
            f"{_pct(b.baseline_share)} ({escape(b.kind)}, p={b.p_value:.1e})</li>"
        )
    source = bursts[0].post_time_from
    return (
        f"<li><b>Bursts after posting</b> on {len(bursts)} post(s) (post time from {escape(source)}):"
        f"<ul>{''.join(lines)}</ul></li>"
    )


def _evidence(
    cid: str,
    clusters: Sequence[Cluster],
    pods: Sequence[Pod],
    bursts: Sequence[Burst],
    repeats: Sequence[RepeatAuthor],
    bait: pd.DataFrame,
) -> str:
    items: list[str] = []
    mine_clusters = sorted(
        (cl for cl in clusters if cl.comments_by_creator.get(cid, 0) >= 2),
        key=lambda cl: -cl.comments_by_creator.get(cid, 0),
    )
    items += [_cluster_item(cl, cid) for cl in mine_clusters[:2]]
    if len(mine_clusters) > 2:
        rest = "".join(_cluster_item(cl, cid) for cl in mine_clusters[2:])
        items.append(
            f"<li><details><summary>{len(mine_clusters) - 2} more copy-paste cluster(s)</summary>"
            f"<ul class='evidence'>{rest}</ul></details></li>"
        )
    for pod in pods:
        here = pod.comments_by_creator.get(cid, 0)
        if not here:
            continue
        speed = (
            f", median {pod.median_delay_minutes:.0f} min after posting"
            if pod.median_delay_minutes is not None
            else ""
        )
        items.append(
            f"<li><b>Pod {escape(pod.pod_id)}</b>: {here} comments here from {len(pod.authors)} accounts "
            f"({escape(', '.join(pod.authors))}) who also comment on "
            f"{escape(', '.join(c for c in pod.creators if c != cid))}; {escape(pod.why)}{speed}.</li>"
        )
    mine_bursts = [b for b in bursts if b.creator_id == cid]
    if mine_bursts:
        items.append(_burst_item(mine_bursts))
    mine = [r for r in repeats if r.creator_id == cid]
    if mine:
        people = ", ".join(
            f"{escape(r.author_id)} ({r.posts}/{r.creator_posts} posts)" for r in mine[:10]
        )
        example = f" e.g. “{escape(mine[0].examples[0])}”" if mine[0].examples else ""
        items.append(
            f"<li><b>Repeat generic accounts</b> (generic comments on nearly every post): {people};{example}.</li>"
        )
    if not bait.empty:
        quotes = "".join(
            f"<div class='quote flagged'>{escape(str(t))}</div>"
            for t in bait["text"].drop_duplicates().head(4)
        )
        items.append(
            f"<li><b>Contact / follow / promo bait</b>: {len(bait)} comment(s).{quotes}</li>"
        )
    if not items:
        return "<h3>Flags</h3><div class='muted'>No copy-paste clusters, pods, bursts, repeat generic accounts or bait found.</div>"
    return f"<h3>Flags and evidence</h3><ul class='evidence'>{''.join(items)}</ul>"


def _card(
    row: dict[str, Any],
    comments: pd.DataFrame,
    posts: pd.DataFrame,
    report: ReportData,
    has_category: bool,
) -> str:
    cid = str(row["creator_id"])
    reasons = "".join(f"<li>{escape(r)}</li>" for r in row.get("reasons") or [])
    followers = row.get("followers")
    metrics = [
        ("comments counted", _fmt(row["comments"], 0)),
        ("posts", _fmt(row["posts"], 0)),
        ("distinct authors", _fmt(row.get("authors"), 0)),
        ("expected genuine comments", _fmt(row["genuine_comments"])),
        ("genuine authors (expected)", _fmt(row.get("genuine_authors"), 0)),
        ("followers", _fmt(followers, 0)),
        (
            "genuine / raw per post",
            f"{_fmt(row['genuine_per_post'])} / {_fmt(row['comments_per_post'])}",
        ),
        (
            "rate per 1k followers",
            f"{_fmt(row['genuine_rate_per_1k'], 2)} / {_fmt(row['raw_rate_per_1k'], 2)}",
        ),
        (
            "inflation (raw ÷ genuine)",
            ("×" + _fmt(row["inflation"])) if row.get("inflation") is not None else "–",
        ),
    ]
    currency = row.get("currency")
    metrics += [
        (
            "engagement rate / genuine",
            f"{_pct(row.get('engagement_rate'), 1)} / {_pct(row.get('genuine_engagement_rate'), 2)}",
        ),
        ("price per post", _money(row.get("price"), currency)),
        ("per genuine comment", _money(row.get("cost_per_genuine_comment"), currency)),
    ]
    for kind in ("sponsored", "organic"):
        if row.get(f"{kind}_comments"):
            value = f"{_pct(row.get(f'{kind}_share'))} ({_pct(row.get(f'{kind}_low'))}–{_pct(row.get(f'{kind}_high'))})"
            metrics.append((f"substantive on {kind} posts", value))
    if row.get("top_overlap"):
        shared = str(row["top_overlap"]).split("; ")[:2]
        metrics.append(
            (
                "shares most commenters with",
                escape("; ".join(s.replace(" shared commenters", "") for s in shared)),
            )
        )
    grid = "".join(f"<div>{escape(name)}<b>{value}</b></div>" for name, value in metrics)
    share = plots.share_bar(
        row["substantive_share"] or 0.0,
        row["substantive_low"] or 0.0,
        row["substantive_high"] or 0.0,
        row["norm"],
        row["norm_floor"],
        width=340,
    )
    bait = comments.loc[comments["counted"].astype(bool) & comments["bait"].notna()]
    evidence = _evidence(
        cid, report.clusters, report.pods, report.bursts, report.repeat_authors, bait
    )
    return (
        f'<section class="card" id="{_anchor(cid)}"><header><h3>#{row["rank"]} {escape(cid)} '
        f'<span class="muted">{escape(_where(row))} {escape(str(row.get("language") or ""))}</span></h3>'
        f'<div>{_badge(str(row["verdict"]), row)} <span class="score">{_fmt(row["authenticity"], 0)}'
        f"<small> / 100 (95% CI {_fmt(row['authenticity_low'], 0)}–{_fmt(row['authenticity_high'], 0)})</small></span></div></header>"
        f"{_provisional_note(row)}"
        f'<ul class="reasons">{reasons}</ul>'
        f'<div class="grid"><div><h3>Substantive share: {_pct(row["substantive_share"])} '
        f'<span class="muted">({_pct(row["substantive_low"])}–{_pct(row["substantive_high"])})</span></h3>{share}'
        f"{_mix(comments, has_category)}</div><div class='kv'>{grid}</div></div>"
        f"{_timeline(comments, posts)}"
        f'<div class="grid"><div>{_examples(comments)}</div><div>{evidence}</div></div>'
        f"{_post_table(posts)}</section>"
    )


def render(
    report: ReportData, *, title: str = "Genuine engagement report", max_cards: int = MAX_CARDS
) -> str:
    """The whole page as a string."""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = records(report.creators)
    carded_rows = rows[:max_cards]
    carded = {str(r["creator_id"]) for r in carded_rows}
    score_rows = [
        plots.ScoreRow(
            str(r["creator_id"]),
            float(r["authenticity"]) if r["authenticity"] is not None else math.nan,
            r["authenticity_low"] or 0.0,
            r["authenticity_high"] or 0.0,
            str(r["verdict"]),
            _anchor(str(r["creator_id"])) if str(r["creator_id"]) in carded else "",
        )
        for r in rows[:60]
    ]
    rate_rows = [
        plots.RateRow(
            str(r["creator_id"]),
            r["comments_per_post"] or 0.0,
            r["genuine_per_post"] or 0.0,
            str(r["verdict"]),
        )
        for r in rows[:60]
    ]
    has_category = "categories" not in report.signals_off
    by_creator = (
        {str(k): v for k, v in report.comments.groupby("creator_id")}
        if len(report.comments)
        else {}
    )
    posts_by = (
        {str(k): v for k, v in report.posts.groupby("creator_id")} if len(report.posts) else {}
    )
    empty_c = report.comments.iloc[0:0]
    empty_p = report.posts.iloc[0:0]
    cards = "".join(
        _card(
            r,
            by_creator.get(str(r["creator_id"]), empty_c),
            posts_by.get(str(r["creator_id"]), empty_p),
            report,
            has_category,
        )
        for r in carded_rows
    )
    more = (
        (
            f"<p class='muted'>Cards for the first {max_cards} of {len(rows)} creators; all creators are in "
            "creators.csv.</p>"
        )
        if len(rows) > max_cards
        else ""
    )
    body = (
        _header(report, title, generated)
        + _how_to_read(report)
        + _missing_columns(report, rows)
        + "<h2>Ranking</h2>"
        + f'<p class="muted">{escape(RANKING_NOTE[0].upper() + RANKING_NOTE[1:])}.</p>'
        + _ranking(rows, carded)
        + '<h2>Scores at a glance</h2><div class="grid"><div class="panel"><h3>Authenticity score and 95% interval</h3>'
        + plots.forest(
            score_rows,
            width=560,
            thresholds=(report.config.suspicious_threshold, report.config.genuine_threshold),
        )
        + '</div><div class="panel"><h3>Genuine vs raw comments per post</h3>'
        + plots.dumbbell(rate_rows, width=560)
        + "</div></div>"
        + _economics(report, rows, carded)
        + "<h2>Creators</h2>"
        + more
        + cards
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>\n"
    )
