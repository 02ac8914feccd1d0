"""`fastapi.openapi`: FastAPI 0.165's OpenAPI document and documentation
pages, generated from the routes the application registered."""
