"""HTTP layer over engine services."""
from .app import create_app

__all__ = ["create_app"]
