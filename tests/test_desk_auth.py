"""Signing in to the desk over real HTTP (uvicorn on 127.0.0.1, httpx): sessions and
their cookies, sign-out, refusals without a session or a CSRF token, admin-only pages,
the sign-in limit, security headers, and no password in the database or the logs."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from desk_support import (
    ADMIN,
    EDITOR,
    HELD,
    KEY,
    RunningDesk,
    form_token,
    running,
    serve,
    sign_in,
    try_sign_in,
)
from newsdesk.desk import accounts
from newsdesk.desk.app import routes

WRONG = "wrong-horse-battery-staple-0xDEADBEEF"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDesk]:
    with running(tmp_path_factory.mktemp("desk-auth")) as found:
        yield found


def post_routes() -> list[str]:
    """Every state-changing route of the app but the sign-in form, with its path filled."""
    paths = [
        path.replace("{name}", EDITOR[0])
        .replace("{story_id}", HELD)
        .replace("{position}", "1")
        .replace("{paragraph}", "1")
        for path, methods in routes()
        if methods - {"GET", "HEAD", "OPTIONS"}
    ]
    return sorted(p for p in paths if p != "/signin")


def test_the_routes_that_change_state_are_known() -> None:
    """The refusal tests below read the app's own routes, so a new one is covered; this
    says which there are now."""
    posts = sorted(path for path, methods in routes() if "POST" in methods)
    assert posts == [
        "/signin",
        "/signout",
        "/stories/{story_id}/corrections",
        "/stories/{story_id}/paragraphs/{paragraph}/move",
        "/stories/{story_id}/review",
        "/stories/{story_id}/sentences/{position}",
        "/stories/{story_id}/sentences/{position}/remove",
        "/stories/{story_id}/sources",
        "/stories/{story_id}/sources/fetch",
        "/users",
        "/users/{name}/disable",
    ]
    assert all(methods <= {"GET", "POST"} for _, methods in routes())


# ---------------------------------------------------------------- signing in and out


def test_a_wrong_password_is_refused_and_the_right_one_starts_a_session(desk: RunningDesk) -> None:
    client = desk.client("10.1.0.1")
    page = client.get("/signin")
    assert page.status_code == 200 and 'name="password"' in page.text
    refused = client.post(
        "/signin", data={"name": ADMIN[0], "password": WRONG, "csrf_token": form_token(page.text)}
    )
    assert refused.status_code == 401 and "Wrong name or password." in refused.text
    assert "newsdesk_session" not in refused.headers.get("set-cookie", "")
    response = try_sign_in(client, *ADMIN)
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "newsdesk_session=" in c)
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes and "path=/" in attributes
    assert "secure" not in attributes  # plain HTTP
    assert "max-age=43200" in attributes
    assert client.get("/queue").status_code == 200
    assert client.get("/signin").status_code == 303  # signed in already


def test_an_unknown_name_fails_like_a_wrong_password(desk: RunningDesk) -> None:
    response = try_sign_in(desk.client("10.1.0.2"), "nobody", WRONG)
    assert response.status_code == 401 and "Wrong name or password." in response.text


def test_the_cookie_is_secure_when_a_trusted_proxy_says_https(desk: RunningDesk) -> None:
    client = desk.client("10.1.0.3")
    client.headers["X-Forwarded-Proto"] = "https"
    page = client.get("/signin")
    nonce_cookie = page.headers["set-cookie"]
    assert "secure" in [part.strip().lower() for part in nonce_cookie.split(";")]
    # httpx keeps a Secure cookie for https only: send the form's nonce by hand
    response = client.post(
        "/signin",
        data={"name": ADMIN[0], "password": ADMIN[1], "csrf_token": form_token(page.text)},
        headers={"Cookie": nonce_cookie.split(";")[0]},
    )
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if "newsdesk_session=" in c)
    assert "secure" in [part.strip().lower() for part in cookie.split(";")]


def test_an_untrusted_peer_cannot_claim_another_address_or_https(tmp_path: Path) -> None:
    with running(tmp_path, **{"desk.trusted_proxies": []}) as plain:
        client = plain.client("203.0.113.9")
        client.headers["X-Forwarded-Proto"] = "https"
        response = try_sign_in(client, *ADMIN)
        assert response.status_code == 303
        assert "secure" not in response.headers["set-cookie"].lower()
        store = plain.store()
        [entry] = store.audit_log(action="signin")
        store.close()
        assert entry.address == "127.0.0.1"


def test_sign_out_ends_the_session_on_the_server(desk: RunningDesk) -> None:
    signed = desk.signed_in("10.1.0.4")
    cookie = signed.client.cookies["newsdesk_session"]
    response = signed.post("/signout")
    assert response.status_code == 303 and response.headers["location"] == "/signin"
    assert 'newsdesk_session=""' in response.headers["set-cookie"]
    replay = desk.client("10.1.0.4")
    replay.cookies.set("newsdesk_session", cookie)
    answer = replay.get("/queue")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")
    store = desk.store()
    assert store.audit_log(1, user=ADMIN[0])[0].action == "signout"
    store.close()


def test_a_forged_or_expired_session_is_refused(desk: RunningDesk) -> None:
    signed = desk.signed_in("10.1.0.5", EDITOR)
    token, mac = signed.client.cookies["newsdesk_session"].rsplit(".", 1)
    forged = desk.client("10.1.0.5")
    forged.cookies.set("newsdesk_session", f"{token}.{mac[:-2]}xx")
    assert forged.get("/queue").status_code == 303
    with sqlite3.connect(desk.database) as db:
        db.execute("UPDATE sessions SET expires = '2000-01-01T00:00:00+00:00' WHERE user = 'eve'")
    assert signed.client.get("/queue").status_code == 303


def test_after_sign_in_the_desk_goes_where_it_was_headed_but_never_off_site(
    desk: RunningDesk,
) -> None:
    client = desk.client("10.1.0.6")
    first = client.get("/stories/s-d0e5c0000003?x=1")
    assert first.headers["location"] == "/signin?next=/stories/s-d0e5c0000003%3Fx%3D1"
    for target, landing in [
        ("/stories/s-d0e5c0000003", "/stories/s-d0e5c0000003"),
        ("//evil.example/", "/queue"),
        ("https://evil.example/", "/queue"),
        ("/\\evil.example", "/queue"),
    ]:
        fresh = desk.client("10.1.0.6")
        page = fresh.get("/signin", params={"next": target})
        data = {"name": ADMIN[0], "password": ADMIN[1], "csrf_token": form_token(page.text)}
        response = fresh.post("/signin", data={**data, "next": target})
        assert response.headers["location"] == landing, target


def test_the_sign_in_form_needs_its_own_token(desk: RunningDesk) -> None:
    client = desk.client("10.1.0.7")
    client.get("/signin")
    bare = client.post("/signin", data={"name": ADMIN[0], "password": ADMIN[1]})
    assert bare.status_code == 403
    other = desk.client("10.1.0.7")  # a token from another browser's form
    token = form_token(other.get("/signin").text)
    assert (
        client.post(
            "/signin", data={"name": ADMIN[0], "password": ADMIN[1], "csrf_token": token}
        ).status_code
        == 403
    )


# ---------------------------------------------------------------- refusals


def test_every_page_but_sign_in_needs_a_session(desk: RunningDesk) -> None:
    client = desk.client("10.2.0.1")
    for path in ["/", "/queue", "/stories/s-d0e5c0000001", "/users", "/audit"]:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/signin"), path
    htmx = client.get("/queue", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/signin"
    assert client.get("/static/desk.css").status_code == 200
    assert client.get("/static/htmx.min.js").status_code == 200


def test_every_state_changing_route_refuses_without_a_session(desk: RunningDesk) -> None:
    client = desk.client("10.2.0.2")
    for path in post_routes():
        data = {"name": "mallory", "password": "x" * 20, "text": "x", "decision": "approve"}
        response = client.post(path, data=data)
        assert response.status_code in (303, 401), path
        if response.status_code == 303:
            assert response.headers["location"].startswith("/signin"), path
    store = desk.store()
    assert store.user("mallory") is None and not store.user(EDITOR[0]).disabled  # type: ignore[union-attr]
    assert store.edits(HELD) == [] and store.reviews(HELD) == [] and store.corrections() == []
    store.close()


def test_every_state_changing_route_refuses_without_the_csrf_token(desk: RunningDesk) -> None:
    signed = desk.signed_in("10.2.0.3")
    other = desk.signed_in("10.2.0.4")
    data = {"name": "mallory", "role": "admin", "password": "x" * 20, "again": "x" * 20}
    data |= {"text": "A forged sentence.", "decision": "approve", "reason": "forged"}
    data |= {"wrong": "forged", "right": "forged", "source": "forged"}
    for path in post_routes():
        assert signed.client.post(path, data=data).status_code == 403, path
        wrong = {**data, "csrf_token": other.csrf}
        assert signed.client.post(path, data=wrong).status_code == 403, path
        header = signed.client.post(path, data=data, headers={"X-CSRF-Token": "nope"})
        assert header.status_code == 403, path
        cross = signed.client.post(
            path,
            data={**data, "csrf_token": signed.csrf},
            headers={"Origin": "https://evil.example"},
        )
        assert cross.status_code == 403, path
    store = desk.store()
    assert store.user("mallory") is None and not store.user(EDITOR[0]).disabled  # type: ignore[union-attr]
    assert store.edits(HELD) == [] and store.reviews(HELD) == [] and store.corrections() == []
    refused = store.audit_log(action="refused", user=ADMIN[0])
    assert {e.detail for e in refused} == {"no valid CSRF token", "cross-origin request"}
    store.close()
    assert signed.client.get("/queue").status_code == 200  # still signed in


def test_an_htmx_request_may_carry_the_token_in_a_header(desk: RunningDesk) -> None:
    signed = desk.signed_in("10.2.0.5")
    store = desk.store()
    accounts.add_user(store, "temp", "editor", "x" * 20, accounts.Actor.command_line())
    store.close()
    response = signed.client.post(
        "/users/temp/disable", headers={"X-CSRF-Token": signed.csrf, "HX-Request": "true"}
    )
    assert response.status_code == 303
    store = desk.store()
    assert store.user("temp").disabled  # type: ignore[union-attr]
    store.close()


def test_an_editor_cannot_manage_users_or_read_the_audit_log(desk: RunningDesk) -> None:
    editor = desk.signed_in("10.2.0.6", EDITOR)
    assert editor.client.get("/users").status_code == 403
    assert editor.client.get("/audit").status_code == 403
    data = {"name": "mallory", "role": "admin", "password": "x" * 20, "again": "x" * 20}
    assert editor.post("/users", data).status_code == 403
    assert editor.post(f"/users/{ADMIN[0]}/disable").status_code == 403
    queue = editor.client.get("/queue")
    assert queue.status_code == 200 and 'href="/users"' not in queue.text
    store = desk.store()
    assert store.user("mallory") is None and not store.user(ADMIN[0]).disabled  # type: ignore[union-attr]
    assert {e.detail for e in store.audit_log(action="refused", user=EDITOR[0])} == {"admin only"}
    store.close()


def test_an_admin_adds_and_disables_users_and_a_disabled_user_is_signed_out(
    desk: RunningDesk,
) -> None:
    admin = desk.signed_in("10.2.0.7")
    data = {"name": "walt", "role": "editor", "password": "walts passphrase", "again": "nope"}
    differ = admin.post("/users", data)
    assert differ.status_code == 400 and "the two passwords differ" in differ.text
    added = admin.post("/users", {**data, "again": "walts passphrase"})
    assert added.status_code == 303 and added.headers["location"].startswith("/users?done=")
    assert "Done: added editor walt." in admin.client.get(added.headers["location"]).text
    assert "Done:" not in admin.client.get("/users", params={"done": "you were hacked"}).text
    walt = desk.signed_in("10.2.0.8", ("walt", "walts passphrase"))
    assert walt.client.get("/queue").status_code == 200
    assert admin.post("/users/walt/disable").status_code == 303
    assert walt.client.get("/queue").status_code == 303
    assert try_sign_in(desk.client("10.2.0.8"), "walt", "walts passphrase").status_code == 401
    store = desk.store()
    actions = [e.action for e in store.audit_log(5, user=ADMIN[0])]
    store.close()
    assert "user.add" in actions and "user.disable" in actions


# ---------------------------------------------------------------- the sign-in limit


def test_failed_sign_ins_are_limited_per_user_and_per_address_across_restarts(
    desk: RunningDesk,
) -> None:
    store = desk.store()
    accounts.add_user(store, "rita", "editor", "ritas passphrase", accounts.Actor.command_line())
    store.close()
    for n in range(5):
        assert try_sign_in(desk.client(f"10.3.0.{n}"), "rita", WRONG).status_code == 401
    limited = try_sign_in(desk.client("10.3.1.1"), "rita", "ritas passphrase")
    assert limited.status_code == 429
    assert "Too many failed sign-ins" in limited.text
    spray = desk.client("10.3.2.1")
    for n in range(5):
        assert try_sign_in(spray, f"guess{n}", WRONG).status_code == 401
    assert try_sign_in(spray, *ADMIN).status_code == 429
    assert try_sign_in(desk.client("10.3.2.2"), *ADMIN).status_code == 303
    with serve(desk.config) as again:  # a new process would read the same rows
        restarted = RunningDesk(again, desk.config)
        assert try_sign_in(restarted.client("10.3.2.1"), *ADMIN).status_code == 429
        restarted.close()
    store = desk.store()
    assert store.audit_log(action="signin.limited")
    store.close()


# ---------------------------------------------------------------- headers and secrets


def test_every_response_carries_a_strict_content_security_policy(desk: RunningDesk) -> None:
    signed = desk.signed_in("10.4.0.1")
    for path in ["/signin", "/queue", "/stories/s-d0e5c0000001", "/static/desk.css", "/nope"]:
        response = signed.client.get(path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "same-origin", path
    assert signed.client.get("/queue").headers["cache-control"] == "no-store"
    html = signed.client.get("/queue").text
    assert "<script>" not in html and " style=" not in html and " on" + "click" not in html


def test_no_password_reaches_the_database(desk: RunningDesk) -> None:
    try_sign_in(desk.client("10.4.0.2"), ADMIN[0], WRONG)
    desk.signed_in("10.4.0.3", EDITOR)
    with sqlite3.connect(desk.database) as db:
        db.execute("PRAGMA wal_checkpoint(FULL)")
    files = desk.database.parent.glob(desk.database.name + "*")
    data = b"".join(p.read_bytes() for p in files)
    for secret in (ADMIN[1], EDITOR[1], WRONG):
        assert secret.encode() not in data, secret


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_newsdesk_desk_serves_and_logs_no_password(tmp_path: Path) -> None:
    """The real command in its own process, at uvicorn's info level (access log on)."""
    with running(tmp_path) as built:
        database = built.database
    port = free_port()
    env = {**os.environ, "NEWSDESK_SESSION_KEY": KEY.decode()}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsdesk",
            "desk",
            "--database",
            str(database),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/signin", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "no desk"
                time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            assert try_sign_in(client, ADMIN[0], WRONG).status_code == 401
            assert sign_in(client, *ADMIN)
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode("utf-8", "replace")
    assert "POST /signin" in output and "Uvicorn running on" in output
    assert ADMIN[1] not in output and WRONG not in output
