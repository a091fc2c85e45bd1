"""Desk users: the store's desk tables, the account rules, ``newsdesk users`` and the
``[desk]`` settings. A password is kept only as an argon2id hash."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.config import load_config
from newsdesk.desk import accounts, passwords
from newsdesk.desk.auth import session_key
from newsdesk.errors import ConfigError, InputError
from newsdesk.records import AuditEntry, SignInAttempt
from newsdesk.store import SQLiteStore

PASSWORD = "a long enough passphrase"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    SQLiteStore(path).close()
    return path


def users(database: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["users", *args, "--database", str(database)], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_migration_16_adds_the_desk_tables(database: Path) -> None:
    store = SQLiteStore(database)
    names = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "sessions", "signin_attempts", "audit_log"} <= names
    assert store.schema_version >= 16
    store.close()


def test_a_user_is_stored_with_an_argon2id_hash_and_a_name_unique_whatever_its_case(
    database: Path,
) -> None:
    store = SQLiteStore(database)
    user = accounts.add_user(store, "Alice", "admin", PASSWORD, accounts.Actor.command_line())
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash and PASSWORD not in repr(user)
    assert store.user("alice") == user
    with pytest.raises(InputError, match="exists already"):
        accounts.add_user(store, "ALICE", "editor", PASSWORD, accounts.Actor.command_line())
    assert passwords.verify(user.password_hash, PASSWORD) == (True, None)
    assert passwords.verify(user.password_hash, PASSWORD + "!")[0] is False
    assert passwords.verify(None, PASSWORD)[0] is False
    [entry] = store.audit_log()
    assert (entry.action, entry.target, entry.address) == ("user.add", "Alice", "command line")
    store.close()


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("bad name", "editor", PASSWORD, "user name 'bad name'"),
        ("<script>", "editor", PASSWORD, "user name"),
        ("bob", "owner", PASSWORD, "role 'owner': give one of editor, admin"),
        ("bob", "editor", "short", "12 characters or more"),
        ("bob", "editor", " padded password ", "cannot start or end with a space"),
    ],
)
def test_bad_users_are_refused_on_one_line_without_the_password(
    database: Path, name: str, role: str, password: str, message: str
) -> None:
    store = SQLiteStore(database)
    with pytest.raises(InputError, match=message.replace("(", r"\(")) as info:
        accounts.add_user(store, name, role, password, accounts.Actor.command_line())
    assert "\n" not in str(info.value) and password.strip() not in str(info.value)
    assert store.users() == []
    store.close()


def test_users_add_list_and_disable_from_the_command_line(database: Path) -> None:
    code, out, _ = users(
        database, "add", "ada", "--role", "admin", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert (code, out.splitlines()[-1]) == (0, "added admin ada")
    code, out, _ = users(
        database, "add", "eve", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert (code, out.strip()) == (0, "added editor eve")
    code, out, _ = users(database, "list")
    assert code == 0 and "ada" in out and "admin" in out and "eve" in out and "never" in out
    assert "argon2" not in out
    code, out, _ = users(database, "disable", "eve")
    assert code == 0 and out.startswith("disabled eve")
    code, out, _ = users(database, "list")
    assert "disabled" in out
    store = SQLiteStore(database)
    assert [e.action for e in reversed(store.audit_log())] == [
        "user.add",
        "user.add",
        "user.disable",
    ]
    store.close()


def test_the_prompt_asks_twice_and_the_password_is_never_printed(database: Path) -> None:
    code, out, err = users(
        database, "add", "ada", "--role", "admin", stdin=f"{PASSWORD}\nsomething else\n"
    )
    assert code != 0  # the two entries differ: click asks again, and stdin runs out
    assert PASSWORD not in out + err
    store = SQLiteStore(database)
    assert store.users() == []
    store.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "ada"], "error: give the user's role: --role editor or --role admin"),
        (["add", "ada", "--role", "boss", "--password-stdin"], "error: role 'boss'"),
        (["add", "a b", "--role", "admin", "--password-stdin"], "error: user name 'a b'"),
        (["add", "ada", "--role", "admin", "--password-stdin"], "error: a password needs 12"),
        (["disable", "nobody"], "error: no user named 'nobody'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(database: Path, args: list[str], message: str) -> None:
    code, _, err = users(database, *args, stdin="short\n")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith(message), err


def test_the_last_admin_cannot_be_disabled(database: Path) -> None:
    users(database, "add", "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    code, _, err = users(database, "disable", "ada")
    assert code == 2 and "last admin" in err
    users(database, "add", "bob", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert users(database, "disable", "ada")[0] == 0


def test_users_commands_need_an_existing_database(tmp_path: Path) -> None:
    code, _, err = users(tmp_path / "missing.db", "list")
    assert code == 2 and "no newsdesk database" in err
    assert not (tmp_path / "missing.db").exists()


def test_the_desk_does_not_start_without_its_session_key(database: Path) -> None:
    result = CliRunner(env={"NEWSDESK_SESSION_KEY": None}).invoke(
        cli, ["desk", "--database", str(database)]
    )
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: NEWSDESK_SESSION_KEY is unset: set it to a secret")


def test_session_key_comes_from_the_named_variable() -> None:
    settings = load_config(overrides={"desk.session_key_env": "MY_DESK_KEY"}).desk
    assert session_key(settings, {"MY_DESK_KEY": "k" * 40}) == b"k" * 40
    with pytest.raises(ConfigError, match="MY_DESK_KEY is shorter than 32 characters"):
        session_key(settings, {"MY_DESK_KEY": "short"})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("port", 70000, "'port' must be 0 to 65535"),
        ("session_hours", 0, "'session_hours' must be > 0"),
        ("session_key_env", "NOT A NAME", "must name an environment variable"),
        ("trusted_proxies", ["proxy.example"], "is not an IP address"),
    ],
)
def test_bad_desk_settings_are_refused(key: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(overrides={f"desk.{key}": value})


def test_sign_in_attempts_count_per_name_since_its_last_success_and_per_address(
    database: Path,
) -> None:
    store = SQLiteStore(database)
    since = "2000-01-01T00:00:00+00:00"
    attempts = [
        ("ada", "1.1.1.1", False),
        ("ADA", "2.2.2.2", False),
        ("bob", "1.1.1.1", False),
        ("ada", "3.3.3.3", True),
        ("ada", "1.1.1.1", False),
    ]
    for n, (name, address, ok) in enumerate(attempts):
        store.record_signin(SignInAttempt(f"2024-01-01T00:00:0{n}+00:00", name, address, ok))
    assert store.failed_signins(since, name="ada") == 1  # the good one cleared two
    assert store.failed_signins(since, name="bob") == 1
    assert store.failed_signins(since, address="1.1.1.1") == 3  # a success clears no address
    assert store.failed_signins("2024-01-01T00:00:03+00:00", address="1.1.1.1") == 1
    assert store.forget_signins("2024-01-01T00:00:03+00:00") == 3
    store.close()


def test_the_audit_log_pages_newest_first_and_filters(database: Path) -> None:
    store = SQLiteStore(database)
    for n in range(5):
        store.audit(
            AuditEntry(f"2024-01-01T00:00:0{n}+00:00", "ada" if n % 2 else None, "x", f"a{n}")
        )
    newest = store.audit_log(2)
    assert [e.action for e in newest] == ["a4", "a3"]
    assert [e.action for e in store.audit_log(2, before=newest[-1].id)] == ["a2", "a1"]
    assert [e.action for e in store.audit_log(user="ADA")] == ["a3", "a1"]
    assert [e.action for e in store.audit_log(action="a0")] == ["a0"]
    store.close()


def test_no_password_is_stored_anywhere_in_the_database(database: Path) -> None:
    users(database, "add", "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(FULL)")
    data = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert PASSWORD.encode() not in data
    assert b"$argon2id$" in data
