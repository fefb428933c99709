"""Where failures and missed deadlines are announced.

CSCW_NOTIFIER selects the targets:
  log (default)            the Python log (and so the Airflow task log)
  email                    SMTP: CSCW_SMTP_HOST[:CSCW_SMTP_PORT], CSCW_NOTIFY_EMAIL_TO, CSCW_NOTIFY_EMAIL_FROM
  teams                    an incoming-webhook POST to CSCW_TEAMS_WEBHOOK_URL
  package.module:function  any callable(subject, body)
Several can be combined with commas ("log,teams"). A notifier that fails is logged, never raised: a broken
webhook must not hide the original failure.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import smtplib
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage

log = logging.getLogger("cscw.notify")


def _notify_log(subject: str, body: str) -> None:
    log.error("%s\n%s", subject, body)


def _notify_email(subject: str, body: str) -> None:
    host = os.environ["CSCW_SMTP_HOST"]
    port = int(os.environ.get("CSCW_SMTP_PORT", "25"))
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = os.environ.get("CSCW_NOTIFY_EMAIL_FROM", "cscw-pipeline@localhost")
    msg["To"] = os.environ["CSCW_NOTIFY_EMAIL_TO"]
    msg.set_content(body)
    with smtplib.SMTP(host, port, timeout=30) as smtp:
        if os.environ.get("CSCW_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"):
            smtp.starttls()
        user = os.environ.get("CSCW_SMTP_USER")
        if user:
            smtp.login(user, os.environ.get("CSCW_SMTP_PASSWORD", ""))
        smtp.send_message(msg)


def _notify_teams(subject: str, body: str) -> None:
    url = os.environ["CSCW_TEAMS_WEBHOOK_URL"]
    payload = json.dumps({"text": f"**{subject}**\n\n{body}"}).encode()
    req = urllib.request.Request(url, data=payload, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()


_BUILTIN: dict[str, Callable[[str, str], None]] = {
    "log": _notify_log,
    "email": _notify_email,
    "teams": _notify_teams,
}


def notifiers(spec: str | None = None) -> list[Callable[[str, str], None]]:
    spec = spec if spec is not None else os.environ.get("CSCW_NOTIFIER", "log")
    out = []
    for name in (s.strip() for s in spec.split(",")):
        if not name:
            continue
        if name in _BUILTIN:
            out.append(_BUILTIN[name])
        elif ":" in name:
            module, func = name.split(":", 1)
            out.append(getattr(importlib.import_module(module), func))
        else:
            raise ValueError(f"unknown notifier {name!r} (log, email, teams or module:function)")
    return out


def notify(subject: str, body: str, spec: str | None = None) -> int:
    """Send to every configured notifier; returns how many succeeded. Never raises."""
    sent = 0
    try:
        targets = notifiers(spec)
    except Exception as err:  # a misconfigured notifier must not mask the failure being reported
        log.exception("notifier configuration error: %s", err)
        targets = [_notify_log]
    for target in targets:
        try:
            target(subject, body)
            sent += 1
        except Exception:
            log.exception("notifier %s failed", getattr(target, "__name__", target))
    return sent


async def deadline_missed(context: dict | None = None, **kwargs) -> None:
    """Airflow DeadlineAlert callback (runs in the triggerer): the marts were not published in time."""
    dag_run = (context or {}).get("dag_run")
    run_id = getattr(dag_run, "run_id", None) or (context or {}).get("run_id") or "?"
    deadline = kwargs.get("deadline", "the configured deadline")
    notify(
        f"cscw nightly: marts not published by {deadline}",
        f"Run {run_id} had not published the marts by {deadline} "
        f"({datetime.now(UTC).isoformat(timespec='seconds')}). BI still shows the previous night.",
    )
