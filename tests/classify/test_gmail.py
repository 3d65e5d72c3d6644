"""gmail.detect: expected table. Gmail letters and Google Groups refusals."""

from __future__ import annotations

import pytest

from mailprobe.classify import classify, gmail

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "corpus:maildir/bsd/lhost-gmail-16.eml",
        "bounce",
        "mailboxfull@bouncehammer.jp",
        "5.2.2",
        "mailboxfull",
        False,
    ),
    (
        "corpus:maildir/bsd/lhost-gmail-11.eml",
        "bounce",
        "kijitora@example.com",
        None,
        "expired",
        False,
    ),
    (
        "corpus:maildir/bsd/lhost-googlegroups-02.eml",
        "bounce",
        "libsisimai@googlegroups.com",
        None,
        "rejected",
        False,
    ),
]

NOT_MINE = [
    "postfix-real-01-unknown-user.eml",
    "coremail-01-rejected-by-system.eml",
    "tencent-01-mailbox-not-found.eml",
]


@pytest.mark.parametrize(("name", "kind", "address", "status", "reason", "hard"), CASES)
def test_expected(
    name: str, kind: str, address: str, status: str | None, reason: str, hard: bool
) -> None:
    check(gmail, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(gmail, name)


def groups_letter(bullets: int) -> bytes:
    """A generated Google Groups refusal in Spanish, in the shape Sisimai's
    lib/Sisimai/Lhost/GoogleGroups.pm reads (not evidence)."""
    reasons = ["* Es posible que hayas escrito mal el nombre del grupo.",
               "* Es posible que el propietario haya eliminado este grupo.",
               "* Es posible que debas unirte al grupo antes de publicar.",
               "* Es posible que este grupo no admita publicaciones."][:bullets]
    return (
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
        "To: probe@sender.example.cn\n"
        "Subject: Delivery Status Notification (Failure)\n"
        "X-Failed-Recipients: consultas@googlegroups.com\n"
        "X-Google-Smtp-Source: AGHT+IEexample\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n"
        "Hola, probe@sender.example.cn:\n"
        "\n"
        "Te escribimos para informarte de que es posible que el grupo (consultas) no exista.\n"
        + "\n".join(reasons) + "\n\nGracias,\n\nGrupos de Google\n"
    ).encode()


def test_a_google_groups_refusal_in_another_language_is_rejected() -> None:
    verdict = classify(groups_letter(4))
    assert verdict.detector == "gmail"
    assert [(r.address, r.reason) for r in verdict.recipients] == [
        ("consultas@googlegroups.com", "rejected")]


def test_without_the_four_reasons_it_is_no_groups_refusal() -> None:
    reasons = [r.reason for r in classify(groups_letter(3)).recipients]
    assert reasons != ["rejected"]
