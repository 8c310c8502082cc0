"""An invited specialist completes onboarding and takes a chat, in a real browser at
1280x800 and 360x740: the administrator invites on "Staff and roles", the link comes by
real SMTP, the specialist sets a password, enrols an authenticator (the code computed
here from the key the page shows), chooses languages and chat limit, and in the console
takes a Spanish visitor's chat. axe-core checks each new page."""

from __future__ import annotations

import base64
import re
import time

import pytest

from helpline.accounts import testing as staff_testing
from helpline.common import testing

from .conftest import HOURS_OPEN, PASSWORD, PHONE, new_page
from .test_accessibility import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DESKTOP_800 = {"width": 1280, "height": 800}
VIEWPORTS = [pytest.param(DESKTOP_800, id="desktop"), pytest.param(PHONE, id="phone")]
NEW_PASSWORD = "lena's own long passphrase"


def totp_now(key: bytes) -> str:
    from django_otp.oath import totp

    return f"{totp(key):06d}"


def wait_for_mail(inbox, address: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = inbox.to(address)
        if found:
            return found[0]
        time.sleep(0.1)
    pytest.fail(f"no e-mail reached {address}")


def check_axe(page, axe_path, where: str) -> None:
    violations = run_axe(page, axe_path)
    assert violations == [], f"{where}: {violations}"
    # usable at the viewport's width: nothing pushes the page sideways
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{where}: {width}px wide"


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_invited_specialist_completes_onboarding_and_takes_a_chat(
        playwright_browser, viewport, axe_path, shots, mailserver, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from helpline.accounts.models import Invitation
    from helpline.chat.models import Conversation, SpecialistStatus

    admin = staff_testing.make_staff("ada", "administrator")
    admin_device = TOTPDevice.objects.create(user=admin, name="authenticator", confirmed=True)
    port = testing.free_port()
    site = f"http://127.0.0.1:{port}"
    env = testing.server_env(
        HELPLINE_HOURS_JSON=HOURS_OPEN, HELPLINE_REQUIRE_2FA="1", HELPLINE_SITE_URL=site,
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(settings.EMAIL_PORT), EMAIL_USE_TLS="0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    srv = testing.ServerProcess(port=port, env=env)
    srv.start()
    try:
        # The administrator signs in (password, then a code) and invites a specialist.
        actx, admin_page = new_page(playwright_browser, viewport, bypass_csp=True)
        admin_page.goto(f"{site}/en/staff/login/?next=/en/staff/people/")
        admin_page.fill("#id_username", "ada")
        admin_page.fill("#id_password", PASSWORD)
        submit(admin_page, "Sign in")
        admin_page.fill("#id_token", totp_now(admin_device.bin_key))
        admin_page.locator("form button[type=submit]").first.click()
        admin_page.wait_for_url("**/en/staff/people/")
        admin_page.get_by_role("heading", name="Invite a staff member").wait_for()
        check_axe(admin_page, axe_path, "staff and roles")
        admin_page.get_by_label("User name").fill("lena")
        admin_page.get_by_label("E-mail address").fill("lena@example.org")
        admin_page.get_by_label("Name (optional)").fill("Lena Ortiz")
        admin_page.get_by_label("Specialist").check()
        shots(admin_page, "invite-form")
        submit(admin_page, "Send the invitation")
        admin_page.get_by_text("Invitation sent to lena@example.org.").wait_for()
        assert "Invited" in admin_page.locator("tr", has_text="lena").inner_text()
        shots(admin_page, "invited")
        with admin_page.expect_navigation():
            admin_page.get_by_role("link", name="Edit lena").click()
        admin_page.get_by_role("button", name="Send the invitation again").wait_for()
        admin_page.get_by_role("button", name="Deactivate lena").wait_for()
        check_axe(admin_page, axe_path, "staff member's page")

        # The e-mail, from the real SMTP server: both languages, absolute links.
        message = wait_for_mail(mailserver, "lena@example.org")
        assert "Su cuenta de personal" in message.subject
        link = re.search(re.escape(site) + r"/en/staff/welcome/\S+/", message.body).group(0)
        assert f"{site}/es/staff/welcome/" in message.body

        sctx, page = new_page(playwright_browser, viewport, bypass_csp=True)
        page.goto(link)
        page.get_by_role("heading", name="Welcome: choose a password").wait_for()
        check_axe(page, axe_path, "welcome")
        page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("New password again").fill(NEW_PASSWORD)
        shots(page, "choose-password")
        submit(page, "Set my password")

        # The authenticator: the code is computed from the key the page shows.
        page.wait_for_url("**/en/staff/two-factor/setup/")
        check_axe(page, axe_path, "authenticator set-up")
        secret = page.locator("main ol code").inner_text().strip()
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        shots(page, "authenticator")
        # Nothing else works before the set-up is finished.
        page.goto(f"{site}/en/chat/console/")
        assert "/en/chat/console/" not in page.url
        page.goto(f"{site}/en/staff/two-factor/setup/")
        assert page.locator("main ol code").inner_text().strip() == secret
        page.get_by_label("6-digit code").fill(totp_now(key))
        submit(page, "Turn on two-factor sign-in")

        # First sign-in as a specialist: languages, chat limit, name for the byline.
        page.wait_for_url("**/en/staff/welcome/chat/")
        page.goto(f"{site}/en/staff/")  # still sent back to this step
        page.wait_for_url("**/en/staff/welcome/chat/")
        check_axe(page, axe_path, "chat settings")
        page.get_by_label("Your name as visitors and readers see it").fill("Lena Ortiz")
        page.get_by_label("Qualifications (optional, e.g. RN, MSW)").fill("RN")
        page.get_by_label("English").check()
        page.get_by_label("Spanish").check()
        page.get_by_label("Most chats at once").fill("3")
        shots(page, "chat-settings")
        submit(page, "Save and open the console")
        page.wait_for_url("**/en/chat/console/")
        status = SpecialistStatus.objects.get(user__username="lena")
        assert status.languages == ["en", "es"] and status.max_concurrent == 3
        assert Invitation.objects.get(user__username="lena").completed_at is not None

        # In the console: available, then a Spanish visitor's chat reaches her.
        page.locator("select[name=available]").select_option("available")
        submit(page, "Save my status")
        page.locator("#console-connection").wait_for(state="attached")
        shots(page, "console-available")

        vctx, visitor = new_page(playwright_browser, viewport)
        visitor.goto(f"{site}/es/chat/")
        visitor.locator("textarea[name=message]").fill("Hola, tengo una pregunta sobre CAR T.")
        visitor.get_by_role("button", name="Iniciar el chat").click()
        visitor.wait_for_url("**/es/chat/room/")
        visitor.locator("#chat-compose:not([hidden])").wait_for()

        row = page.locator("#queue-body tr[data-id]").first
        row.wait_for()
        assert "ES" in row.inner_text().split()
        row.get_by_role("button", name="Accept").click()
        page.wait_for_url("**/en/chat/console/c/*/")
        page.locator("#chat-compose:not([hidden])").wait_for()
        page.locator("#chat-input").fill("Hola, soy Lena. ¿En qué puedo ayudarle?")
        page.get_by_role("button", name="Send").click()
        visitor.locator("#chat-log").get_by_text("Hola, soy Lena.").wait_for()
        shots(page, "chat-taken")
        shots(visitor, "visitor-answered")

        conversation = Conversation.objects.get()
        assert conversation.assigned_to.username == "lena" and conversation.language == "es"
        for ctx in (vctx, sctx, actx):
            ctx.close()
    finally:
        srv.stop()
