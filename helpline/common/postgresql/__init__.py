"""Django's PostgreSQL backend with the pool checks of :mod:`helpline.common.dbpool`."""
