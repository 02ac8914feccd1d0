from .schemas import ArticleIn, ArticleOut

__all__ = ["ArticleIn", "ArticleOut"]
