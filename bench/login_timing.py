#!/usr/bin/env python
"""Login answer time for a known email (wrong and right password) and an unknown email, interleaved.

    python bench/login_timing.py                 # 30 rounds with Django's default PBKDF2 hasher
    python bench/login_timing.py --rounds 10

POSTs /api/auth/token/ through the Django test client on a scratch database (`login_bench`) of the embedded
server, one request of each kind per round in rotating order, each round from a new address so no failure
limit is reached (the per-email slow-down is switched off for the run). Prints the median and p90 per kind
and the ratio unknown/known-wrong (1.0 = the answer time does not tell whether an account exists).
Never part of the test suite.
"""

import argparse
import os
import statistics
import time

from _django import machine, percentile, setup

PASSWORD = "bench-login-passphrase-42"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--database", default="login_bench")
    args = parser.parse_args()
    os.environ["LOGIN_EMAIL_FAILURE_LIMIT"] = str(10**9)  # measure the answer, not the slow-down
    setup(args.database)

    from django.conf import settings
    from django.core.cache import caches
    from rest_framework.test import APIClient

    from accounts.models import ApprovalStatus, User

    user = User.objects.filter(email="bench@example.kr").first()
    if user is None:
        user = User.objects.create_user(email="bench@example.kr", password=PASSWORD, name="벤치",
                                        approval_status=ApprovalStatus.APPROVED)
    kinds = {
        "known email, wrong password": ("bench@example.kr", "wrong-passphrase-000", 400),
        "unknown email": ("nobody-here@example.kr", "wrong-passphrase-000", 400),
        "known email, right password": ("bench@example.kr", PASSWORD, 200),
    }
    caches[settings.LOGIN_CACHE_ALIAS].clear()
    times = {kind: [] for kind in kinds}
    for round_no in range(args.rounds):
        order = list(kinds)[round_no % 3:] + list(kinds)[:round_no % 3]
        client = APIClient(REMOTE_ADDR=f"10.{round_no // 250}.{round_no % 250}.9")
        for kind in order:
            email, password, status = kinds[kind]
            started = time.perf_counter()
            response = client.post("/api/auth/token/", {"email": email, "password": password}, format="json")
            times[kind].append((time.perf_counter() - started) * 1000)
            assert response.status_code == status, (kind, response.status_code, response.content[:200])
    caches[settings.LOGIN_CACHE_ALIAS].clear()
    user.auth_tokens.all().delete()

    print(f"login timing, {args.rounds} rounds, hasher {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}; {machine()}")
    for kind, values in times.items():
        print(f"  {kind:30s} median {statistics.median(values):7.1f} ms   p90 {percentile(values, 90):7.1f} ms")
    ratio = statistics.median(times["unknown email"]) / statistics.median(times["known email, wrong password"])
    print(f"  unknown / known-wrong median ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
