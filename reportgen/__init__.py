"""reportgen: Chinese Party and government official documents (公文) following GB/T 9704-2012,
from yearly facts kept in YAML and text templates."""

__version__ = "0.1.0"
