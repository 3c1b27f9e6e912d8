"""What every conversation format reads with: a safe zip (``zipsafe``, ``archive``), JSON
loaded whole or streamed in blocks (``jsonload``, ``jsonskeleton``, ``jsonstream``), the
folder beside a loose export (``localfiles``), text files as lines (``textfile``), the
accounting of lines and records (``accounting``), the people of an export
(``participants``), phone numbers (``phones``), and the finding codes they share."""
