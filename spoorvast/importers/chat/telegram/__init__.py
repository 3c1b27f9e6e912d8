"""Telegram Desktop JSON exports."""
