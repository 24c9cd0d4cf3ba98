"""Transcripts of what each person saw in Slack: the data model and its text and HTML renderings."""

from bot.devtools.transcript.model import PersonTranscript, Seen, Transcript
from bot.devtools.transcript.render import render_html, render_text

__all__ = ["PersonTranscript", "Seen", "Transcript", "render_html", "render_text"]
