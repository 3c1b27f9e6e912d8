"""Sharing a case through an organisation's server: the HTTP client (``api``), the
shared case's keys, items and members (``case``), and the check of its chain (``chain``).
"""
