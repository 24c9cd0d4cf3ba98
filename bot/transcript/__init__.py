"""Transcripts of what each person saw in Slack: the data model and its text and HTML renderings."""

from bot.transcript.model import PersonTranscript, Seen, Transcript
from bot.transcript.render import render_html, render_text

__all__ = ["PersonTranscript", "Seen", "Transcript", "render_html", "render_text"]
