import { randomBytes } from 'node:crypto';
import {
  FakeBadRequest,
  googleError,
  jsonBody,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
} from './fake-http.ts';

type StoredMessage = {
  id: string;
  threadId: string;
  user: string;
  labelIds: string[];
  raw: string;
  internalDate: string;
};
type Part = {
  partId: string;
  mimeType: string;
  filename: string;
  headers: Array<{ name: string; value: string }>;
  body: { size: number; data?: string };
  parts?: Part[];
};

/** Gmail API v1 (users.messages list/get/send) over a store of RFC 2822 messages. */
export class FakeGmail {
  readonly messages: StoredMessage[] = [];
  /** Like Gmail may do, replace the Message-ID of sent mail with one of its own. */
  rewriteMessageIds = false;

  /** Puts an RFC 2822 message in `user`'s mailbox; returns its id. */
  add(user: string, raw: string, labelIds: string[] = ['INBOX', 'UNREAD'], acceptedAt?: number): string {
    const id = randomBytes(8).toString('hex');
    const date = acceptedAt ?? (Date.parse(header(parseMime(raw).headers, 'date') ?? '') || Date.now());
    this.messages.push({
      id,
      threadId: id,
      user: user.toLowerCase(),
      labelIds,
      raw: raw.replace(/\r?\n/g, '\r\n'),
      internalDate: String(date),
    });
    return id;
  }

  /** Messages sent through the API by `user`, decoded. */
  sent(user?: string): Array<{ id: string; raw: string; headers: Record<string, string>; text: string }> {
    return this.messages
      .filter((m) => m.labelIds.includes('SENT') && (!user || m.user === user.toLowerCase()))
      .map((m) => {
        const mime = parseMime(m.raw);
        return {
          id: m.id,
          raw: m.raw,
          headers: Object.fromEntries(mime.headers.map((h) => [h.name.toLowerCase(), h.value])),
          text: textOf(mime),
        };
      });
  }

  routes(): FakeRoute[] {
    const user = '^/gmail/v1/users/([^/]+)';
    return [
      {
        method: 'GET',
        pattern: new RegExp(`${user}/messages$`),
        auth: 'bearer',
        handle: (req, m) => this.#list(req, m[1]),
      },
      {
        method: 'GET',
        pattern: new RegExp(`${user}/messages/([^/]+)$`),
        auth: 'bearer',
        handle: (req, m) => this.#get(req, m[1], m[2]),
      },
      {
        method: 'POST',
        pattern: new RegExp(`${user}/messages/send$`),
        auth: 'bearer',
        handle: (req, m) => this.#send(req, m[1]),
      },
    ];
  }

  #owner(req: FakeRequest, userId: string): string | FakeResponse {
    if (userId === 'me' || userId.toLowerCase() === req.user) return req.user!;
    return googleError(403, `Delegation denied for ${req.user}`, 'PERMISSION_DENIED', 'forbidden');
  }

  #list(req: FakeRequest, userId: string): FakeResponse {
    const owner = this.#owner(req, userId);
    if (typeof owner !== 'string') return owner;
    const max = Math.min(Number(req.query.get('maxResults') ?? 100), 500);
    const labels = req.query.getAll('labelIds');
    const q = req.query.get('q') ?? '';
    const found = this.messages
      .filter((msg) => msg.user === owner && labels.every((l) => msg.labelIds.includes(l)) && matchesQuery(msg, q))
      .sort((a, b) => Number(b.internalDate) - Number(a.internalDate));
    const start = Number(req.query.get('pageToken') ?? 0);
    const page = found.slice(start, start + max);
    return {
      json: {
        ...(page.length ? { messages: page.map((msg) => ({ id: msg.id, threadId: msg.threadId })) } : {}),
        ...(start + max < found.length ? { nextPageToken: String(start + max) } : {}),
        resultSizeEstimate: found.length,
      },
    };
  }

  #get(req: FakeRequest, userId: string, id: string): FakeResponse {
    const owner = this.#owner(req, userId);
    if (typeof owner !== 'string') return owner;
    const msg = this.messages.find((x) => x.id === id && x.user === owner);
    if (!msg) return googleError(404, 'Requested entity was not found.', 'NOT_FOUND', 'notFound');
    const format = req.query.get('format') ?? 'full';
    if (!['full', 'metadata', 'minimal', 'raw'].includes(format))
      throw new FakeBadRequest(`Invalid value at 'format' (${format})`);
    const mime = parseMime(msg.raw);
    const base = {
      id: msg.id,
      threadId: msg.threadId,
      labelIds: msg.labelIds,
      snippet: textOf(mime).slice(0, 100).replace(/\s+/g, ' ').trim(),
      sizeEstimate: msg.raw.length,
      internalDate: msg.internalDate,
      historyId: '1',
    };
    if (format === 'minimal') return { json: base };
    if (format === 'raw') return { json: { ...base, raw: Buffer.from(msg.raw).toString('base64url') } };
    const payload = toPart(mime, '');
    if (format === 'metadata') {
      const wanted = req.query.getAll('metadataHeaders').map((h) => h.toLowerCase());
      return {
        json: {
          ...base,
          payload: {
            mimeType: payload.mimeType,
            headers: payload.headers.filter((h) => !wanted.length || wanted.includes(h.name.toLowerCase())),
          },
        },
      };
    }
    return { json: { ...base, payload } };
  }

  #send(req: FakeRequest, userId: string): FakeResponse {
    const owner = this.#owner(req, userId);
    if (typeof owner !== 'string') return owner;
    const body = jsonBody<{ raw?: string }>(req);
    if (!body.raw)
      throw new FakeBadRequest("'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    if (/[+/=]/.test(body.raw))
      throw new FakeBadRequest('raw must be base64url encoded (RFC 4648 §5) without padding.');
    const raw = Buffer.from(body.raw, 'base64url').toString('utf8');
    const mime = parseMime(raw);
    if (!header(mime.headers, 'to') && !header(mime.headers, 'cc') && !header(mime.headers, 'bcc'))
      throw new FakeBadRequest('Recipient address required');
    const stored = this.rewriteMessageIds
      ? raw.replace(/^Message-ID:.*$/im, `Message-ID: <CA${randomBytes(10).toString('hex')}@mail.gmail.com>`)
      : raw;
    // internalDate of a sent message is when Gmail accepted it, in milliseconds.
    const id = this.add(owner, stored, ['SENT'], Date.now());
    return { json: { id, threadId: id, labelIds: ['SENT'] } };
  }
}

function matchesQuery(msg: StoredMessage, q: string): boolean {
  const mime = parseMime(msg.raw);
  const text = `${mime.headers.map((h) => h.value).join(' ')} ${textOf(mime)}`.toLowerCase();
  for (const term of q.match(/(\S+:"[^"]*"|"[^"]*"|\S+)/g) ?? []) {
    const [, field, value] = /^(\w+):(.*)$/.exec(term) ?? [undefined, undefined, term];
    const v = (value ?? '').replace(/^"|"$/g, '').toLowerCase();
    if (field === 'from' || field === 'to' || field === 'subject') {
      // Gmail matches words, not punctuation.
      const value = (header(mime.headers, field) ?? '').toLowerCase();
      if (!(v.match(/[\p{L}\p{N}@._-]+/gu) ?? []).every((word) => value.includes(word))) return false;
    } else if (field === 'rfc822msgid') {
      if ((header(mime.headers, 'message-id') ?? '').replace(/[<>]/g, '').toLowerCase() !== v.replace(/[<>]/g, ''))
        return false;
    } else if (field === 'is') {
      if (v === 'unread' && !msg.labelIds.includes('UNREAD')) return false;
    } else if (field === 'after') {
      if (Number(msg.internalDate) <= Number(v) * 1000) return false;
    } else if (field === 'in') {
      if (!msg.labelIds.includes(v.toUpperCase())) return false;
    } else if (!text.includes(v)) return false;
  }
  return true;
}

type Mime = { headers: Array<{ name: string; value: string }>; body: string; parts: Mime[] };

/** A small RFC 2822/MIME reader: unfolded headers, multipart bodies, base64 and quoted-printable decoding. */
export function parseMime(raw: string): Mime {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text : text.slice(0, split);
  const rawBody = split === -1 ? '' : text.slice(split + 2);
  const headers = head
    .replace(/\n[ \t]+/g, ' ')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon).trim(), value: decodeWords(line.slice(colon + 1).trim()) };
    });
  const type = header(headers, 'content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const chunks = rawBody.split(`--${boundary}`).slice(1);
    const parts = chunks
      .filter((c) => !c.startsWith('--'))
      .map((c) => parseMime(c.replace(/^\n/, '').replace(/\n$/, '')));
    return { headers, body: '', parts };
  }
  const encoding = (header(headers, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  let body = rawBody;
  if (encoding === 'base64') body = Buffer.from(rawBody.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') body = decodeQuotedPrintable(rawBody);
  return { headers, body, parts: [] };
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data
            .replace(/_/g, ' ')
            .replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function header(headers: Mime['headers'], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.value;
}

function textOf(mime: Mime): string {
  if (!mime.parts.length) return mime.body;
  const plain = mime.parts.find((p) => (header(p.headers, 'content-type') ?? 'text/plain').startsWith('text/plain'));
  return textOf(plain ?? mime.parts[0]);
}

function toPart(mime: Mime, partId: string): Part {
  const mimeType = (header(mime.headers, 'content-type') ?? 'text/plain').split(';')[0].trim().toLowerCase();
  if (mime.parts.length) {
    return {
      partId,
      mimeType,
      filename: '',
      headers: mime.headers,
      body: { size: 0 },
      parts: mime.parts.map((p, i) => toPart(p, partId ? `${partId}.${i}` : String(i))),
    };
  }
  const data = Buffer.from(mime.body, 'utf8');
  return {
    partId,
    mimeType,
    filename: '',
    headers: mime.headers,
    body: { size: data.length, data: data.toString('base64url') },
  };
}
