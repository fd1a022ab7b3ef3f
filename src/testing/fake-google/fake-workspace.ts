import { randomBytes } from 'node:crypto';
import {
  FakeBadRequest,
  googleError,
  jsonBody,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
} from './fake-http.ts';

const id = (n = 10) => randomBytes(n).toString('hex');
const notFound = (what = 'Requested entity was not found.') => googleError(404, what, 'NOT_FOUND', 'notFound');

export type FakeEvent = {
  id: string;
  summary?: string;
  description?: string;
  location?: string;
  start: { dateTime?: string; date?: string; timeZone?: string };
  end: { dateTime?: string; date?: string; timeZone?: string };
  attendees?: Array<{ email: string; responseStatus?: string }>;
  status?: string;
  htmlLink?: string;
};

/** Calendar API v3: events list/get/insert and freeBusy.query, per user and calendar. */
export class FakeCalendar {
  /** key: `${user}|${calendarId}` (calendarId `primary` is stored under the user's address). */
  readonly events = new Map<string, FakeEvent[]>();
  readonly insertQueries: URLSearchParams[] = [];

  add(user: string, event: Omit<FakeEvent, 'id'> & { id?: string }, calendarId = user): FakeEvent {
    const full = {
      id: event.id ?? id(),
      status: 'confirmed',
      htmlLink: `https://www.google.com/calendar/event?eid=${id(6)}`,
      ...event,
    };
    const key = `${user.toLowerCase()}|${calendarId.toLowerCase()}`;
    this.events.set(key, [...(this.events.get(key) ?? []), full]);
    return full;
  }

  routes(): FakeRoute[] {
    const cal = '^/calendar/v3/calendars/([^/]+)/events';
    return [
      { method: 'GET', pattern: new RegExp(`${cal}$`), auth: 'bearer', handle: (req, m) => this.#list(req, m[1]) },
      { method: 'POST', pattern: new RegExp(`${cal}$`), auth: 'bearer', handle: (req, m) => this.#insert(req, m[1]) },
      {
        method: 'GET',
        pattern: new RegExp(`${cal}/([^/]+)$`),
        auth: 'bearer',
        handle: (req, m) => this.#get(req, m[1], m[2]),
      },
      { method: 'POST', pattern: /^\/calendar\/v3\/freeBusy$/, auth: 'bearer', handle: (req) => this.#freeBusy(req) },
    ];
  }

  #key(req: FakeRequest, calendarId: string): string {
    return `${req.user}|${(calendarId === 'primary' ? req.user! : calendarId).toLowerCase()}`;
  }

  #list(req: FakeRequest, calendarId: string): FakeResponse {
    if (req.query.get('orderBy') === 'startTime' && req.query.get('singleEvents') !== 'true') {
      throw new FakeBadRequest('The requested ordering is not available for the particular query.');
    }
    const min = req.query.get('timeMin');
    const max = req.query.get('timeMax');
    for (const t of [min, max])
      if (t && !/[zZ]|[+-]\d\d:\d\d$/.test(t))
        throw new FakeBadRequest('Bad Request: timeMin/timeMax must be RFC3339 with a time zone offset.');
    const q = req.query.get('q')?.toLowerCase();
    const items = (this.events.get(this.#key(req, calendarId)) ?? [])
      .filter((e) => (!min || Date.parse(end(e)) > Date.parse(min)) && (!max || Date.parse(start(e)) < Date.parse(max)))
      .filter((e) => !q || `${e.summary ?? ''} ${e.description ?? ''} ${e.location ?? ''}`.toLowerCase().includes(q))
      .sort((a, b) => Date.parse(start(a)) - Date.parse(start(b)))
      .slice(0, Number(req.query.get('maxResults') ?? 250));
    return { json: { kind: 'calendar#events', summary: calendarId, timeZone: 'Asia/Makassar', items } };
  }

  #get(req: FakeRequest, calendarId: string, eventId: string): FakeResponse {
    const event = (this.events.get(this.#key(req, calendarId)) ?? []).find((e) => e.id === eventId);
    return event ? { json: { kind: 'calendar#event', ...event } } : notFound('Not Found');
  }

  #insert(req: FakeRequest, calendarId: string): FakeResponse {
    const body = jsonBody<Omit<FakeEvent, 'id'>>(req);
    if (!body.start || !body.end || (!body.start.dateTime && !body.start.date))
      throw new FakeBadRequest('Missing time range: start and end are required.');
    if (Date.parse(end(body as FakeEvent)) <= Date.parse(start(body as FakeEvent)))
      throw new FakeBadRequest('The specified time range is empty.');
    for (const a of body.attendees ?? [])
      if (!/^[^@\s]+@[^@\s]+$/.test(a.email)) throw new FakeBadRequest('Invalid attendee email.');
    this.insertQueries.push(req.query);
    const stored = this.add(
      req.user!,
      { ...body, attendees: body.attendees?.map((a) => ({ responseStatus: 'needsAction', ...a })) },
      calendarId === 'primary' ? req.user! : calendarId,
    );
    return {
      json: { kind: 'calendar#event', ...stored, creator: { email: req.user }, organizer: { email: req.user } },
    };
  }

  #freeBusy(req: FakeRequest): FakeResponse {
    const body = jsonBody<{ timeMin?: string; timeMax?: string; items?: Array<{ id: string }> }>(req);
    if (!body.timeMin || !body.timeMax) throw new FakeBadRequest('Missing timeMin or timeMax.');
    if (!body.items?.length) throw new FakeBadRequest('Missing items.');
    const calendars: Record<string, unknown> = {};
    for (const { id: calendarId } of body.items) {
      const key = `${(calendarId === 'primary' ? req.user! : calendarId).toLowerCase()}|${(calendarId === 'primary' ? req.user! : calendarId).toLowerCase()}`;
      const known = [...this.events.keys()].some((k) => k.endsWith(`|${key.split('|')[1]}`));
      if (!known) {
        calendars[calendarId] = { busy: [], errors: [{ domain: 'global', reason: 'notFound' }] };
        continue;
      }
      const busy = [...this.events.entries()]
        .filter(([k]) => k.endsWith(`|${key.split('|')[1]}`))
        .flatMap(([, list]) => list)
        .filter(
          (e) => Date.parse(end(e)) > Date.parse(body.timeMin!) && Date.parse(start(e)) < Date.parse(body.timeMax!),
        )
        .map((e) => ({ start: start(e), end: end(e) }));
      calendars[calendarId] = { busy };
    }
    return { json: { kind: 'calendar#freeBusy', timeMin: body.timeMin, timeMax: body.timeMax, calendars } };
  }
}

const start = (e: FakeEvent) => e.start.dateTime ?? `${e.start.date}T00:00:00Z`;
const end = (e: FakeEvent) => e.end.dateTime ?? `${e.end.date}T00:00:00Z`;

export type FakeFile = {
  id: string;
  name: string;
  mimeType: string;
  content: Buffer;
  parents: string[];
  owner: string;
  modifiedTime: string;
  trashed?: boolean;
};

/** Drive API v3: files list (a subset of the q language), get (metadata and alt=media), export, multipart create. */
export class FakeDrive {
  readonly files: FakeFile[] = [];

  add(
    file: Partial<Omit<FakeFile, 'content'>> & { name: string; mimeType: string; content?: Buffer | string },
  ): FakeFile {
    const full: FakeFile = {
      id: id(),
      parents: ['root'],
      owner: 'owner@example.com',
      modifiedTime: new Date().toISOString(),
      ...file,
      content: Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content ?? ''),
    };
    this.files.push(full);
    return full;
  }

  routes(): FakeRoute[] {
    return [
      { method: 'GET', pattern: /^\/drive\/v3\/files$/, auth: 'bearer', handle: (req) => this.#list(req) },
      {
        method: 'GET',
        pattern: /^\/drive\/v3\/files\/([^/]+)\/export$/,
        auth: 'bearer',
        handle: (req, m) => this.#export(req, m[1]),
      },
      {
        method: 'GET',
        pattern: /^\/drive\/v3\/files\/([^/]+)$/,
        auth: 'bearer',
        handle: (req, m) => this.#get(req, m[1]),
      },
      { method: 'POST', pattern: /^\/upload\/drive\/v3\/files$/, auth: 'bearer', handle: (req) => this.#upload(req) },
    ];
  }

  #meta(f: FakeFile) {
    const native = f.mimeType.startsWith('application/vnd.google-apps.');
    return {
      kind: 'drive#file',
      id: f.id,
      name: f.name,
      mimeType: f.mimeType,
      parents: f.parents,
      modifiedTime: f.modifiedTime,
      ...(native ? {} : { size: String(f.content.length) }),
      webViewLink: `https://drive.google.com/file/d/${f.id}/view`,
      owners: [{ displayName: f.owner.split('@')[0], emailAddress: f.owner }],
    };
  }

  #list(req: FakeRequest): FakeResponse {
    const filters = (req.query.get('q') ?? '')
      .split(/\s+and\s+/i)
      .filter(Boolean)
      .map((clause) => {
        let m: RegExpExecArray | null;
        if ((m = /^(name|fullText) contains '((?:[^'\\]|\\.)*)'$/.exec(clause))) {
          const v = m[2].replace(/\\(.)/g, '$1').toLowerCase();
          return m[1] === 'name'
            ? (f: FakeFile) => f.name.toLowerCase().includes(v)
            : (f: FakeFile) => f.name.toLowerCase().includes(v) || f.content.toString('utf8').toLowerCase().includes(v);
        }
        if ((m = /^'([^']+)' in parents$/.exec(clause))) {
          const parent = m[1];
          return (f: FakeFile) => f.parents.includes(parent);
        }
        if ((m = /^trashed = (true|false)$/.exec(clause))) {
          const t = m[1] === 'true';
          return (f: FakeFile) => Boolean(f.trashed) === t;
        }
        if ((m = /^mimeType = '([^']+)'$/.exec(clause))) {
          const t = m[1];
          return (f: FakeFile) => f.mimeType === t;
        }
        throw new FakeBadRequest(`Invalid Value: q clause "${clause}"`);
      });
    if ((req.query.get('q') ?? '').includes('fullText') && req.query.get('orderBy'))
      throw new FakeBadRequest('Sorting is not supported for queries with fullText terms.');
    const pageSize = Number(req.query.get('pageSize') ?? 100);
    if (pageSize > 1000) throw new FakeBadRequest('Invalid value for pageSize.');
    let files = this.files.filter((f) => filters.every((fn) => fn(f)));
    if (req.query.get('orderBy') === 'modifiedTime desc')
      files = [...files].sort((a, b) => b.modifiedTime.localeCompare(a.modifiedTime));
    return { json: { kind: 'drive#fileList', files: files.slice(0, pageSize).map((f) => this.#meta(f)) } };
  }

  #get(req: FakeRequest, fileId: string): FakeResponse {
    const file = this.files.find((f) => f.id === fileId);
    if (!file) return notFound(`File not found: ${fileId}.`);
    if (req.query.get('alt') === 'media') {
      if (file.mimeType.startsWith('application/vnd.google-apps.')) {
        return googleError(
          403,
          'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
          'PERMISSION_DENIED',
          'fileNotDownloadable',
        );
      }
      return { body: file.content, headers: { 'content-type': file.mimeType } };
    }
    return { json: this.#meta(file) };
  }

  #export(req: FakeRequest, fileId: string): FakeResponse {
    const file = this.files.find((f) => f.id === fileId);
    if (!file) return notFound(`File not found: ${fileId}.`);
    const mime = req.query.get('mimeType');
    if (!mime) throw new FakeBadRequest('Required parameter: mimeType');
    if (!file.mimeType.startsWith('application/vnd.google-apps.'))
      throw new FakeBadRequest('Export only supports Docs Editors files.');
    const allowed: Record<string, string[]> = {
      'application/vnd.google-apps.document': ['text/plain', 'text/markdown', 'text/html', 'application/pdf'],
      'application/vnd.google-apps.spreadsheet': ['text/csv', 'application/pdf'],
      'application/vnd.google-apps.presentation': ['text/plain', 'application/pdf'],
    };
    if (!allowed[file.mimeType]?.includes(mime))
      throw new FakeBadRequest(`The requested conversion is not supported: ${file.mimeType} → ${mime}.`);
    return { body: file.content, headers: { 'content-type': `${mime}; charset=utf-8` } };
  }

  #upload(req: FakeRequest): FakeResponse {
    if (req.query.get('uploadType') !== 'multipart')
      throw new FakeBadRequest('This fake accepts uploadType=multipart only.');
    const boundary = /boundary=([^;]+)/.exec(String(req.headers['content-type'] ?? ''))?.[1];
    if (!String(req.headers['content-type']).startsWith('multipart/related') || !boundary)
      throw new FakeBadRequest('Multipart upload needs multipart/related with a boundary.');
    const parts = req.body
      .toString('utf8')
      .split(`--${boundary}`)
      .slice(1, -1)
      .map((chunk) => {
        const split = chunk.indexOf('\r\n\r\n');
        return { head: chunk.slice(0, split).toLowerCase(), body: chunk.slice(split + 4).replace(/\r\n$/, '') };
      });
    if (parts.length !== 2 || !parts[0].head.includes('application/json'))
      throw new FakeBadRequest('Multipart upload needs a JSON metadata part and a media part.');
    const meta = JSON.parse(parts[0].body) as { name?: string; mimeType?: string; parents?: string[] };
    const mediaType = /content-type: ([^\r\n;]+)/.exec(parts[1].head)?.[1] ?? 'application/octet-stream';
    const file = this.add({
      name: meta.name ?? 'Untitled',
      mimeType: meta.mimeType ?? mediaType,
      content: parts[1].body,
      parents: meta.parents ?? ['root'],
      owner: req.user,
    });
    return { json: this.#meta(file) };
  }
}

type Sheet = { title: string; sheetId: number; rows: string[][] };
/** Sheets API v4: spreadsheets.create, values.get, values.append. */
export class FakeSheets {
  readonly spreadsheets = new Map<string, { title: string; sheets: Sheet[] }>();

  add(title: string, sheets: Record<string, string[][]>): string {
    const spreadsheetId = id(12);
    this.spreadsheets.set(spreadsheetId, {
      title,
      sheets: Object.entries(sheets).map(([t, rows], i) => ({ title: t, sheetId: i, rows })),
    });
    return spreadsheetId;
  }

  routes(): FakeRoute[] {
    return [
      { method: 'POST', pattern: /^\/v4\/spreadsheets$/, auth: 'bearer', handle: (req) => this.#create(req) },
      {
        method: 'GET',
        pattern: /^\/v4\/spreadsheets\/([^/]+)\/values\/(.+)$/,
        auth: 'bearer',
        handle: (_req, m) => this.#get(m[1], m[2]),
      },
      {
        method: 'POST',
        pattern: /^\/v4\/spreadsheets\/([^/]+)\/values\/(.+):append$/,
        auth: 'bearer',
        handle: (req, m) => this.#append(req, m[1], m[2]),
      },
    ];
  }

  #sheet(spreadsheetId: string, range: string): { sheet: Sheet; a1: string } | FakeResponse {
    const book = this.spreadsheets.get(spreadsheetId);
    if (!book) return notFound('Requested entity was not found.');
    const [name, a1] = range.includes('!')
      ? range.split('!')
      : book.sheets.some((s) => s.title === range)
        ? [range, '']
        : [book.sheets[0].title, range];
    const sheet = book.sheets.find((s) => s.title === name.replace(/^'|'$/g, ''));
    if (!sheet) throw new FakeBadRequest(`Unable to parse range: ${range}`);
    return { sheet, a1 };
  }

  #get(spreadsheetId: string, range: string): FakeResponse {
    const found = this.#sheet(spreadsheetId, range);
    if ('status' in found || 'json' in found) return found as FakeResponse;
    const { sheet, a1 } = found as { sheet: Sheet; a1: string };
    const m = /^([A-Z]+)?(\d+)?(?::([A-Z]+)?(\d+)?)?$/.exec(a1);
    if (!m) throw new FakeBadRequest(`Unable to parse range: ${range}`);
    const c0 = m[1] ? col(m[1]) : 0;
    const r0 = m[2] ? Number(m[2]) - 1 : 0;
    const c1 = m[3] ? col(m[3]) : m[1] && !m[3] && a1 ? c0 : 10_000;
    const r1 = m[4] ? Number(m[4]) - 1 : 1_000_000;
    const values = sheet.rows.slice(r0, r1 + 1).map((row) => row.slice(c0, c1 + 1));
    while (values.length && values.at(-1)!.every((v) => v === '')) values.pop();
    return {
      json: {
        range: `${sheet.title}!${a1 || 'A1:Z1000'}`,
        majorDimension: 'ROWS',
        ...(values.length ? { values } : {}),
      },
    };
  }

  #append(req: FakeRequest, spreadsheetId: string, range: string): FakeResponse {
    const option = req.query.get('valueInputOption');
    if (option !== 'RAW' && option !== 'USER_ENTERED')
      throw new FakeBadRequest("'valueInputOption' is required but not specified");
    const found = this.#sheet(spreadsheetId, range);
    if ('status' in found || 'json' in found) return found as FakeResponse;
    const { sheet } = found as { sheet: Sheet };
    const body = jsonBody<{ values?: unknown[][] }>(req);
    if (!Array.isArray(body.values) || !body.values.every(Array.isArray))
      throw new FakeBadRequest('values must be a list of rows.');
    const first = sheet.rows.length + 1;
    for (const row of body.values) sheet.rows.push(row.map((v) => String(v ?? '')));
    const width = Math.max(...body.values.map((r) => r.length));
    const updatedRange = `${sheet.title}!A${first}:${letters(width - 1)}${sheet.rows.length}`;
    return {
      json: {
        spreadsheetId,
        tableRange: `${sheet.title}!A1:${letters(width - 1)}${first - 1}`,
        updates: {
          spreadsheetId,
          updatedRange,
          updatedRows: body.values.length,
          updatedColumns: width,
          updatedCells: body.values.reduce((n, r) => n + r.length, 0),
        },
      },
    };
  }

  #create(req: FakeRequest): FakeResponse {
    const body = jsonBody<{ properties?: { title?: string }; sheets?: Array<{ properties?: { title?: string } }> }>(
      req,
    );
    const titles = body.sheets?.map((s, i) => s.properties?.title ?? `Sheet${i + 1}`) ?? ['Sheet1'];
    const spreadsheetId = this.add(
      body.properties?.title ?? 'Untitled spreadsheet',
      Object.fromEntries(titles.map((t) => [t, []])),
    );
    const book = this.spreadsheets.get(spreadsheetId)!;
    return {
      json: {
        spreadsheetId,
        properties: { title: book.title, locale: 'en_US', timeZone: 'Asia/Makassar' },
        sheets: book.sheets.map((s) => ({
          properties: { sheetId: s.sheetId, title: s.title, index: s.sheetId, sheetType: 'GRID' },
        })),
        spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit`,
      },
    };
  }
}

const col = (letter: string) => [...letter].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
const letters = (index: number): string =>
  (index >= 26 ? letters(Math.floor(index / 26) - 1) : '') + String.fromCharCode(65 + (index % 26));

/** Docs API v1: documents.create (title only), get, batchUpdate with insertText. */
export class FakeDocs {
  readonly documents = new Map<string, { title: string; text: string }>();

  add(title: string, text = ''): string {
    const documentId = id(12);
    this.documents.set(documentId, { title, text: text.endsWith('\n') ? text : `${text}\n` });
    return documentId;
  }

  routes(): FakeRoute[] {
    return [
      {
        method: 'POST',
        pattern: /^\/v1\/documents$/,
        auth: 'bearer',
        handle: (req) => {
          const body = jsonBody<{ title?: string; body?: unknown }>(req);
          const documentId = this.add(body.title ?? 'Untitled document');
          return { json: this.#render(documentId) };
        },
      },
      {
        method: 'GET',
        pattern: /^\/v1\/documents\/([^/:]+)$/,
        auth: 'bearer',
        handle: (_req, m) => (this.documents.has(m[1]) ? { json: this.#render(m[1]) } : notFound()),
      },
      {
        method: 'POST',
        pattern: /^\/v1\/documents\/([^/:]+):batchUpdate$/,
        auth: 'bearer',
        handle: (req, m) => this.#batch(req, m[1]),
      },
    ];
  }

  #render(documentId: string) {
    const doc = this.documents.get(documentId)!;
    let index = 1;
    const content: unknown[] = [{ endIndex: 1, sectionBreak: { sectionStyle: {} } }];
    for (const line of doc.text.split(/(?<=\n)/)) {
      content.push({
        startIndex: index,
        endIndex: index + line.length,
        paragraph: {
          elements: [{ startIndex: index, endIndex: index + line.length, textRun: { content: line, textStyle: {} } }],
          paragraphStyle: { namedStyleType: 'NORMAL_TEXT' },
        },
      });
      index += line.length;
    }
    return { documentId, title: doc.title, body: { content }, revisionId: id(4) };
  }

  #batch(req: FakeRequest, documentId: string): FakeResponse {
    const doc = this.documents.get(documentId);
    if (!doc) return notFound();
    const body = jsonBody<{
      requests?: Array<{
        insertText?: { text?: string; location?: { index?: number }; endOfSegmentLocation?: object };
      }>;
    }>(req);
    if (!body.requests?.length) throw new FakeBadRequest('Must specify at least one request.');
    for (const r of body.requests) {
      const insert = r.insertText;
      if (!insert || typeof insert.text !== 'string')
        throw new FakeBadRequest('This fake supports insertText requests only.');
      if (!!insert.location === !!insert.endOfSegmentLocation)
        throw new FakeBadRequest('insertText needs exactly one of location or endOfSegmentLocation.');
      if (insert.endOfSegmentLocation) doc.text = `${doc.text.slice(0, -1)}${insert.text}\n`;
      else {
        const at = (insert.location!.index ?? 0) - 1;
        if (at < 0 || at > doc.text.length - 1)
          throw new FakeBadRequest(
            'Index out of bounds: the insertion index must be inside the bounds of an existing paragraph.',
          );
        doc.text = doc.text.slice(0, at) + insert.text + doc.text.slice(at);
      }
    }
    return {
      json: { documentId, replies: body.requests.map(() => ({})), writeControl: { requiredRevisionId: id(4) } },
    };
  }
}

type SlideElement = { objectId: string; type: 'TITLE' | 'BODY'; text: string };
/** Slides API v1: presentations.create, get, batchUpdate with createSlide (placeholder mappings) and insertText. */
export class FakeSlides {
  readonly presentations = new Map<
    string,
    { title: string; slides: Array<{ objectId: string; elements: SlideElement[] }> }
  >();

  add(title: string, slides: Array<{ title: string; body: string }> = []): string {
    const presentationId = id(12);
    this.presentations.set(presentationId, {
      title,
      slides: slides.map((s) => ({
        objectId: id(5),
        elements: [
          { objectId: id(5), type: 'TITLE', text: s.title },
          { objectId: id(5), type: 'BODY', text: s.body },
        ],
      })),
    });
    return presentationId;
  }

  routes(): FakeRoute[] {
    return [
      {
        method: 'POST',
        pattern: /^\/v1\/presentations$/,
        auth: 'bearer',
        handle: (req) => {
          const body = jsonBody<{ title?: string }>(req);
          const presentationId = id(12);
          // A new presentation starts with one title slide, as Google's does.
          this.presentations.set(presentationId, {
            title: body.title ?? 'Untitled presentation',
            slides: [{ objectId: 'p', elements: [] }],
          });
          return { json: this.#render(presentationId) };
        },
      },
      {
        method: 'GET',
        pattern: /^\/v1\/presentations\/([^/:]+)$/,
        auth: 'bearer',
        handle: (_req, m) => (this.presentations.has(m[1]) ? { json: this.#render(m[1]) } : notFound()),
      },
      {
        method: 'POST',
        pattern: /^\/v1\/presentations\/([^/:]+):batchUpdate$/,
        auth: 'bearer',
        handle: (req, m) => this.#batch(req, m[1]),
      },
    ];
  }

  #render(presentationId: string) {
    const p = this.presentations.get(presentationId)!;
    return {
      presentationId,
      title: p.title,
      revisionId: id(4),
      slides: p.slides.map((s) => ({
        objectId: s.objectId,
        pageType: 'SLIDE',
        pageElements: s.elements.map((e) => ({
          objectId: e.objectId,
          shape: {
            shapeType: 'TEXT_BOX',
            placeholder: { type: e.type },
            text: {
              textElements: e.text
                ? [
                    { startIndex: 0, endIndex: e.text.length, paragraphMarker: {} },
                    { startIndex: 0, endIndex: e.text.length, textRun: { content: `${e.text}\n` } },
                  ]
                : [],
            },
          },
        })),
      })),
    };
  }

  #batch(req: FakeRequest, presentationId: string): FakeResponse {
    const p = this.presentations.get(presentationId);
    if (!p) return notFound();
    const body = jsonBody<{ requests?: Array<Record<string, any>> }>(req);
    if (!body.requests?.length) throw new FakeBadRequest('Must specify at least one request.');
    const validId = (objectId: unknown) =>
      typeof objectId === 'string' && /^[a-zA-Z0-9_][a-zA-Z0-9_\-:]{4,49}$/.test(objectId);
    const replies: unknown[] = [];
    for (const r of body.requests) {
      if (r.createSlide) {
        const c = r.createSlide;
        if (c.objectId !== undefined && !validId(c.objectId))
          throw new FakeBadRequest(`Invalid requests[].createSlide: objectId ${c.objectId} must be 5-50 characters.`);
        const elements: SlideElement[] = (c.placeholderIdMappings ?? []).map((m: any) => {
          if (!validId(m.objectId) || !['TITLE', 'BODY'].includes(m.layoutPlaceholder?.type))
            throw new FakeBadRequest('Invalid placeholderIdMappings.');
          return { objectId: m.objectId, type: m.layoutPlaceholder.type, text: '' };
        });
        if (elements.length && c.slideLayoutReference?.predefinedLayout !== 'TITLE_AND_BODY')
          throw new FakeBadRequest('The layout has no such placeholder.');
        const slideId = c.objectId ?? id(5);
        p.slides.push({ objectId: slideId, elements });
        replies.push({ createSlide: { objectId: slideId } });
      } else if (r.insertText) {
        const element = p.slides.flatMap((s) => s.elements).find((e) => e.objectId === r.insertText.objectId);
        if (!element)
          throw new FakeBadRequest(
            `Invalid requests[].insertText: The object (${r.insertText.objectId}) could not be found.`,
          );
        element.text += String(r.insertText.text ?? '');
        replies.push({});
      } else if (r.deleteObject) {
        p.slides = p.slides.filter((s) => s.objectId !== r.deleteObject.objectId);
        replies.push({});
      } else {
        throw new FakeBadRequest(`Unsupported request: ${Object.keys(r).join(',')}`);
      }
    }
    return { json: { presentationId, replies } };
  }
}

export type FakePerson = {
  resourceName: string;
  etag: string;
  names?: Array<{ displayName?: string; givenName?: string; familyName?: string }>;
  emailAddresses?: Array<{ value: string }>;
  phoneNumbers?: Array<{ value: string }>;
  organizations?: Array<{ name?: string }>;
  biographies?: Array<{ value: string }>;
};

/** People API v1: connections.list, searchContacts, createContact (per user). */
export class FakePeople {
  readonly contacts = new Map<string, FakePerson[]>();

  add(user: string, person: Omit<FakePerson, 'resourceName' | 'etag'>): FakePerson {
    const full = { resourceName: `people/c${BigInt(`0x${id(6)}`)}`, etag: `%${id(6)}`, ...person };
    if (full.names)
      full.names = full.names.map((n) => ({
        displayName: [n.givenName, n.familyName].filter(Boolean).join(' '),
        ...n,
      }));
    this.contacts.set(user.toLowerCase(), [...(this.contacts.get(user.toLowerCase()) ?? []), full]);
    return full;
  }

  routes(): FakeRoute[] {
    return [
      {
        method: 'GET',
        pattern: /^\/v1\/people\/me\/connections$/,
        auth: 'bearer',
        handle: (req) => {
          if (!req.query.get('personFields'))
            throw new FakeBadRequest('personFields mask is required. Please specify one or more valid paths.');
          const list = this.contacts.get(req.user!) ?? [];
          const pageSize = Number(req.query.get('pageSize') ?? 100);
          return {
            json: {
              connections: list.slice(0, pageSize).map((p) => mask(p, req.query.get('personFields')!)),
              totalPeople: list.length,
              totalItems: list.length,
            },
          };
        },
      },
      {
        method: 'GET',
        pattern: /^\/v1\/people:searchContacts$/,
        auth: 'bearer',
        handle: (req) => {
          if (!req.query.get('readMask')) throw new FakeBadRequest('readMask is required.');
          const q = (req.query.get('query') ?? '').toLowerCase();
          const results = (this.contacts.get(req.user!) ?? [])
            .filter((p) => JSON.stringify([p.names, p.emailAddresses, p.phoneNumbers]).toLowerCase().includes(q))
            .slice(0, Number(req.query.get('pageSize') ?? 10));
          if (Number(req.query.get('pageSize') ?? 10) > 30) throw new FakeBadRequest('pageSize must be at most 30.');
          return {
            json: results.length
              ? { results: results.map((person) => ({ person: mask(person, req.query.get('readMask')!) })) }
              : {},
          };
        },
      },
      {
        method: 'POST',
        pattern: /^\/v1\/people:createContact$/,
        auth: 'bearer',
        handle: (req) => {
          const body = jsonBody<Omit<FakePerson, 'resourceName' | 'etag'>>(req);
          if (!body.names?.length && !body.emailAddresses?.length && !body.phoneNumbers?.length)
            throw new FakeBadRequest('A contact needs at least a name, an email address or a phone number.');
          const person = this.add(req.user!, body);
          return { json: req.query.get('personFields') ? mask(person, req.query.get('personFields')!) : person };
        },
      },
    ];
  }
}

function mask(person: FakePerson, fields: string): Partial<FakePerson> {
  const wanted = fields.split(',');
  return Object.fromEntries(
    Object.entries(person).filter(([k]) => k === 'resourceName' || k === 'etag' || wanted.includes(k)),
  );
}
