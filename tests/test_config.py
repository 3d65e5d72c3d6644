"""Settings from TOML plus MAILPROBE_<SECTION>_<KEY> environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailprobe.config import load_settings, secret
from mailprobe.errors import InputError


def test_environment_alone_configures_everything(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no mailprobe.toml here, and no file named
    env = {"MAILPROBE_DATABASE_URL": "sqlite:///x.db", "MAILPROBE_SMTP_HOST": "mx.example.org",
           "MAILPROBE_SMTP_PORT": "2525", "MAILPROBE_SMTP_TLS": "none",
           "MAILPROBE_PROBE_FROM": "a@example.org",
           "MAILPROBE_PROBE_RETURN_PATH": "p+{token}@example.org",
           "MAILPROBE_IMAP_FOLDERS": "INBOX, Spam"}
    s = load_settings(None, env)
    assert s.source == "defaults"
    assert (s.database.url, s.smtp.host, s.smtp.port, s.smtp.tls) == (
        "sqlite:///x.db", "mx.example.org", 2525, "none")
    assert (s.probe.from_, s.probe.return_path) == ("a@example.org", "p+{token}@example.org")
    assert s.imap.folders == ("INBOX", "Spam")


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mailprobe.toml"
    path.write_text('[smtp]\nhost = "file-host"\nport = 25\n', encoding="utf-8")
    s = load_settings(path, {"MAILPROBE_SMTP_PORT": "587"})
    assert (s.smtp.host, s.smtp.port) == ("file-host", 587)


def test_tls_verification_is_on_unless_switched_off_explicitly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings(None, {}).smtp.verify_tls is True
    off = load_settings(None, {"MAILPROBE_SMTP_VERIFY_TLS": "false"})
    assert off.smtp.verify_tls is False


@pytest.mark.parametrize(("text", "needle"), [
    ('[smtp]\ntls = "maybe"\n', "[smtp] tls must be one of"),
    ('[smtp]\nport = "x"\n', "[smtp] port: 'x' is not of type int"),
    ('[smtp]\nport = 25.5\n', "[smtp] port: 25.5 is not of type int"),
    ('[smtp]\nhost = 5\n', "[smtp] host: 5 is not of type str"),
    ('[smtp]\nverify_tls = "no"\n', "[smtp] verify_tls: 'no' is not of type bool"),
    ('[imap]\nfolders = "INBOX"\n', "[imap] folders: 'INBOX' is not of type list"),
    ('[smtp]\nhots = "x"\n', "[smtp] has no key 'hots'"),
    ('[smpt]\nhost = "x"\n', "unknown section [smpt]"),
    ('database = "x"\n', "database must be a section"),
    ("[smtp\n", ""),
])
def test_bad_config_names_the_file_section_and_key(tmp_path: Path, text: str,
                                                   needle: str) -> None:
    path = tmp_path / "mailprobe.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_settings(path, {})
    assert str(caught.value).startswith(f"{path}: ") and needle in str(caught.value)


def test_a_bad_environment_value_names_section_and_key(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"environment \[smtp\] port: 'abc' is not of type int"):
        load_settings(None, {"MAILPROBE_SMTP_PORT": "abc"})


def test_a_named_file_that_is_missing_is_an_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "nonexistent.toml"
    with pytest.raises(InputError, match=f"configuration file {missing} not found"):
        load_settings(missing, {})
    with pytest.raises(InputError, match=f"configuration file {missing} not found"):
        load_settings(None, {"MAILPROBE_CONFIG": str(missing)})


def test_secret_comes_from_the_named_variable_or_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MP_TEST_PW", "s3cret")
    assert secret("MP_TEST_PW", "", "smtp") == "s3cret"
    assert secret("", "printf hunter2", "smtp") == "hunter2"
    with pytest.raises(InputError, match="MP_TEST_MISSING is not set"):
        secret("MP_TEST_MISSING", "", "smtp")


def test_shared_domains_extend_the_shipped_list(tmp_path: Path) -> None:
    path = tmp_path / "mailprobe.toml"
    path.write_text('[correlate]\nshared_domains = ["Unit-Mail.CN"]\n', encoding="utf-8")
    from_file = load_settings(path, {}).correlate.all_shared_domains()
    assert {"163.com", "qq.com", "unit-mail.cn"} <= set(from_file)
    env = {"MAILPROBE_CORRELATE_SHARED_DOMAINS": "post.example.net, x.org"}
    from_env = load_settings(path, env).correlate.all_shared_domains()
    assert {"163.com", "post.example.net", "x.org"} <= set(from_env)
