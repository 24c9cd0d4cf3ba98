"""The domain operations: each takes the dependencies or a session; no Slack payloads."""
