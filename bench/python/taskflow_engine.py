"""TaskFlow's overhead per stage: a linear flow of N no-op tasks on the serial engine, with its
SQLAlchemy persistence on PostgreSQL (the database URL is argv[2], created and dropped by the caller) or
in memory ("memory"). Prints {"msPerStage": ...}. Run with Debian's /usr/bin/python3 (python3-taskflow,
python3-psycopg2, python3-alembic)."""
import contextlib
import json
import sys
import time

import sqlalchemy
from taskflow import engines, task
from taskflow.patterns import linear_flow
from taskflow.persistence import backends, models
from taskflow.persistence.backends.sqlalchemy import tables
from taskflow.utils import persistence_utils


class Noop(task.Task):
    def execute(self):
        return 1


stages = int(sys.argv[1])
url = sys.argv[2]
backend = backends.fetch({"connection": "memory://" if url == "memory" else url})
with contextlib.closing(backend.get_connection()) as conn:
    if url == "memory":
        conn.upgrade()
    else:
        # Debian's package lacks TaskFlow's alembic.ini, so upgrade() fails: create its tables directly.
        metadata = sqlalchemy.MetaData()
        tables.fetch(metadata)
        metadata.create_all(backend.engine)
flow = linear_flow.Flow("bench").add(*[Noop(f"s{i}") for i in range(stages)])
book = models.LogBook("bench")
flow_detail = persistence_utils.create_flow_detail(flow, book=book, backend=backend)
engine = engines.load(flow, flow_detail=flow_detail, book=book, backend=backend, engine="serial")
engine.compile()
engine.prepare()
started = time.monotonic()
engine.run()
elapsed = time.monotonic() - started
print(json.dumps({"msPerStage": elapsed * 1000 / stages}))
