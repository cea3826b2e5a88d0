"""An optional read replica (DATABASE_REPLICA_URL): anonymous reads go there, which is most of a
public site's traffic; a signed-in person, every write, and every read outside a request
(management commands, cron) stay on the primary, so nobody misses what they have just changed.
An anonymous GET writes nothing, so its reads never need to see an uncommitted write."""

from config.middleware import replica_reads


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if replica_reads.get():
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """The replica copies the primary's schema; migrations run on the primary only."""
        return db == "default"
