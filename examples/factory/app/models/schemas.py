from pydantic import BaseModel, Field


class ArticleIn(BaseModel):
    title: str = Field(min_length=1)
    body: str
    tags: list[str] = []


class ArticleOut(ArticleIn):
    slug: str
