import concurrent.futures

import httpx
import pytest

from helpline.common.testing import running_server
from helpline.outreach.models import Donation

from .test_donations import SECRET, session_event, signed


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_redeliveries_to_a_real_server_store_one_donation():
    payload = session_event(event_id="evt_race", session_id="cs_race", amount=12345)
    forged = signed(payload, secret="whsec_wrong")
    with running_server(workers=2, STRIPE_WEBHOOK_SECRET=SECRET, STRIPE_SECRET_KEY="") as server:
        def deliver(header):
            return httpx.post(f"{server.url}/hooks/stripe/", content=payload, timeout=30,
                              headers={"Stripe-Signature": header,
                                       "Content-Type": "application/json"}).status_code

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(deliver, [signed(payload) for _ in range(12)]))
        assert codes == [200] * 12
        assert deliver(forged) == 400
        # Without keys the donate page says so, through the real server too.
        page = httpx.get(f"{server.url}/es/donate/", timeout=30)
        assert page.status_code == 200 and "no están configuradas" in page.text
    assert Donation.objects.count() == 1
    assert Donation.objects.get().amount_minor == 12345
