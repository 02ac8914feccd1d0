"""An app built by a factory, as many production templates do."""

from app.core.application import get_application

app = get_application()
