"""Probe rendering: strict variables, a sandbox, plain text, and the probe references."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from email_validator import validate_email

from mailprobe import token as tokens
from mailprobe.config import ProbeSettings
from mailprobe.errors import InputError
from mailprobe.model import Mailbox, Unit
from mailprobe.render import (
    RenderedProbe,
    check_template,
    list_templates,
    render_probe,
    validate_campaign_templates,
)

FINDINGS = Path(__file__).resolve().parent / "fixtures" / "fuzz_findings"
TOKEN = "7k2m9q4r1t"
CODE = "MP-7K2M9-Q4R1T"
SETTINGS = ProbeSettings(from_="consult@example.org", from_name="王建国",
                         return_path="probe+{token}@example.org")
UNIT = Unit("D01", "某某市某某区人民政府", "county_district",
            (Mailbox("public", "zwgk@mqq.gov.cn"), Mailbox("leader", "qzxx@例子.中国")))
SENT_AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Mon 09:00 in Shanghai
FORBIDDEN = ("Precedence", "Auto-Submitted", "X-Auto-Response-Suppress", "List-Id",
             "List-Unsubscribe", "List-Post")


def render(template: str = "consult_office_hours", *, settings: ProbeSettings = SETTINGS,
           mailbox: Mailbox | None = None, unit: Unit = UNIT, directory: Path | None = None):
    return render_probe(template, unit, mailbox or unit.mailboxes[0], TOKEN, settings, SENT_AT,
                        directory=directory)


def parsed(raw: bytes) -> EmailMessage:
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


@pytest.fixture
def tdir(tmp_path: Path):
    """A template folder; call it with (name, text)."""
    def make(name: str, text: str) -> Path:
        (tmp_path / f"{name}.j2").write_text(text, encoding="utf-8")
        return tmp_path
    return make


def test_shipped_templates_include_the_configured_default_and_the_overt_test() -> None:
    names = list_templates()
    assert {"consult_office_hours", "mailbox_test"} <= set(names)
    assert len(names) >= 5


@pytest.mark.parametrize("name", list_templates())
def test_every_shipped_template_renders_for_a_chinese_unit(name: str) -> None:
    probe = render(name)
    assert UNIT.name in probe.body and "王建国" in probe.body or name == "mailbox_test"
    assert "2026年3月2日" in probe.body
    assert probe.subject and "\n" not in probe.subject


@pytest.mark.parametrize("name", [n for n in list_templates() if n != "mailbox_test"])
def test_consultation_templates_have_no_test_wording(name: str) -> None:
    probe = render(name)
    assert not any(w in probe.subject + probe.body for w in ("测试", "test", "Test", "评估"))


def test_overt_template_says_it_is_a_test_from_the_assessment_office() -> None:
    probe = render("mailbox_test")
    assert "测试" in probe.subject and "评估" in probe.body and "zwgk@mqq.gov.cn" in probe.body


def test_check_template_uses_a_sample_unit() -> None:
    assert "某某市某某区人民政府" in check_template("elderly_subsidy").body


def test_code_is_appended_to_subject_and_body() -> None:
    probe = render()
    assert probe.code == CODE
    assert probe.subject.endswith(f"（{CODE}）")
    assert CODE in probe.body


def test_code_can_be_left_out_of_subject_and_body() -> None:
    quiet = ProbeSettings(from_="a@example.org", code_in_subject=False, code_in_body=False)
    probe = render(settings=quiet)
    assert CODE not in probe.subject + probe.body


def test_template_printing_the_code_gets_it_once(tdir) -> None:
    folder = tdir("own", "Subject: 咨询 {{ code }}\n\n{{ unit.name }}：\n编号 {{ code }}\n")
    probe = render("own", directory=folder)
    assert (probe.subject.count(CODE), probe.body.count(CODE)) == (1, 1)


def test_message_id_carries_the_token_and_envelope_uses_verp() -> None:
    probe = render()
    assert probe.message_id == f"<mp.{TOKEN}@example.org>"
    assert tokens.tokens_in_message_ids(probe.message_id) == [TOKEN]
    assert probe.envelope_from == f"probe+{TOKEN}@example.org"
    assert parsed(probe.as_bytes())["Message-ID"] == probe.message_id


def test_envelope_falls_back_to_from_without_a_return_path() -> None:
    probe = render(settings=ProbeSettings(from_="consult@example.org"))
    assert probe.envelope_from == "consult@example.org"


def test_no_forbidden_headers() -> None:
    msg = parsed(render().as_bytes())
    assert [h for h in msg if h in FORBIDDEN or h.startswith("List-")] == []


def test_plain_text_utf8_single_part() -> None:
    msg = parsed(render().as_bytes())
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    assert not msg.is_multipart()


def test_chinese_headers_round_trip_through_rfc2047() -> None:
    probe = render()
    raw = probe.as_bytes()
    assert raw.isascii()
    msg = parsed(raw)
    assert msg["Subject"] == probe.subject
    assert msg["From"].addresses[0].display_name == "王建国"
    assert msg["From"].addresses[0].addr_spec == "consult@example.org"
    assert msg.get_content().replace("\r\n", "\n") == probe.body


def test_date_header_is_the_given_send_time_in_shanghai() -> None:
    msg = parsed(render().as_bytes())
    assert msg["Date"] == "Mon, 02 Mar 2026 09:00:00 +0800"


def test_plain_date_fills_the_chinese_date_variable() -> None:
    probe = render_probe("consult_office_hours", UNIT, UNIT.mailboxes[0], TOKEN, SETTINGS,
                         date(2025, 10, 11))
    assert "2025年10月11日" in probe.body


def test_idn_recipient_is_sent_in_ascii_form() -> None:
    probe = render(mailbox=UNIT.mailboxes[1])
    assert probe.to == "qzxx@xn--fsqu00a.xn--fiqs8s"
    assert parsed(probe.as_bytes())["To"] == probe.to


def test_idn_domain_goes_where_the_registry_checked_it_not_to_an_idna2003_lookalike() -> None:
    from mailprobe.registry import load_registry

    found = load_registry(FINDINGS / "idna-eszett-registry.csv")
    [mailbox] = [m for m in found.units[0].mailboxes if m.address]
    probe = render(mailbox=mailbox)
    assert probe.to == "zwgk@xn--fa-hia.de"  # IDNA 2003 would send to zwgk@fass.de
    assert probe.to == validate_email(mailbox.address, check_deliverability=False).ascii_email


def test_unpublished_mailbox_cannot_be_rendered() -> None:
    with pytest.raises(InputError, match="publishes no leader mailbox"):
        render(mailbox=Mailbox("leader", None))


def test_undefined_variable_names_template_and_variable(tdir) -> None:
    folder = tdir("foo", "Subject: 问\n\n{{ unit.name }} {{ unit.phone }}\n")
    with pytest.raises(InputError) as err:
        render("foo", directory=folder)
    assert str(err.value) == (f'{folder / "foo.j2"}: undefined variable "unit.phone"; '
                              "define it or remove it from the template")


def test_undefined_top_level_variable_in_the_shipped_folder_form(tdir) -> None:
    folder = tdir("bar", "Subject: 问\n\n{{ phone }}\n")
    with pytest.raises(InputError, match=r'bar\.j2: undefined variable "phone"'):
        render("bar", directory=folder)


def test_unknown_template_lists_the_available_ones() -> None:
    with pytest.raises(InputError, match="no probe template 'nope'; available: .*mailbox_test"):
        render("nope")


@pytest.mark.parametrize("expr", [
    "{{ unit.__class__ }}", "{{ unit.__class__.__mro__ }}", "{{ code.__class__ }}",
    "{{ open('/etc/passwd').read() }}", "{{ cycler.__init__.__globals__ }}",
    "{{ unit.label_ }}", "{{ ''.__class__.__subclasses__() }}",
    "{% include '../../../etc/passwd' %}", "{% import 'os' as os %}",
    "{{ unit.update(name='x') }}", "{{ range(10**9)|list }}",
])
def test_sandbox_escapes_are_input_errors(tdir, expr: str) -> None:
    folder = tdir("evil", f"Subject: 问\n\n{expr}\n")
    with pytest.raises(InputError, match=r"evil\.j2"):
        render("evil", directory=folder)


def test_syntax_error_gives_the_line(tdir) -> None:
    folder = tdir("broken", "Subject: 问\n\n{{ unit.name \n")
    with pytest.raises(InputError, match=r"broken\.j2:3: "):
        render("broken", directory=folder)


@pytest.mark.parametrize("body", ["详见 http://example.gov.cn", "https://x.cn/a",
                                  "访问 www.example.gov.cn", '<img src="x.png">'])
def test_links_and_images_are_refused(tdir, body: str) -> None:
    folder = tdir("link", f"Subject: 问\n\n{{{{ unit.name }}}} {body}\n")
    with pytest.raises(InputError, match="contains a link or image"):
        render("link", directory=folder)


def test_an_address_at_a_www_domain_is_not_a_link(tdir) -> None:
    folder = tdir("addr", "Subject: 问\n\n请回复 {{ mailbox.address }}\n")
    box = Mailbox("public", "info@www.example.gov.cn")
    assert "info@www.example.gov.cn" in render("addr", directory=folder, mailbox=box).body


@pytest.mark.parametrize(("text", "problem"), [
    ("你好\n\n正文\n", 'first line must be "Subject: ..."'),
    ("Subject: 问\n正文\n", "line after the subject must be blank"),
    ("Subject: \n\n正文\n", "subject or body is empty"),
    ("Subject: 问\n\n\n", "subject or body is empty"),
])
def test_template_shape_is_checked(tdir, text: str, problem: str) -> None:
    folder = tdir("shape", text)
    with pytest.raises(InputError, match=problem.replace(".", r"\.")):
        render("shape", directory=folder)


def test_validate_campaign_templates_renders_every_probe(tdir) -> None:
    folder = tdir("ok", "Subject: 问\n\n{{ unit.name }}\n")
    tdir("bad", "Subject: 问\n\n{{ unit.fax }}\n")
    assert validate_campaign_templates([("ok", UNIT, UNIT.mailboxes[0])] * 3, SETTINGS,
                                       directory=folder) == 3
    with pytest.raises(InputError, match='"unit.fax"'):
        validate_campaign_templates([("ok", UNIT, UNIT.mailboxes[0]),
                                     ("bad", UNIT, UNIT.mailboxes[1])], SETTINGS,
                                    directory=folder)


def test_jinja_syntax_in_a_unit_name_is_data() -> None:
    unit = Unit("X", "{{ 7*7 }}{% if 1 %}局{% endif %}", "city_department", UNIT.mailboxes)
    assert "{{ 7*7 }}{% if 1 %}局{% endif %}" in render(unit=unit).body


def test_non_ascii_local_part_is_an_input_error_not_a_broken_header() -> None:
    with pytest.raises(InputError, match="SMTPUTF8"):
        render(mailbox=Mailbox("public", "信箱@政府.cn"))


def reference_bytes(probe: RenderedProbe) -> bytes:
    """The same probe built by the standard library, as render.py once did."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = Address(display_name=probe.from_name, addr_spec=probe.from_addr)
    msg["To"] = probe.to
    msg["Subject"] = probe.subject
    assert probe.sent_at is not None
    msg["Date"] = format_datetime(probe.sent_at.astimezone(ZoneInfo("Asia/Shanghai")))
    msg["Message-ID"] = probe.message_id
    msg.set_content(probe.body, charset="utf-8", cte="base64")
    return msg.as_bytes()


SUBJECTS = ["咨询办事窗口的办公时间（MP-01234-56789）", "Mailbox test MP-01234-56789",
            "A plain ASCII subject long enough that it has to be folded over two lines or more ok",
            "=?utf-8?q?looks_encoded?= but is not", "关于" * 60, "emoji 📮 and 𠀀 in a subject",
            'quotes "and" \\backslashes\\ ; commas, <angle> (parens)']
FROM_NAMES = ["", "王建国", "Wang, Jianguo", "某某市人民政府办公室政务公开与信息化工作科" * 2,
              'a "quoted" name']


@pytest.mark.parametrize("template", list_templates())
@pytest.mark.parametrize("from_name", FROM_NAMES)
def test_bytes_are_the_message_the_standard_library_builds(template: str, from_name: str) -> None:
    settings = ProbeSettings(from_="consult@example.org", from_name=from_name,
                             return_path="probe+{token}@example.org")
    base = render(template, settings=settings, mailbox=UNIT.mailboxes[1])
    for subject in SUBJECTS:
        probe = replace(base, subject=subject)
        ours, theirs = parsed(probe.as_bytes()), parsed(reference_bytes(probe))
        for name in ("From", "To", "Date", "Message-ID", "Content-Type",
                     "Content-Transfer-Encoding", "MIME-Version"):
            assert str(ours[name]) == str(theirs[name]), name
        # Against the truth too (the reference's own parser puts a space between the encoded
        # words of a long display name, in both): decoded by RFC 2047's rules.
        plain = message_from_bytes(probe.as_bytes())
        assert parseaddr(str(make_header(decode_header(plain["From"])))) == (
            from_name, "consult@example.org")
        # The reference writes "=?utf-8?q?x?=" in a subject raw, so a reader decodes it to x.
        assert str(ours["Subject"]) == subject
        assert ours.get_content() == theirs.get_content()
        assert ours.get_content().replace("\r\n", "\n") == probe.body
        raw = probe.as_bytes()
        assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
        assert max(map(len, raw.split(b"\r\n"))) <= 78


def test_a_line_break_in_a_header_value_is_refused() -> None:
    probe = render()
    with pytest.raises(ValueError, match="line break"):
        replace(probe, from_name="x\r\nBcc: all@example.org").as_bytes()
