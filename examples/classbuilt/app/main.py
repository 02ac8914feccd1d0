"""An app assembled by classes, as some service templates do: a
classmethod factory, a staticmethod and an instance method that register
routes, and a router included inside the factory."""

from app.server import Server

app = Server.create()
