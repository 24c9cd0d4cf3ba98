"""Tables, queries, sessions and migrations. No Slack, no rendering."""
