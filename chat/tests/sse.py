import json


def read_events(response) -> list[tuple[str, dict]]:
    """Consume a streaming response and parse its Server-Sent Events."""
    raw = b"".join(response.streaming_content).decode()
    events = []
    for block in raw.split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def streamed_text(events) -> str:
    return "".join(data["text"] for event, data in events if event == "delta")
