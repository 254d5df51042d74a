"""``digitize serve`` and ``digitize users``: the web app's commands."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from digitize.store.models_web import Role

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_PORT = 8000
LOCAL_HOSTS = frozenset({"localhost"})


def is_local(host: str) -> bool:
    """Whether ``host`` is a loopback name or address."""
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def _accounts(db: str | None, data: Path) -> Iterator[Session]:
    """A committed session on the store for one account change; a refused change is a usage error."""
    from digitize.store import Store

    store = Store.open(db, out_dir=data)
    try:
        with store.session() as session:
            yield session
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=True)
    return value


_db_option = click.option("--db", default=None, help="Database URL or SQLite file (default: DATA/digitize.db).")
_data_option = click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
                            show_default=True, help="Folder for the database and the stored uploads.")


@click.group("users")
def users_command() -> None:
    """Accounts of the web app (admin, collector, reviewer)."""


@users_command.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(Role.ALL), required=True)
@click.option("--unit", default=None, help="Commune/ward whose dossiers the user sees (not needed for admin).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@_db_option
@_data_option
def users_add(name: str, role: str, unit: str | None, password_stdin: bool, db: str | None, data: Path) -> None:
    """Create an account; the password comes from a prompt or --password-stdin."""
    from digitize.web.auth import add_user

    password = _password(password_stdin)
    with _accounts(db, data) as session:
        add_user(session, name, role, unit, password)
    click.echo(f"user {name} added ({role})")


@users_command.command("list")
@_db_option
@_data_option
def users_list(db: str | None, data: Path) -> None:
    """Accounts with their role, unit and whether they are disabled."""
    from sqlalchemy import select

    from digitize.store.models_web import User

    with _accounts(db, data) as session:
        for user in session.scalars(select(User).order_by(User.name)):
            click.echo(f"{user.name}\t{user.role}\t{user.unit or '-'}\t{'disabled' if user.disabled else 'active'}")


@users_command.command("disable")
@click.argument("name")
@_db_option
@_data_option
def users_disable(name: str, db: str | None, data: Path) -> None:
    """Disable an account and end its sessions."""
    from digitize.web.auth import disable_user

    with _accounts(db, data) as session:
        disable_user(session, name)
    click.echo(f"user {name} disabled")


@users_command.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@_db_option
@_data_option
def users_passwd(name: str, password_stdin: bool, db: str | None, data: Path) -> None:
    """Set a new password (the user's sessions end)."""
    from digitize.web.auth import set_password

    password = _password(password_stdin)
    with _accounts(db, data) as session:
        set_password(session, name, password)
    click.echo(f"password of {name} changed")


@click.command("serve")
@_db_option
@_data_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes that read uploads (one OCR engine each).")
@click.option("--backend", default=None, help="OCR backend name (default: the settings' backend).")
@click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--insecure-http", is_flag=True, help="Allow plain HTTP on a non-local address (not recommended).")
@click.pass_context
def serve_command(ctx: click.Context, db: str | None, data: Path, host: str, port: int, workers: int,
                  backend: str | None, ssl_certfile: str | None, ssl_keyfile: str | None, insecure_http: bool) -> None:
    """Run the web app for collectors and reviewers."""
    import uvicorn

    from digitize.extract_cli import settings_from_context
    from digitize.store import database_url
    from digitize.web.app import WebConfig, create_app

    tls = bool(ssl_certfile and ssl_keyfile)
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise click.BadParameter("give both --ssl-certfile and --ssl-keyfile")
    if not is_local(host) and not tls and not insecure_http:
        raise click.UsageError(f"refusing to serve on {host} without TLS: give --ssl-certfile/--ssl-keyfile "
                               "(or --insecure-http behind a TLS proxy)")
    settings = settings_from_context(ctx, **({"backend": backend} if backend else {}))
    data.mkdir(parents=True, exist_ok=True)
    config = WebConfig(db=database_url(db, data), data_dir=data.resolve(), settings=settings, workers=workers,
                       secure_cookies=tls)
    app = create_app(config)
    uvicorn.run(app, host=host, port=port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
                log_level="info", access_log=True, proxy_headers=False)
