"""What identifies an annotator project file and its schema version, without loading the
migrations themselves (``store.schema``, which needs sqlite-utils)."""

#: ``PRAGMA application_id`` of every annotator project ("ANNT").
APPLICATION_ID = 0x414E4E54

#: The schema's migrations in the order they are applied (``store.schema`` defines them and
#: checks this list against them). ``PRAGMA user_version`` is how many a file has had.
MIGRATION_NAMES = ("0001_core_tables", "0002_document_search", "0003_readable_views", "0004_document_list_index",
                   "0005_verdict_decisions", "0006_latest_verdict_order", "0007_change_log",
                   "0008_search_visible_to_other_tools", "0009_review_urls")

LATEST_VERSION = len(MIGRATION_NAMES)

#: The ``tbl`` of a change log entry (migration 0007) saying that the whole project was replaced.
EVERYTHING_CHANGED = "*"
