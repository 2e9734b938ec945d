"""Limits of the domain that a form and a service must agree on."""

MAX_SERVICE_MINUTES = 720  # one service's length: twelve hours is already a whole day's outreach
