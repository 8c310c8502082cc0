import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from helpline.common.testing import REPO_DIR, server_env
from helpline.outreach.models import Delivery, NewsletterIssue, Subscriber


def subscribers(n, *, status=Subscriber.Status.CONFIRMED, language=None, prefix="reader"):
    return [
        Subscriber.objects.create(
            email=f"{prefix}{i}@example.org", status=status,
            language=language or ("es" if i % 2 else "en"),
            consent_at=timezone.now() if status == Subscriber.Status.CONFIRMED else None,
        )
        for i in range(n)
    ]


def make_issue():
    return NewsletterIssue.objects.create(
        subject_en="Spring news", body_en="Hello readers.",
        subject_es="Noticias de primavera", body_es="Hola lectores.",
    )


def received_count(inbox) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in inbox.messages:
        for rcpt in m.rcpt_tos:
            counts[rcpt] = counts.get(rcpt, 0) + 1
    return counts


@pytest.mark.django_db
def test_sends_to_confirmed_subscribers_in_their_language_in_batches(mailserver, capsys):
    readers = subscribers(5)
    subscribers(2, status=Subscriber.Status.PENDING, prefix="pending")
    subscribers(1, status=Subscriber.Status.UNSUBSCRIBED, prefix="gone")
    issue = make_issue()

    call_command("sendnewsletter", str(issue.pk), "--batch-size", "2")
    out = capsys.readouterr().out
    assert "5 sent now in 3 batch(es)" in out

    assert received_count(mailserver) == {r.email: 1 for r in readers}
    for mail in mailserver.messages:
        reader = Subscriber.objects.get(email=mail.to)
        if reader.language == "es":
            assert mail.subject == "Noticias de primavera"
            assert "Hola lectores." in mail.body
        else:
            assert mail.subject == "Spring news"
            assert "Hello readers." in mail.body
        # Every e-mail carries a working unsubscribe link.
        assert f"/{reader.language}/newsletter/unsubscribe/" in mail.body
        assert "unsubscribe" in mail.message["List-Unsubscribe"]
    assert Delivery.objects.filter(issue=issue, status="sent").count() == 5

    # Running it again sends nothing.
    call_command("sendnewsletter", str(issue.pk))
    assert len(mailserver.messages) == 5
    assert "0 sent now" in capsys.readouterr().out


@pytest.mark.django_db
def test_unsubscribe_link_in_an_issue_works(client, mailserver):
    [reader] = subscribers(1, language="en")
    issue = make_issue()
    call_command("sendnewsletter", str(issue.pk))
    url = [w for w in mailserver.messages[0].body.split() if "/unsubscribe/" in w][0]
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    second = make_issue()
    call_command("sendnewsletter", str(second.pk))
    assert len(mailserver.messages) == 1


@pytest.mark.django_db
def test_resume_never_resends_sent_or_interrupted_deliveries(mailserver, capsys):
    readers = subscribers(4, language="en")
    issue = make_issue()
    # State left by an earlier run that crashed: one sent, one claimed (the process
    # died between the SMTP send and marking it sent: outcome unknown).
    Delivery.objects.create(issue=issue, subscriber=readers[0], email=readers[0].email,
                            language="en", status="sent", sent_at=timezone.now())
    Delivery.objects.create(issue=issue, subscriber=readers[1], email=readers[1].email,
                            language="en", status="claimed")
    call_command("sendnewsletter", str(issue.pk))
    assert received_count(mailserver) == {readers[2].email: 1, readers[3].email: 1}
    out = capsys.readouterr().out
    assert "2 sent now" in out and "1 sent before" in out and "1 interrupted" in out


@pytest.mark.django_db
def test_refused_recipient_is_marked_and_can_be_retried(mailserver):
    readers = subscribers(3, language="en")
    refuse = {readers[1].email}
    mailserver.on_message = lambda m: "550 mailbox unavailable" if m.to in refuse else None
    issue = make_issue()
    call_command("sendnewsletter", str(issue.pk))
    assert Delivery.objects.get(email=readers[1].email).status == "failed"
    assert Delivery.objects.filter(status="sent").count() == 2
    refuse.clear()
    call_command("sendnewsletter", str(issue.pk), "--retry-failed")
    assert Delivery.objects.filter(status="sent").count() == 3
    # readers[1]: refused once, then accepted; the others received it once.
    assert received_count(mailserver) == {readers[0].email: 1, readers[1].email: 2,
                                          readers[2].email: 1}


@pytest.mark.django_db
def test_mail_server_down_claims_nothing(settings):
    from helpline.common.testing import free_port

    subscribers(2)
    issue = make_issue()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    with pytest.raises(CommandError, match="cannot connect to the mail server"):
        call_command("sendnewsletter", str(issue.pk))
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_unknown_issue_is_a_clear_error():
    with pytest.raises(CommandError, match="No newsletter issue 999"):
        call_command("sendnewsletter", "999")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_crash_mid_send_then_resume_never_duplicates(mailserver, settings):
    """A real process is killed (SIGKILL) while the SMTP server holds its third
    message; a second run completes the send without sending anyone twice."""
    readers = subscribers(7)
    issue = make_issue()
    env = server_env(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(settings.EMAIL_PORT),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "helpline", "sendnewsletter", str(issue.pk), "--batch-size", "2"],
        cwd=REPO_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    crashed_on: list[str] = []

    def crash_on_third(message):
        if len(mailserver.messages) == 3 and not crashed_on:
            crashed_on.append(message.to)
            os.kill(process.pid, signal.SIGKILL)  # the message was received, never marked sent
            time.sleep(0.2)
        return None

    mailserver.on_message = crash_on_third
    process.wait(60)
    assert process.returncode == -signal.SIGKILL
    assert len(crashed_on) == 1
    assert Delivery.objects.get(email=crashed_on[0]).status == "claimed"
    assert Delivery.objects.filter(status="sent").count() == 2

    mailserver.on_message = None
    call_command("sendnewsletter", str(issue.pk), "--batch-size", "2")
    counts = received_count(mailserver)
    assert counts == {r.email: 1 for r in readers}  # everyone exactly once, none twice
    assert Delivery.objects.filter(status="sent").count() == 6
    assert Delivery.objects.filter(status="claimed").count() == 1
