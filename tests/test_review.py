"""Review items, conflicts and staff decisions on both backends: what waits for staff,
what counts for which probe, and decisions that survive reclassification."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.header import Header

import pytest

from mailprobe.assess import campaign_input
from mailprobe.errors import InputError
from mailprobe.model import Mailbox, SendOutcome, SendState, Unit
from mailprobe.pipeline import process_messages
from mailprobe.review import decide, decision_log, explain, resolve, review_items
from mailprobe.score import Rubric
from mailprobe.store import Database
from mailprobe.store import review as stored
from mailprobe.store.campaigns import create_campaign, get_campaign
from mailprobe.store.ledger import OutcomeRecord, due_probe_ids, record_outcomes
from mailprobe.store.messages import all_message_ids, store_message
from mailprobe.store.session import open_database
from mailprobe.store.units import import_units

SENT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LATER = SENT + timedelta(days=1)
TOKENS = {"U1": "aaaaaaaaaa", "U2": "cccccccccc", "U3": "b4y25eqmc3"}
SUBJECT = "关于办事时间的咨询"


def clock() -> datetime:
    return LATER + timedelta(hours=1)


def mail(sender: str, subject: str, body: str, *headers: str) -> bytes:
    head = "\n".join([f"From: {sender}", "To: consult@example.org",
                      f"Subject: {Header(subject, 'utf-8').encode()}", *headers,
                      "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"])
    return f"{head}\n\n{body}\n".encode()


STRANGER = mail("someone@163.com", "咨询社保", "请问社保卡在哪里办理？")
COLLEAGUE = mail("clerk@c.gov.cn", "来信已转办", "您好，来信已转相关科室办理，请耐心等待答复。")
TYPED_CODE = mail("clerk@d.gov.cn", "关于来信（编号MP－B4Y25－EQMC3）的答复",
                  "您好：来信收悉。我单位办事时间为工作日上午9时至12时，下午2时至5时。")
REPLY = mail("xfj@163.com", f"回复：{SUBJECT}", "您好，我单位办事时间为工作日上午9时至12时。",
             "In-Reply-To: <mp.aaaaaaaaaa@example.org>")
BOUNCE = (
    b"From: MAILER-DAEMON@mx.example.net\nTo: probe+aaaaaaaaaa@example.org\n"
    b"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
    b"--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
    b"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
    b"Final-Recipient: rfc822; xfj@163.com\nAction: failed\nStatus: 5.1.1\n"
    b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n--B--\n")


@pytest.fixture
def world(db_url: str) -> tuple[Database, dict[str, int]]:
    """Three units (one on free mail), one accepted probe each, five returned messages."""
    factory = open_database(db_url)
    units = [Unit(uid, f"单位{uid}", "city_department", (Mailbox("public", address),))
             for uid, address in (("U1", "xfj@163.com"), ("U2", "pub@c.gov.cn"),
                                  ("U3", "pub@d.gov.cn"))]
    tokens = iter(TOKENS.values())
    with factory() as s, s.begin():
        import_units(s, units, "r.csv", SENT)
        campaign = create_campaign(s, "r1", ["t1"], ["public"], 20, SENT,
                                   lambda: next(tokens),
                                   lambda t: f"<mp.{t}@example.org>")
        accepted = SendOutcome(SendState.ACCEPTED, 250, "2.0.0 Ok", "Q1", SENT)
        ids = due_probe_ids(s, campaign.id, SENT, 5, None)
        record_outcomes(s, [OutcomeRecord(i, accepted, None, SUBJECT)
                            for i in ids], SENT)
        numbers = {name: store_message(s, raw, "t", LATER, LATER)[0]
                   for name, raw in (("stranger", STRANGER), ("colleague", COLLEAGUE),
                             ("typed", TYPED_CODE), ("reply", REPLY),
                             ("bounce", BOUNCE))}
    process_messages(factory, clock)
    return factory, numbers


def facts(factory: Database) -> dict[str, object]:
    with factory() as s:
        inp = campaign_input(s, get_campaign(s, "r1"), Rubric(), ("city_department",))
    return {p.unit_id: p for p in inp.probes} | {"unmatched": inp.unmatched_review}


def test_each_message_waits_for_review_with_its_reason(world) -> None:  # type: ignore[no-untyped-def]
    factory, n = world
    items = {i.message: i for i in review_items(factory)}
    assert {m: i.reason for m, i in items.items()} == {
        n["stranger"]: "unmatched", n["colleague"]: "low_confidence",
        n["reply"]: "conflict", n["bounce"]: "conflict"}
    assert items[n["colleague"]].candidate == "MP-CCCCC-CCCCC"
    assert items[n["colleague"]].unit_id == "U2"
    assert items[n["reply"]].conflict_with == (n["bounce"],)
    assert items[n["stranger"]].candidate is None and "163.com" in items[n["stranger"]].evidence


def test_items_awaiting_review_count_for_no_probe_but_are_counted(world) -> None:  # type: ignore[no-untyped-def]
    factory, _ = world
    probes = facts(factory)
    u1, u2, u3 = probes["U1"], probes["U2"], probes["U3"]
    assert u3.first_human_reply_at is not None  # the typed code matched its probe
    assert (u3.pending_review, u3.conflict) == (0, False)
    assert u2.first_human_reply_at is None and (u2.pending_review, u2.low_confidence_matches) \
        == (1, 1)
    assert u1.conflict and u1.pending_review == 2
    assert u1.first_human_reply_at is None and u1.bounce is None
    assert probes["unmatched"] == 1


def test_accepting_the_candidate_credits_it_and_twice_is_one_entry(world) -> None:  # type: ignore[no-untyped-def]
    factory, n = world
    done = resolve(factory, clock, n["colleague"], accept=True, actor="王芳",
                   reason="科室确认是该单位回复")
    assert (done.probe, done.review) == ("MP-CCCCC-CCCCC", None)
    again = resolve(factory, clock, n["colleague"], accept=True, actor="王芳", reason="again")
    assert [e.added for e in again.logged] == [False]
    assert [(e.action, e.value) for e in decision_log(factory)] == [("link", "MP-CCCCC-CCCCC")]
    assert facts(factory)["U2"].first_human_reply_at is not None  # type: ignore[attr-defined]
    assert n["colleague"] not in {i.message for i in review_items(factory)}


def test_confirming_one_side_of_a_conflict_settles_it(world) -> None:  # type: ignore[no-untyped-def]
    factory, n = world
    resolve(factory, clock, n["bounce"], kind="bounce", actor="王芳", reason="地址已注销")
    u1 = facts(factory)["U1"]
    assert u1.bounce is not None and u1.bounce.hard  # type: ignore[attr-defined]
    assert u1.first_human_reply_at is None and not u1.conflict  # type: ignore[attr-defined]
    resolve(factory, clock, n["reply"], kind="human_reply", actor="王芳", reason="确为人工答复")
    u1 = facts(factory)["U1"]
    assert u1.first_human_reply_at is not None  # type: ignore[attr-defined]
    assert not {n["reply"], n["bounce"]} & {i.message for i in review_items(factory)}


def test_decisions_survive_reclassification(world) -> None:  # type: ignore[no-untyped-def]
    factory, n = world
    decide(factory, clock, "link", str(n["colleague"]), "ｍｐ－ccccc－ccccc", actor="王芳",
           reason="电话确认")
    decide(factory, clock, "kind", str(n["stranger"]), "not_a_reply", actor="王芳",
           reason="与本次测评无关")
    with factory() as s:
        everything = all_message_ids(s)
    process_messages(factory, clock, everything)  # what `mailprobe reclassify` runs
    waiting = {i.message for i in review_items(factory)}
    assert n["colleague"] not in waiting and n["stranger"] not in waiting
    assert explain(factory, n["colleague"]).match["by"] == "staff"  # type: ignore[index]
    assert facts(factory)["unmatched"] == 0


def test_judgements_that_do_not_fit_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    factory, n = world
    with pytest.raises(InputError, match="not a human reply"):
        decide(factory, clock, "substantive", str(n["bounce"]), "yes", actor="王芳", reason="x")
    with pytest.raises(InputError, match="--actor"):
        decide(factory, clock, "unlink", str(n["stranger"]), "", actor="", reason="spam")
    with pytest.raises(InputError, match="no probe with code"):
        decide(factory, clock, "link", str(n["stranger"]), "MP-ZZZZZ-ZZZZZ", actor="王芳",
               reason="x")
    with pytest.raises(InputError, match="not one of"):
        decide(factory, clock, "kind", str(n["stranger"]), "spam", actor="王芳", reason="x")
    with pytest.raises(InputError, match="no candidate"):
        resolve(factory, clock, n["stranger"], accept=True, actor="王芳", reason="x")
    assert decision_log(factory) == []


def test_explain_shows_confidence_evidence_and_the_decisions(world) -> None:  # type: ignore[no-untyped-def]
    factory, n = world
    before = explain(factory, n["colleague"]).match
    assert before is not None
    assert (before["confidence"], before["review"], before["credited"]) == (
        "low", "low_confidence", False)
    resolve(factory, clock, n["colleague"], accept=True, actor="王芳", reason="确认")
    after = explain(factory, n["colleague"])
    assert after.match is not None and after.match["credited"] and after.match["code"] == \
        "MP-CCCCC-CCCCC"
    assert [(d.action, d.value, d.actor) for d in after.decisions] == [
        ("link", "MP-CCCCC-CCCCC", "王芳")]


def test_upgrade_judges_existing_sender_matches_by_the_new_rules(db_url: str) -> None:
    from alembic import command
    from sqlalchemy import text

    from mailprobe.store.session import alembic_config, make_engine

    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0002")
    rows = [  # message: sender, verdict kind, match evidence
        (1, "someone@163.com", "human_reply", "sender+window"),  # a stranger on free mail
        (2, "clerk@c.gov.cn", "human_reply", "sender+window"),  # a colleague: domain only
        (3, "pub@c.gov.cn", "human_reply", "sender+window"),  # the probed address itself
        (4, "x@y.cn", "unknown", "in_reply_to"),  # tied, but what is it?
    ]
    with engine.begin() as conn:
        run = conn.execute
        run(text("INSERT INTO unit (id, unit_id, name, category, updated_at) "
                 "VALUES (1, 'U2', '单位U2', 'city_department', :t)"), {"t": SENT})
        run(text("INSERT INTO mailbox (id, unit_pk, type, address) "
                 "VALUES (1, 1, 'public', 'pub@c.gov.cn')"))
        run(text("INSERT INTO campaign (id, name, template, mailbox_types, window_days, "
                 "created_at) VALUES (1, 'r1', 't1', 'public', 20, :t)"), {"t": SENT})
        run(text("INSERT INTO probe (id, campaign_id, mailbox_id, address, token, message_id, "
                 "template, subject, state, attempts, reply_text, accepted_at, updated_at) "
                 "VALUES (1, 1, 1, 'pub@c.gov.cn', 'cccccccccc', '<mp.cccccccccc@example.org>',"
                 " 't1', 's', 'accepted', 1, '', :t, :t)"), {"t": SENT})
        for pk, sender, kind, evidence in rows:
            run(text("INSERT INTO message (id, sha256, raw, size, source, received_at, "
                     "fetched_at) VALUES (:pk, :sha, :raw, 1, 't', :t, :t)"),
                {"pk": pk, "sha": f"{pk:064d}", "raw": b"x", "t": LATER})
            run(text("INSERT INTO verdict (message_pk, is_current, created_at, kind, detector, "
                     "is_sender_side, sender, subject, evidence, detail_json) VALUES "
                     "(:pk, :yes, :t, :kind, 'human', :no, :sender, '', '', '{}')"),
                {"pk": pk, "yes": True, "no": False, "t": LATER, "kind": kind,
                 "sender": sender})
            run(text("INSERT INTO match (message_pk, probe_id, evidence, matched_by, "
                     "updated_at) VALUES (:pk, 1, :evidence, 'auto', :t)"),
                {"pk": pk, "evidence": evidence, "t": LATER})
    factory = open_database(db_url)  # upgrades to head, as every command does
    with factory() as s:
        found = {m.message: (m.probe_id, m.correlation, m.confidence, m.review)
                 for m in stored.matched_messages(s)}
    assert found == {1: (None, "review", None, "unmatched"),
                     2: (1, "domain+window", "low", "low_confidence"),
                     3: (1, "sender+window", "high", None),
                     4: (1, "in_reply_to", "high", "unknown_kind")}


def test_report_messages_say_why_they_wait_and_name_no_probe(world) -> None:  # type: ignore[no-untyped-def]
    factory, n = world
    with factory() as s:
        inp = campaign_input(s, get_campaign(s, "r1"), Rubric(), ("city_department",))
    shown = {m.message_id: (m.probe_id is None, m.confidence, m.review) for m in inp.messages}
    assert shown[n["reply"]] == (True, "high", "conflict")
    assert shown[n["colleague"]] == (True, "low", "low_confidence")
    assert shown[n["typed"]] == (False, "high", None)
