"""The store's SQLite database: one file per process (the server and a
test's reference app each get their own), created and seeded on import."""

import os
import sqlite3
import tempfile

PATH = os.path.join(tempfile.gettempdir(), f"turbo-store-{os.getpid()}.sqlite3")

SEED = [("hammer", 12.5, 3), ("saw", 20.0, 0), ("drill", 89.99, 7), ("tape", 2.25, 40)]


def connect() -> sqlite3.Connection:
    # FastAPI enters a `def` generator dependency in its thread pool and
    # the handler may run in another thread.
    connection = sqlite3.connect(PATH, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    return connection


def reset() -> None:
    with connect() as connection:
        connection.execute("DROP TABLE IF EXISTS items")
        connection.execute(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, price REAL NOT NULL, stock INTEGER NOT NULL)"
        )
        connection.executemany("INSERT INTO items (name, price, stock) VALUES (?, ?, ?)", SEED)
    connection.close()


reset()
