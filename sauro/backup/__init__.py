"""Backups that restore: ``sauro backup`` writes one archive (database, uploaded files, the audit checkpoint file, a
manifest with checksums), ``sauro restore`` puts it back into an empty instance and checks it; the keys are kept
apart, in a small file of their own. The worker's nightly backup (``daily.jobs``) uses ``nightly``."""
