from fastapi import APIRouter

router = APIRouter()


def list_tags():
    return {"tags": ["intro", "news"]}


router.add_api_route("", list_tags, methods=["GET"])
