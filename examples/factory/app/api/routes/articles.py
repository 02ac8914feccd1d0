from fastapi import APIRouter, Query
from starlette import status
from starlette.exceptions import HTTPException

from app.models import ArticleIn, ArticleOut

router = APIRouter()

ARTICLES = {"hello": {"slug": "hello", "title": "Hello", "body": "World", "tags": ["intro"]}}


@router.get("", response_model=list[ArticleOut], name="articles:list")
async def list_articles(limit: int = Query(20, ge=1), offset: int = Query(0, ge=0)):
    return list(ARTICLES.values())[offset : offset + limit]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ArticleOut)
async def create_article(article: ArticleIn):
    return {"slug": article.title.lower().replace(" ", "-"), **article.model_dump()}


@router.get("/{slug}", response_model=ArticleOut)
async def get_article(slug: str):
    if slug not in ARTICLES:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=f"article {slug} not found")
    return ARTICLES[slug]
