"""The bot's door to Slack: the Web API client, the gateway, response URLs, after-answer work."""
