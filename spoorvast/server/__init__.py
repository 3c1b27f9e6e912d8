"""The organisation's server of shared cases (an interface layer, like ``web``).

It stores ciphertext and routing data only (PostgreSQL + an S3 store, see
``storage/server_pg.py`` and ``storage/objects_s3.py``), checks who may do what on every
request (``access.py``), and appends an access entry signed with its own key to the
case's chain whenever someone fetches a key or a blob or exports. It never imports the
CLI, the local web app or the services: it has nothing to read.
"""
