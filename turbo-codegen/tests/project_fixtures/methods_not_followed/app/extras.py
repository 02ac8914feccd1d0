from fastapi import FastAPI


class Extras:
    def install(self, app: FastAPI) -> None:
        @app.get("/extras")
        def extra():
            return {"extra": True}

    def install_more(self, app: FastAPI) -> None:
        @app.get("/more")
        def more():
            return {"more": True}


class Orphan:
    @staticmethod
    def never_called(app: FastAPI) -> None:
        @app.get("/orphan")
        def orphan():
            return {}
