"""WhatsApp "Export chat" (.txt or .zip): header shapes, markers, the day/month survey, parsing."""
