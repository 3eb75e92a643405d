"""The HTTP server: Slack's endpoint and the health check."""
