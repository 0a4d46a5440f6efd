#!/usr/bin/env python
"""Chat answering before and after the list-of-steps refactor, interleaved in one run (A/B).

    python bench/chat_steps_ab.py                       # 20,000 passages, 3 rounds of 30 questions
    python bench/chat_steps_ab.py --passages 5000 --rounds 2

"before" is chat/answering.py and chat/crm.py as of --before (default d28d91a, read with `git show` and
loaded as separate modules); "after" is the working tree. Each question is asked by both, alternating which
goes first, on the data of bench/chat_latency.py (its scratch database, topped up the same way). Prints the
p50/mean latency of each and the after/before ratio, and whether both gave the same answer text.
Never part of the test suite.
"""

import argparse
import statistics
import subprocess
import sys
import time
import types
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import chat_latency  # noqa: E402 - after the path is set


def old_module(name: str, commit: str, path: str) -> types.ModuleType:
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"], capture_output=True, text=True,
                            check=True).stdout
    module = types.ModuleType(name)
    module.__file__ = f"{commit}:{path}"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", default="d28d91a")
    parser.add_argument("--database", default="chat_bench")
    args = parser.parse_args()
    chat_latency.setup_django(args.database)
    from accounts.models import Department
    from accounts.tests.factories import UserFactory
    from chat import answering as after
    from chat.services import session_create
    from documents.models import DocumentChunk

    before = old_module("answering_before", args.before, "chat/answering.py")
    before.crm = old_module("crm_before", args.before, "chat/crm.py")

    print(f"chat steps A/B: {' '.join(sys.argv)}")
    print(f"machine: {chat_latency.machine()}")
    chat_latency.top_up(args.passages, 50)
    user = UserFactory(access_level=1, department=Department.objects.get(code="CARDIO"),
                       email=f"bench-{uuid.uuid4().hex[:8]}@example.kr")
    print(f"data: {DocumentChunk.objects.count():,} passages; {len(chat_latency.QUESTIONS)} questions x "
          f"{args.rounds} rounds, each asked by both")
    for question in chat_latency.QUESTIONS[:3]:  # warm-up: Kiwi, e5, caches
        for variant in (before, after):
            variant.answer(session=session_create(owner=user), user=user, question=question)

    timings = {"before": [], "after": []}
    differing = 0
    for round_no in range(args.rounds):
        for i, question in enumerate(chat_latency.QUESTIONS):
            order = [("before", before), ("after", after)]
            if (i + round_no) % 2:
                order.reverse()
            texts = {}
            for label, variant in order:
                started = time.perf_counter()
                _q, answer = variant.answer(session=session_create(owner=user), user=user, question=question)
                timings[label].append((time.perf_counter() - started) * 1000)
                texts[label] = answer.content
            differing += texts["before"] != texts["after"]
    for label, values in timings.items():
        print(f"{label:6s} p50 {statistics.median(values):6.1f} ms  mean {statistics.mean(values):6.1f} ms  "
              f"({len(values)} answers)")
    print(f"after/before: p50 {statistics.median(timings['after']) / statistics.median(timings['before']):.3f}  "
          f"mean {statistics.mean(timings['after']) / statistics.mean(timings['before']):.3f}")
    print(f"answers that differ: {differing} of {len(timings['after'])}")


if __name__ == "__main__":
    main()
