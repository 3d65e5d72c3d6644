"""Separate the new text of a reply from the quoted probe. Pure; never raises.

Quote shapes handled (the mailers' own output; docs/classify.md, "What Chinese mail looks like"):

- separator lines, after which everything is quoted: QQ/Foxmail
  "------------------ 原始邮件 ------------------" (English UI: "Original"), Outlook
  "-----Original Message-----" / "-----邮件原件-----", 139 mail "----邮件原文----",
  Thunderbird "-------- 原始消息 --------" (when ">" lines follow, as Zimbra writes them, only
  the separator and the ">" lines go);
- header blocks: Outlook/Exchange/Foxmail "From: … Sent: … To: … Subject: …" and
  "发件人: … 发送时间: … 收件人: … 主题: …" (also after Outlook's "_____" line);
- attribution lines: Coremail/163 "在 2025-03-01 10:00:00，"张三" <x@163.com> 写道：",
  Gmail "张三 <x@y> 于2025年3月1日周六 10:00写道：" and "On Sat, Mar 1, 2025 at 10:00 AM … wrote:"
  (possibly wrapped over two lines), Apple Mail "2025年3月1日 10:00，张三 <x@y> 写道：";
  when ">"-quoted lines follow (after at most a few lines of the person's own), only the
  attribution and the ">" lines go (bottom posting, answers between attribution and quote);
- Outlook's separator and header block over ">" lines: only those go (an answer below them);
- Outlook for Mac's attribution over the original indented four spaces: the indented block
  goes, text below it is the person's;
- an attribution that opens the text ("X writes:"): any number of the person's lines may
  stand between it and the ">" quote (under a top answer, at most six);
- lines starting with ">" anywhere, also escaped as "&gt;" (a plain part made from HTML, as
  QQ Mail/Foxmail send it: HTML 4.01 section 5.3.2 names ``&gt;`` for ">").
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mailprobe.classify import phrases_reply as P

_SEPARATOR = re.compile(
    r"^[-—－=_*]{2,}\s*(?:原始邮件|原始信息|原始消息|原邮件|邮件原件|邮件原文|原文|"
    r"original(?:\s+message)?|forwarded message|转发的消息|转发邮件信息|转发的邮件|"
    r"reply message|回复邮件|ursprüngliche nachricht|originalnachricht|weitergeleitete nachricht|"
    r"message d'origine|message original|mensaje original|mensaje reenviado|messaggio originale|"
    r"oorspronkelijk bericht|doorgestuurd bericht|originalmeddelande|opprinnelig melding|"
    r"oprindelig meddelelse|alkuperäinen viesti|wiadomość oryginalna|mensagem original)"
    r"\s*[-—－=_*]{2,}$",
    re.IGNORECASE,
)
_HEADER_START = re.compile(
    r"^\**(?:发件人|寄件者|发信人|from|von|de|van|da|från|fra|od|mittente)\**\s*[:：]", re.I)
# NetEase's enterprise webmail (HMail) labels its quote header "发送日期" and "抄送人"
# (tests/corpus/f2fs-list-replies/hmail-webmail-bottom-reply.eml): date and copy labels take
# an optional 发送/发件 before and 人 after, as the other mailers' labels do.
_HEADER_NEXT = re.compile(
    r"^\**(?:(?:发送|发件|寄件)?(?:时间|日期)|收件人|抄送人?|主题|sent|date|to|cc|subject"
    r"|gesendet|datum|an|betreff|envoyé|date|à|objet|enviado|fecha|para|asunto|verzonden|aan"
    r"|onderwerp|inviato|data|a|oggetto|skickat|till|ämne|sendt|til|emne|wysłano|temat)"
    r"\**\s*[:：]",
    re.IGNORECASE,
)
_ATTRIBUTION_END = re.compile(r"(?:写道|寫道|wrote|writes|schrieb|a écrit|escribió|ha scritto"
                              r"|schreef|skrev|napisał|kirjoitti|escreveu)\s*[:：]?\s*$", re.I)
_ATTRIBUTION_START = re.compile(r"^(?:在|on|at|于|am|le|el|il|op|den|w dniu|em|\d{4}[-/年.])",
                                re.IGNORECASE)
_FORWARD_START = re.compile(r"^(?:begin forwarded message|下面是被转发的邮件)\s*[:：]?$", re.I)
_UNDERSCORES = re.compile(r"^_{8,}$")
_TRAILER = re.compile(r"^(?:" + "|".join(P.MOBILE_TRAILERS) + r")$", re.IGNORECASE)


class Split(NamedTuple):
    """A reply split into what the person wrote and what they quoted."""

    new: str
    quoted: str
    marker: str  # the quote header that decided the cut, "" when nothing was quoted


def split_reply(text: str) -> Split:
    """Split ``text`` into new text and quoted text."""
    try:
        return _split(text)
    except Exception:  # pure string work, but a classifier must never raise on hostile text
        return Split(text.strip(), "", "")


def strip_quotes(text: str) -> str:
    """The new text of a reply: quoted blocks and their headers removed."""
    return split_reply(text).new


_ESCAPED_QUOTE = re.compile(r"^([ \t]*)&gt;", re.MULTILINE)


def _split(text: str) -> Split:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&gt;" in text:
        text = _ESCAPED_QUOTE.sub(r"\1>", text)
    lines = text.split("\n")
    cut, marker, drop = _find_cut(lines)
    kept = lines if cut is None else lines[:cut]
    quoted = [] if cut is None else lines[cut:]
    new_lines: list[str] = []
    for index, line in enumerate(kept):
        if index in drop or line.lstrip().startswith(">"):
            quoted.append(line)
            marker = marker or ">"
            continue
        new_lines.append(line)
    return Split(_tidy(new_lines), "\n".join(quoted).strip(), marker)


def _find_cut(lines: list[str]) -> tuple[int | None, str, set[int]]:
    """Index where the quoted part starts, the marker seen, and attribution lines to drop."""
    drop: set[int] = set()
    marker = ""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith(">"):
            continue
        if _SEPARATOR.match(line) and _quoted_lines_follow(lines, i + 1):
            drop.add(i)  # Zimbra: "----- Original Message -----", then "> " lines
            marker = marker or line
            continue
        if _SEPARATOR.match(line) and _opens_text(lines, i, drop) and _header_block_at(
                lines, i + 1) and _quoted_lines_follow(lines, _header_block_end(lines, i + 1)):
            # Outlook's separator and header block over a ">" quote, the answer below it (only
            # when they open the text: under a top answer, the original may be a bottom reply)
            drop.update(range(i, _header_block_end(lines, i + 1)))
            marker = marker or line
            continue
        if _SEPARATOR.match(line) or _FORWARD_START.match(line):
            return i, line, drop
        if _UNDERSCORES.match(line) and _header_block_at(lines, i + 1):
            return i, "From:", drop
        if _header_block_at(lines, i):
            end = _header_block_end(lines, i)
            if _quoted_lines_follow(lines, end):  # Mew/Wanderlust: headers, then "> " lines
                drop.update(range(i, end))
                marker = marker or line
                continue
            return i, line.split(":")[0].split("：")[0].strip("* "), drop
        if _ATTRIBUTION_END.search(line) and _looks_like_attribution(lines, i):
            start = i
            if not _ATTRIBUTION_START.match(line) and i > 0 and _wrapped_start(lines[i - 1]):
                start = i - 1
            indented_end = _indented_block_end(lines, i + 1)
            if indented_end is not None:  # Outlook for Mac: the original indented below it
                drop.update(range(start, indented_end))
                marker = marker or line
                continue
            if _quoted_lines_follow(lines, i + 1, text_before=_text_allowed_above(
                    lines, start, drop)):
                drop.update(range(start, i + 1))
                marker = marker or line
                continue
            return start, line, drop
    return None, marker, drop


def _looks_like_attribution(lines: list[str], i: int) -> bool:
    """An attribution names a date or an address (on its line or the one before): an "@", a
    time or a year, or it opens as one ("On …", "在 …", a date). A sentence that merely ends
    in "wrote:" ("in v4 I wrote:") is the person's own text."""
    here = lines[i] + " " + (lines[i - 1] if i > 0 else "")
    return "@" in here or bool(_DATE_OR_TIME.search(here)) or bool(
        _ATTRIBUTION_START.match(lines[i].strip()))


_DATE_OR_TIME = re.compile(r"\d{1,2}:\d{2}|\b(?:19|20)\d{2}\b|\d{4}年")


def _wrapped_start(previous: str) -> bool:
    """Gmail wraps long attributions: "On Sat, 1 Mar 2025 at 10:00, 张三 <" / "x@y> wrote:"."""
    line = previous.strip()
    return bool(line) and bool(_ATTRIBUTION_START.match(line)) and not line.startswith(">")


def _header_block_at(lines: list[str], i: int) -> bool:
    if i >= len(lines) or not _HEADER_START.match(lines[i].strip()):
        return False
    following = [ln.strip() for ln in lines[i + 1 : i + 6] if ln.strip()]
    return any(_HEADER_NEXT.match(ln) for ln in following[:4])


def _header_block_end(lines: list[str], i: int) -> int:
    """The index after the header lines starting at ``i`` (the first blank or other line)."""
    j = i + 1
    while j < len(lines) and lines[j].strip() and (
            _HEADER_NEXT.match(lines[j].strip()) or lines[j][:1] in " \t"):
        j += 1
    return j


# Lines a person may write between an attribution and the ">" lines it introduces ("On …
# wrote:", then "I'll resend this with v3.", then "> the quote"): mutt and Gmail users answering
# above the quote but below the attribution. A longer unquoted run is the original itself.
_TEXT_ABOVE_QUOTE = 6


def _opens_text(lines: list[str], start: int, drop: set[int]) -> bool:
    """Whether nothing of the person's stands above line ``start`` (quotes aside)."""
    return not any(lines[j].strip() and not lines[j].lstrip().startswith(">")
                   for j in range(start) if j not in drop)


def _text_allowed_above(lines: list[str], start: int, drop: set[int]) -> int:
    """How many lines of the person's own may stand between an attribution and its ">" quote:
    a few under a top answer, any number when the attribution opens the text ("X writes:",
    then the answer, then the quote: nothing else there can be the person's)."""
    return len(lines) if _opens_text(lines, start, drop) else _TEXT_ABOVE_QUOTE


# Outlook for Mac quotes in plain text by indenting the original four spaces under its
# attribution ("On 2.7.2020, 0.41, "Tulio" <t@x> wrote:", then "    Hi Tommi,"), nested ">"
# quotes indented the same way (linuxppc-users and io-uring list replies sent with
# Microsoft-MacOutlook/16, 2020 and 2022).
_INDENT = re.compile(r"^(?: {4}|\t)")


def _indented_block_end(lines: list[str], i: int) -> int | None:
    """The index after an indented quote block that starts at the first non-blank line from
    ``i`` and runs (blank lines included) to the next line that is not indented; None when
    the next line is not indented or nothing follows the block."""
    j = i
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j == len(lines) or not _INDENT.match(lines[j]):
        return None
    while j < len(lines) and (not lines[j].strip() or _INDENT.match(lines[j])):
        j += 1
    return j if j < len(lines) else None


def _quoted_lines_follow(lines: list[str], i: int, *, text_before: int = 0) -> bool:
    """Whether ">" lines follow line ``i``, after at most ``text_before`` other lines."""
    unquoted = 0
    for line in lines[i:]:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(">"):
            return True
        unquoted += 1
        if unquoted > text_before or _ATTRIBUTION_END.search(stripped) or _SEPARATOR.match(
                stripped) or _HEADER_START.match(stripped):
            return False
    return False


def _tidy(lines: list[str]) -> str:
    stripped = [ln.rstrip() for ln in lines]
    while stripped and (not stripped[-1].strip() or _TRAILER.match(stripped[-1].strip())):
        stripped.pop()
    text = "\n".join(stripped).strip()
    return re.sub(r"\n{3,}", "\n\n", text)
