import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
from django.test import Client

from helpline.common.exceptions import ApplicationError
from helpline.outreach import services
from helpline.outreach.models import Donation

SECRET = "whsec_test_local_only"


def signed(payload: bytes, secret: str = SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header built with Stripe's documented scheme."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def session_event(event_id="evt_1", session_id="cs_test_1", amount=5000, mode="payment",
                  payment_status="paid", kind="checkout.session.completed") -> bytes:
    return json.dumps({
        "id": event_id, "object": "event", "type": kind, "livemode": False,
        "data": {"object": {"id": session_id, "object": "checkout.session", "mode": mode,
                            "amount_total": amount, "currency": "usd",
                            "payment_status": payment_status}},
    }).encode()


def post(client, payload: bytes, header: str | None):
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post("/hooks/stripe/", payload, content_type="application/json", **extra)


@pytest.fixture
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return SECRET


@pytest.mark.django_db
def test_signed_event_records_one_donation_and_a_replay_stores_nothing_more(client, webhook_secret):
    payload = session_event()
    response = post(client, payload, signed(payload))
    assert response.status_code == 200
    assert response.json() == {"received": True, "recorded": True}
    donation = Donation.objects.get()
    assert (donation.amount_minor, donation.currency, donation.frequency) == (5000, "usd", "once")
    assert donation.stripe_object_id == "cs_test_1"

    # Stripe retries deliver the same event again (newly signed): still one donation.
    for _ in range(3):
        assert post(client, payload, signed(payload)).status_code == 200
    # A different event about the same Checkout session does not count twice either.
    other = session_event(event_id="evt_2", kind="checkout.session.async_payment_succeeded")
    assert post(client, other, signed(other)).status_code == 200
    assert Donation.objects.count() == 1

    # The thank-you page reports the recorded donation.
    page = client.get("/en/donate/thanks/?session_id=cs_test_1").content.decode()
    assert "$50.00" in page


@pytest.mark.django_db
@pytest.mark.parametrize("make_header", [
    lambda p: signed(p, secret="whsec_someone_else"),                 # forged
    lambda p: signed(p, timestamp=int(time.time()) - 3600),          # old timestamp
    lambda p: signed(p + b" "),                                      # payload changed
    lambda p: "t=abc,v1=zzz",
    lambda p: "",
    lambda p: None,
])
def test_forged_old_or_missing_signatures_are_refused(client, webhook_secret, make_header):
    payload = session_event()
    response = post(client, payload, make_header(payload))
    assert response.status_code == 400
    assert "signature" in response.json()["error"]
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_bad_payloads_are_refused(client, webhook_secret):
    for payload in (b"not json", b"\xff\xfe", json.dumps({"id": "evt_x"}).encode(),
                    session_event(amount=-5), session_event(amount="50")):
        response = post(client, payload, signed(payload))
        assert response.status_code == 400, payload
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_webhook_without_a_configured_secret_is_refused(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = session_event()
    assert post(client, payload, signed(payload)).status_code == 400
    assert not Donation.objects.exists()
    assert client.get("/hooks/stripe/").status_code == 405


@pytest.mark.django_db
def test_unpaid_sessions_and_other_events_record_nothing(client, webhook_secret):
    for payload in (session_event(payment_status="unpaid"),
                    session_event(event_id="evt_9", kind="customer.created")):
        response = post(client, payload, signed(payload))
        assert response.status_code == 200
        assert response.json()["recorded"] is False
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_monthly_first_payment_and_renewals(client, webhook_secret):
    first = session_event(event_id="evt_m1", session_id="cs_m", mode="subscription", amount=2500)
    assert post(client, first, signed(first)).status_code == 200

    def invoice(event_id, invoice_id, reason):
        return json.dumps({"id": event_id, "type": "invoice.paid", "livemode": False,
                           "data": {"object": {"id": invoice_id, "amount_paid": 2500,
                                               "currency": "usd", "billing_reason": reason}}}).encode()

    for payload in (invoice("evt_m2", "in_1", "subscription_create"),   # same as the session
                    invoice("evt_m3", "in_2", "subscription_cycle"),
                    invoice("evt_m3", "in_2", "subscription_cycle")):   # replay
        assert post(client, payload, signed(payload)).status_code == 200
    assert sorted(Donation.objects.values_list("stripe_object_id", "frequency")) == [
        ("cs_m", "monthly"), ("in_2", "monthly")]


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("en", "not set up"), ("es", "no están configuradas")])
def test_without_keys_the_page_says_donations_are_not_set_up(client, settings, lang, text):
    settings.STRIPE_SECRET_KEY = ""
    page = client.get(f"/{lang}/donate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert text in html
    assert "<form" not in html.split('id="main"', 1)[1].split("</main>")[0]
    response = client.post(f"/{lang}/donate/", {"frequency": "once", "amount": "50"})
    assert response.status_code == 503
    assert "Location" not in response
    assert not Donation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    {"frequency": "once", "amount": "other", "custom_amount": "0.50"},
    {"frequency": "once", "amount": "other", "custom_amount": "100000.01"},
    {"frequency": "once", "amount": "other", "custom_amount": "1e9"},
    {"frequency": "once", "amount": "other", "custom_amount": "-20"},
    {"frequency": "once", "amount": "other", "custom_amount": "NaN"},
    {"frequency": "once", "amount": "other", "custom_amount": "12.345"},
    {"frequency": "once", "amount": "other", "custom_amount": "lots"},
    {"frequency": "once", "amount": "other", "custom_amount": ""},
    {"frequency": "once", "amount": "7"},
    {"frequency": "weekly", "amount": "50"},
])
def test_absurd_amounts_are_refused_before_calling_stripe(client, settings, data):
    # A key is configured, so only validation stands between the form and Stripe:
    # these must be refused locally (no network call is possible in tests).
    settings.STRIPE_SECRET_KEY = "sk_test_not_a_real_key"
    response = client.post("/en/donate/", data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Donation.objects.exists()


def test_amount_bounds_and_checkout_parameters(settings):
    assert services.parse_amount("1") == Decimal("1")
    assert services.parse_amount("$1,000.50") == Decimal("1000.50")
    assert services.parse_amount("100000") == Decimal("100000")
    for bad in ("0.99", "100000.01", "inf", "", "abc", "1.001"):
        with pytest.raises(ApplicationError):
            services.parse_amount(bad)
    once = services.checkout_params(Decimal("25"), "once", success_url="https://s/ok",
                                    cancel_url="https://s/no")
    assert once["mode"] == "payment"
    assert once["line_items"][0]["price_data"]["unit_amount"] == 2500
    assert "recurring" not in once["line_items"][0]["price_data"]
    monthly = services.checkout_params(Decimal("10.5"), "monthly", success_url="https://s/ok",
                                       cancel_url="https://s/no", language="es")
    assert monthly["mode"] == "subscription"
    assert monthly["line_items"][0]["price_data"]["recurring"] == {"interval": "month"}
    assert monthly["line_items"][0]["price_data"]["unit_amount"] == 1050
    assert monthly["locale"] == "es"


def test_checkout_without_keys_never_fakes_a_session(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ApplicationError) as info:
        services.donation_checkout_create("50", "once", success_url="x", cancel_url="y")
    assert info.value.code == "not_configured"


@pytest.mark.django_db
def test_thank_you_page_does_not_claim_an_unconfirmed_payment(client: Client):
    page = client.get("/en/donate/thanks/?session_id=cs_unknown").content.decode()
    assert "not yet received confirmation" in page
