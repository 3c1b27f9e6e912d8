"""spoorvast: pin down online harassment evidence in a sealed, verifiable dossier."""

__version__ = "0.1.0"
