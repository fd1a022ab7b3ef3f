/** What every part of ZANTARA needs from the database; PGlite and PostgreSQL both implement it. */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one parameterised statement ($1, $2 …) and returns its rows. */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}

export interface Store extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** True when the pgvector extension is installed and usable. */
  readonly hasVector: boolean;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * PostgreSQL only (replicas share it): LISTEN on `channel` on a dedicated connection that reconnects by itself.
   * `onState` reports whether notifications can arrive; the returned function stops listening.
   */
  listen?(
    channel: string,
    onMessage: (payload: string) => void,
    onState: (connected: boolean) => void,
  ): () => Promise<void>;
}
