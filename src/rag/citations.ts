/**
 * Citations for /v1/chat: the orchestrator passes the results of the `rag.search` / `rag.query` tool calls of a
 * turn and gets `sources: [{title, source, heading}]`, de-duplicated, in the order they were found.
 */
/** A document passage an answer relied on, carried into /v1/chat as `sources`. */
export type Source = { title: string; source: string; heading?: string };

type Citable = { title?: unknown; source?: unknown; heading?: unknown };

/**
 * @example
 * const sources = sourcesFromRagResults(toolResults.filter((r) => r.key.startsWith('rag.')).map((r) => r.output));
 */
export function sourcesFromRagResults(outputs: unknown[], limit = 8): Source[] {
  const seen = new Set<string>();
  const sources: Source[] = [];
  const consider = (item: Citable) => {
    if (typeof item?.source !== 'string' || !item.source) return;
    const title = typeof item.title === 'string' && item.title ? item.title : item.source;
    const heading = typeof item.heading === 'string' && item.heading ? item.heading : undefined;
    const id = `${item.source}\u0000${heading ?? ''}`;
    if (seen.has(id) || sources.length >= limit) return;
    seen.add(id);
    sources.push(heading ? { title, source: item.source, heading } : { title, source: item.source });
  };
  for (const output of outputs) {
    const value = unwrap(output);
    if (!value || typeof value !== 'object') continue;
    const record = value as { results?: unknown; citations?: unknown };
    for (const list of [record.citations, record.results])
      if (Array.isArray(list)) for (const item of list) consider(item as Citable);
  }
  return sources;
}

/** Accepts the handler result itself, a `/call` envelope `{ok, data}`, or a JSON string of either. */
function unwrap(output: unknown): unknown {
  let value = output;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === 'object' && 'data' in value && (value as { ok?: unknown }).ok === true)
    value = (value as { data: unknown }).data;
  return value;
}
