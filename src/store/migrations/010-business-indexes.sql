-- Business/knowledge area: indexes for lead.list filters and KBLI searches by level.
CREATE INDEX IF NOT EXISTS leads_status_created ON leads (status, created_at);
CREATE INDEX IF NOT EXISTS leads_source_created ON leads (source, created_at);
CREATE INDEX IF NOT EXISTS kbli_codes_level ON kbli_codes (level);
