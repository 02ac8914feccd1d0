# expect: TB003
import fastapi

server = object()
