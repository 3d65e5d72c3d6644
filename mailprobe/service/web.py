"""Web-form channels, the service layer: worksheet, staff records, query-page polls, checks.

A role published as a web form gets a probe rendered like a mail probe (same template, same
code MP-… in the text) that waits ``manual`` until staff submit it by hand. Staff record
``submitted`` (latency starts then) or ``failed`` (the channel is unusable, charged like a
dead mailbox: docs/design.md §2). Answers come by e-mail (matched by the code, as any
reply), on the site's query page (`web poll`), or as a staff record (`web answered`); a web
answer is stored as a message of channel ``web`` with its evidence: the URL, the time it was
fetched, the extracted text and the page's raw HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from mailprobe import token as tokens
from mailprobe.campaign import render_target
from mailprobe.classify.human import judge_substance
from mailprobe.config import Settings
from mailprobe.errors import InputError
from mailprobe.model import CampaignState, SendState
from mailprobe.service import open_db
from mailprobe.store import Database, Session
from mailprobe.store.campaigns import get_campaign
from mailprobe.store.overrides import add_override
from mailprobe.store.probes import probe_targets
from mailprobe.store.web import (
    WebAnswer,
    WebProbe,
    form_mailboxes,
    pollable_web_probes,
    set_probe_state,
    store_web_answer,
    web_probe,
)
from mailprobe.webfetch import PoliteFetcher
from mailprobe.webparse import read_answer, site_for, web_settings

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class WorksheetRow:
    """One form to submit by hand: where, and the exact text to paste."""

    code: str
    unit_id: str
    unit_name: str
    role: str
    url: str
    subject: str
    text: str
    state: str


def worksheet(settings: Settings, name: str, now: datetime) -> list[WorksheetRow]:
    """The campaign's web-form probes still waiting for staff (state manual)."""
    with open_db(settings)() as session:
        campaign = get_campaign(session, name)
        targets = [t for t in probe_targets(session, campaign.id)
                   if t.channel == "form" and t.state == SendState.MANUAL]
    rows = []
    for target in targets:
        rendered = render_target(target, settings, now)
        rows.append(WorksheetRow(tokens.code(target.token), target.unit.unit_id,
                                 target.unit.name, target.mailbox_type, target.address,
                                 rendered.subject, rendered.body, target.state))
    return rows


def write_worksheet(rows: list[WorksheetRow], path: Path) -> Path:
    """An XLSX for the staff who submit the forms: one row per form, the text to paste."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "网页表单"
    sheet.append(["探针编码", "单位编号", "单位名称", "信箱类型", "表单网址", "标题",
                  "正文（原样粘贴）", "提交后登记"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        role = "领导信箱" if r.role == "leader" else "公共邮箱"
        sheet.append([r.code, r.unit_id, r.unit_name, role, r.url, r.subject, r.text,
                      f"mailprobe web submitted {r.code} --at 提交时间 --query-code 查询码"])
    for column, width in zip("ABCDEFGH", (18, 10, 24, 10, 40, 30, 60, 50), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        row[6].alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)
    return path


def _find(session: Session, code_or_token: str) -> WebProbe:
    found = tokens.tokens_in_codes(code_or_token) or [code_or_token.strip().lower()]
    probe = web_probe(session, found[0])
    if probe is None:
        raise InputError(f"no probe with code or token {code_or_token}; see `mailprobe web "
                         "worksheet NAME`")
    return probe


def _form_probe(session: Session, code: str, allowed: tuple[str, ...], action: str,
                campaign_states: tuple[str, ...] = (CampaignState.LAUNCHED,)) -> WebProbe:
    probe = _find(session, code)
    # docs/design.md §1: probes are recorded only on a launched campaign.
    if probe.campaign_state == CampaignState.DRAFT:
        raise InputError(f'campaign "{probe.campaign}" is a draft: launch it first '
                         f"(`mailprobe campaign launch {probe.campaign}`)")
    if probe.campaign_state not in campaign_states:
        raise InputError(f'campaign "{probe.campaign}" is {probe.campaign_state}: nothing '
                         "more is recorded for it")
    if probe.channel != "form":
        raise InputError(f"{code} is an e-mail probe ({probe.url}); `web {action}` is for "
                         "web-form probes")
    if probe.state not in allowed:
        raise InputError(f"{code} is {probe.state}, not {' or '.join(allowed)}; "
                         f"`web {action}` does not apply (see `mailprobe campaign status`)")
    return probe


def record_submitted(settings: Settings, code: str, at: datetime, query_code: str | None,
                     actor: str, now: datetime) -> WebProbe:
    """Staff submitted the form at ``at``: the probe is delivered, latency starts there."""
    if at > now:
        raise InputError(f"--at {at.isoformat()} is in the future; give the submission time")
    with open_db(settings)() as session, session.begin():
        probe = _form_probe(session, code, (SendState.MANUAL,), "submitted")
        set_probe_state(session, probe.probe_id, SendState.SUBMITTED, now,
                        started_at=at, query_code=query_code)
        add_override(session, now, actor, "web_submitted", probe.token,
                     at.isoformat(), f"query code {query_code or '-'}")
        return web_probe(session, probe.token) or probe


def record_failed(settings: Settings, code: str, reason: str, actor: str,
                  now: datetime) -> WebProbe:
    """The form could not be submitted: outcome channel_unusable, charged as a dead mailbox."""
    if not reason.strip():
        raise InputError("--reason is required: say what failed (404, CAPTCHA never loads, ...)")
    with open_db(settings)() as session, session.begin():
        probe = _form_probe(session, code, (SendState.MANUAL,), "failed")
        set_probe_state(session, probe.probe_id, SendState.UNUSABLE, now,
                        reply_text=f"web form unusable: {reason}")
        add_override(session, now, actor, "web_failed", probe.token, "unusable", reason)
        return web_probe(session, probe.token) or probe


def record_answered(settings: Settings, code: str, at: datetime, text: str, source: str,
                    actor: str, now: datetime) -> int:
    """Staff saw an answer (a query page, a letter, a call): stored with its text."""
    if not text.strip():
        raise InputError("the answer text is empty; put the answer's words in --text-file")
    if at > now:
        raise InputError(f"--at {at.isoformat()} is in the future; give the answer's time")
    with open_db(settings)() as session, session.begin():
        # A late answer still counts (the veto looks 90 days on): closed campaigns take it.
        probe = _form_probe(session, code, (SendState.SUBMITTED,), "answered",
                            (CampaignState.LAUNCHED, CampaignState.CLOSED))
        if probe.submitted_at is not None and at < probe.submitted_at:
            raise InputError(f"--at {at.isoformat()} is before the submission "
                             f"({probe.submitted_at.isoformat()}); check the time")
        substantive, why = judge_substance(text)
        answer = WebAnswer(
            probe.probe_id, probe.token, text.encode("utf-8"), f"staff:{source}", now, at,
            "staff", f"recorded by {actor} from {source}; {why}", substantive,
            {"channel": "web", "url": probe.url, "recorded_by": actor, "source": source,
             "text": text, "basis": "staff", "answered_at": at.isoformat()})
        message = store_web_answer(session, answer, now)
        add_override(session, now, actor, "web_answered", probe.token,
                     at.isoformat(), f"message {message}")
        return message


@dataclass
class WebPollSummary:
    """What one `web poll` did."""

    checked: int = 0
    answered: list[dict[str, str]] = field(default_factory=list)
    waiting: int = 0
    no_site: list[str] = field(default_factory=list)  # codes whose form has no configured site
    errors: list[dict[str, str]] = field(default_factory=list)


def poll_answers(settings: Settings, tz: ZoneInfo, clock: Clock,
                 sleep: Callable[[float], None] | None = None,
                 factory: Database | None = None) -> WebPollSummary:
    """Fetch the query page of every submitted form still unanswered; store new answers."""
    conf = web_settings(settings.web)
    factory = factory or open_db(settings)
    with factory() as session:
        probes = pollable_web_probes(session)
    summary = WebPollSummary()
    kwargs = {"sleep": sleep} if sleep is not None else {}
    with PoliteFetcher(conf, clock, **kwargs) as fetcher:
        for probe in probes:
            code = tokens.code(probe.token)
            rule = site_for(probe.url, conf.sites)
            if rule is None or probe.query_code is None:
                summary.no_site.append(code)
                continue
            summary.checked += 1
            page = fetcher.get(rule.lookup(probe.query_code))
            if not page.is_ok:
                summary.errors.append({"code": code, "url": page.url,
                                       "error": page.error or f"HTTP {page.status}"})
                continue
            found = read_answer(page.html, rule, page.fetched_at, tz)
            if found is None:
                summary.waiting += 1
                continue
            substantive, why = judge_substance(found.text)
            answer = WebAnswer(
                probe.probe_id, probe.token, page.html.encode("utf-8"), page.url,
                page.fetched_at, found.answered_at, "web_page",
                f"query page {page.url}: answered ({found.basis}"
                f"{': ' + found.published if found.published else ''}); {why}", substantive,
                {"channel": "web", "url": page.url, "fetched_at": page.fetched_at.isoformat(),
                 "text": found.text, "published": found.published, "basis": found.basis,
                 "answered_at": found.answered_at.isoformat()})
            with factory() as session, session.begin():
                message = store_web_answer(session, answer, clock())
            summary.answered.append({"code": code, "message": str(message),
                                     "basis": found.basis})
    return summary


@dataclass(frozen=True)
class FormCheck:
    """One published form fetched once."""

    unit_id: str
    role: str
    url: str
    status: int | None
    is_reachable: bool
    error: str


def check_forms(settings: Settings, clock: Clock,
                sleep: Callable[[float], None] | None = None) -> list[FormCheck]:
    """Fetch each published form once; a network error or an HTTP error is unreachable."""
    conf = web_settings(settings.web)
    with open_db(settings)() as session:
        forms = form_mailboxes(session)
    results = []
    kwargs = {"sleep": sleep} if sleep is not None else {}
    with PoliteFetcher(conf, clock, **kwargs) as fetcher:
        for unit_id, role, url in forms:
            page = fetcher.get(url)
            error = page.error or ("" if page.is_ok else f"HTTP {page.status}")
            results.append(FormCheck(unit_id, role, url, page.status, page.is_ok, error))
    return results
