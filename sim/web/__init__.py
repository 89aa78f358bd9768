"""Everything the project serves over HTTP, on one small stack: Starlette routes requests and
uvicorn runs them (``server``), bound to 127.0.0.1 unless told otherwise; ``playground`` is the
browser playground. Imported only by the commands that serve, so that the rest of the command
line never loads it. This room may import every room below the command line but
``sim.testing``.
"""
