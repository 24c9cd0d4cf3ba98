"""Sending the outbox: the dispatcher, and the words written at the moment of sending."""
