"""procurement: check public purchases against the Aix-Marseille-Provence plan and French procurement law."""

__version__ = "0.1.0"
