"""WhatsApp "Export chat" (.txt or .zip): header shapes, markers, parsing."""
