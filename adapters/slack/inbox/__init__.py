"""The security inbox in a Slack channel: each report a card, its events in the card's thread."""
