"""Settings read from the environment, as the full-stack template does."""

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    API_V1_STR: str = "/api/v1"
    ENVIRONMENT: str = "local"
    PROJECT_NAME: str = "Full stack"


settings = Settings()
