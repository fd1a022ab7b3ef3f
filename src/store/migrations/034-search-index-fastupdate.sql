-- Without a pending list, searches never scan unmerged GIN entries linearly (PGlite has no autovacuum to merge
-- them), and the planner costs the index correctly right after an ingest. Writes pay a little more.
ALTER INDEX rag_chunks_tsv SET (fastupdate = off);
ALTER INDEX memory_facts_tsv SET (fastupdate = off);
