"""The Core Group bot: application, services, pure rules, rendering and the Slack gateway."""
