from fastapi import APIRouter

from app.api.routes import articles, tags

router = APIRouter()
router.include_router(articles.router, tags=["articles"], prefix="/articles")
router.include_router(tags.router, tags=["tags"], prefix="/tags")
