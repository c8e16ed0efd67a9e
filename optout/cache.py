"""The default cache without Redis: Django's database cache, with counting fit for rate limits.

Every worker of every app server shares the database, so a counter kept there is one counter
for the whole site. Django's own `incr()` there reads, adds and writes as separate steps (two
workers counting at once can lose a count) and resets the entry's expiry to the default
timeout (an hour's window would be forgotten after five quiet minutes). This one does it in one
transaction that holds the row's lock, and leaves the expiry alone.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        table = connection.ops.quote_name(self._table)
        stored_key = self.make_and_validate_key(key, version=version)
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                # A write takes the row's lock (SQLite: the database's) until this transaction
                # ends: a second worker counting the same key waits here, then reads our count.
                cursor.execute(
                    f"UPDATE {table} SET expires = expires WHERE cache_key = %s",  # noqa: S608
                    [stored_key],
                )
            value = self.get(key, self._missing_key, version=version)
            if value is self._missing_key:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            # Stored as Django's database cache stores every value.
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET value = %s WHERE cache_key = %s",  # noqa: S608
                    [encoded, stored_key],
                )
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version=version)
