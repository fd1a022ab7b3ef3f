import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { startFakeGoogle, type FakeGoogle } from '../../testing/fake-google/fake-google.ts';
import { handlers } from './index.ts';
import { makePdf } from '../../rag/test-pdf.ts';

const DOMAIN = 'balizero.test';
const USER = `info@${DOMAIN}`;

let store: TestStore;
let google: FakeGoogle;
let rt: TestRuntime;
let staff: string;

async function call(handler: string, params: Record<string, unknown>) {
  const res = await rt.request('/call', { key: staff, body: { key: handler, params } });
  const body = (await res.json()) as Record<string, any>;
  assert.equal(res.status, 200, `${handler}: ${JSON.stringify(body)}`);
  return body.data as Record<string, any>;
}

async function callStatus(handler: string, params: Record<string, unknown>) {
  const res = await rt.request('/call', { key: staff, body: { key: handler, params } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

before(async () => {
  store = await createTestPglite();
  google = await startFakeGoogle();
  rt = await createTestRuntime({ store, handlers, env: google.serviceAccountEnv(USER, DOMAIN) });
  staff = (await rt.key('staff')).key;
});

after(async () => {
  await rt.close();
  await store.close();
  await google.close();
});

beforeEach(() => {
  google.http.requests.length = 0;
});

describe('gmail', () => {
  it('gmail.list shows the newest inbox mail first and unread_only filters', async () => {
    google.gmail.add(
      USER,
      'From: Ana <ana@example.com>\r\nTo: info@balizero.test\r\nSubject: Old question\r\nDate: Thu, 19 Nov 2026 09:00:00 +0000\r\n\r\nOld',
      ['INBOX'],
    );
    google.gmail.add(
      USER,
      'From: Budi <budi@example.com>\r\nTo: info@balizero.test\r\nSubject: KITAS renewal\r\nDate: Fri, 20 Nov 2026 09:00:00 +0000\r\n\r\nPlease help',
      ['INBOX', 'UNREAD'],
    );
    const all = await call('gmail.list', {});
    assert.deepEqual(all.messages.map((m: { subject: string }) => m.subject).slice(0, 2), [
      'KITAS renewal',
      'Old question',
    ]);
    assert.equal(all.messages[0].from, 'Budi <budi@example.com>');
    const unread = await call('gmail.list', { unread_only: true });
    assert.ok(unread.messages.every((m: { unread: boolean }) => m.unread));
    assert.ok(!unread.messages.some((m: { subject: string }) => m.subject === 'Old question'));
    assert.deepEqual(google.http.calls('/messages', 'GET').at(0)!.query.labelIds, 'INBOX');
  });

  it('gmail.search passes Gmail syntax through and finds by sender', async () => {
    google.gmail.add(
      USER,
      'From: notaris@kantor.id\r\nTo: info@balizero.test\r\nSubject: Akta PT\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\n\r\nDraft akta terlampir',
    );
    const found = await call('gmail.search', { query: 'from:notaris' });
    assert.deepEqual(
      found.messages.map((m: { subject: string }) => m.subject),
      ['Akta PT'],
    );
    assert.equal(google.http.calls('/messages', 'GET')[0].query.q, 'from:notaris');
  });

  it('gmail.read decodes a multipart quoted-printable body to its plain text', async () => {
    const raw = [
      'From: Chiara <chiara@example.it>',
      'To: info@balizero.test',
      'Subject: =?UTF-8?B?VmlzdG8gcGVyIGwnSXRhbGlh?=',
      'Message-ID: <abc@example.it>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Buongiorno, vorrei il visto per 2 anni. Caff=C3=A8?',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Buongiorno</p>',
      '--b1--',
      '',
    ].join('\r\n');
    const id = google.gmail.add(USER, raw);
    const mail = await call('gmail.read', { message_id: id });
    assert.equal(mail.subject, "Visto per l'Italia");
    assert.equal(mail.body.trim(), 'Buongiorno, vorrei il visto per 2 anni. Caffè?');
    assert.equal(mail.message_id_header, '<abc@example.it>');
    const cut = await call('gmail.read', { message_id: id, max_chars: 100 });
    assert.equal(cut.truncated, false);
  });
});

describe('calendar', () => {
  it("calendar.list returns the window's events in start order, expanded and filtered by words", async () => {
    google.calendar.add(USER, {
      summary: 'Notaio Rossi',
      start: { dateTime: '2026-11-24T14:00:00+08:00' },
      end: { dateTime: '2026-11-24T15:00:00+08:00' },
    });
    google.calendar.add(USER, {
      summary: 'KITAS Budi',
      start: { dateTime: '2026-11-23T10:00:00+08:00' },
      end: { dateTime: '2026-11-23T11:00:00+08:00' },
    });
    google.calendar.add(USER, {
      summary: 'Next year',
      start: { dateTime: '2027-02-01T10:00:00+08:00' },
      end: { dateTime: '2027-02-01T11:00:00+08:00' },
    });
    const week = await call('calendar.list', {
      time_min: '2026-11-22T00:00:00+08:00',
      time_max: '2026-11-29T00:00:00+08:00',
    });
    assert.deepEqual(
      week.events.map((e: { summary: string }) => e.summary),
      ['KITAS Budi', 'Notaio Rossi'],
    );
    const q = google.http.calls('/events', 'GET')[0].query;
    assert.equal(q.singleEvents, 'true');
    assert.equal(q.orderBy, 'startTime');
    const notaio = await call('calendar.list', {
      time_min: '2026-11-22T00:00:00+08:00',
      time_max: '2026-11-29T00:00:00+08:00',
      query: 'notaio',
    });
    assert.deepEqual(
      notaio.events.map((e: { summary: string }) => e.summary),
      ['Notaio Rossi'],
    );
    const one = await call('calendar.get', { event_id: week.events[1].id });
    assert.equal(one.summary, 'Notaio Rossi');
  });

  it('calendar.create books the event with attendees, Bali time zone and invitations; calendar.get finds it', async () => {
    const created = await call('calendar.create', {
      summary: 'KITAS consultation',
      start: '2026-11-25T10:00:00+08:00',
      duration_minutes: 45,
      attendees: ['client@example.com'],
    });
    assert.equal(created.created, true);
    assert.equal(Date.parse(created.end) - Date.parse(created.start), 45 * 60_000);
    const sent = JSON.parse(google.http.calls('/events', 'POST')[0].body);
    assert.equal(sent.start.timeZone, 'Asia/Makassar');
    assert.deepEqual(sent.attendees, [{ email: 'client@example.com' }]);
    assert.equal(google.http.calls('/events', 'POST')[0].query.sendUpdates, 'all');
    const fetched = await call('calendar.get', { event_id: created.id });
    assert.deepEqual(fetched.attendees, [{ email: 'client@example.com', response: 'needsAction' }]);
  });

  it('calendar.create refuses an event that ends before it starts, without calling Google', async () => {
    const res = await callStatus('calendar.create', {
      summary: 'Bad',
      start: '2026-11-25T10:00:00+08:00',
      end: '2026-11-25T09:00:00+08:00',
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'invalid_time_range');
    assert.equal(google.http.calls('/events').length, 0);
  });

  it('calendar.availability merges busy times of several people into common free slots', async () => {
    google.calendar.add(`adit@${DOMAIN}`, {
      summary: 'busy',
      start: { dateTime: '2026-11-26T09:30:00+08:00' },
      end: { dateTime: '2026-11-26T11:00:00+08:00' },
    });
    google.calendar.add(`dea@${DOMAIN}`, {
      summary: 'busy',
      start: { dateTime: '2026-11-26T10:30:00+08:00' },
      end: { dateTime: '2026-11-26T12:00:00+08:00' },
    });
    google.calendar.add(`dea@${DOMAIN}`, {
      summary: 'short gap maker',
      start: { dateTime: '2026-11-26T12:15:00+08:00' },
      end: { dateTime: '2026-11-26T13:00:00+08:00' },
    });
    const answer = await call('calendar.availability', {
      calendars: [`adit@${DOMAIN}`, `dea@${DOMAIN}`],
      time_min: '2026-11-26T09:00:00+08:00',
      time_max: '2026-11-26T14:00:00+08:00',
      min_slot_minutes: 30,
    });
    assert.deepEqual(
      answer.free_slots.map((s: { start: string; minutes: number }) => [s.start, s.minutes]),
      [
        ['2026-11-26T01:00:00.000Z', 30],
        ['2026-11-26T05:00:00.000Z', 60],
      ],
    );
    assert.equal(answer.calendars[0].busy.length, 1);
    const body = JSON.parse(google.http.calls('/freeBusy')[0].body);
    assert.deepEqual(body.items, [{ id: `adit@${DOMAIN}` }, { id: `dea@${DOMAIN}` }]);
  });

  it('calendar.availability warns about calendars Google knows nothing of', async () => {
    const answer = await call('calendar.availability', {
      calendars: ['ghost@elsewhere.test'],
      time_min: '2026-11-26T09:00:00+08:00',
      time_max: '2026-11-26T10:00:00+08:00',
    });
    assert.match(answer.warning, /ghost@elsewhere\.test/);
  });
});

describe('drive', () => {
  it('drive.search finds by content, escapes quotes, and drive.list lists a folder newest first', async () => {
    google.drive.add({
      name: 'Akta Rossi.txt',
      mimeType: 'text/plain',
      content: 'Akta pendirian PT Rossi',
      parents: ['folderA'],
      modifiedTime: '2026-11-01T00:00:00Z',
    });
    google.drive.add({
      name: "O'Brien passport.txt",
      mimeType: 'text/plain',
      content: 'passport scan notes',
      parents: ['folderA'],
      modifiedTime: '2026-11-10T00:00:00Z',
    });
    const found = await call('drive.search', { query: 'pendirian' });
    assert.deepEqual(
      found.files.map((f: { name: string }) => f.name),
      ['Akta Rossi.txt'],
    );
    const quoted = await call('drive.search', { query: "O'Brien", name_only: true });
    assert.deepEqual(
      quoted.files.map((f: { name: string }) => f.name),
      ["O'Brien passport.txt"],
    );
    assert.equal(google.http.calls('/drive/v3/files')[1].query.q, "name contains 'O\\'Brien' and trashed = false");
    const listed = await call('drive.list', { folder_id: 'folderA' });
    assert.deepEqual(
      listed.files.map((f: { name: string }) => f.name),
      ["O'Brien passport.txt", 'Akta Rossi.txt'],
    );
  });

  it('drive.read exports a Google Doc as text and downloads a text file; binary and oversized files are refused', async () => {
    const doc = google.drive.add({
      name: 'Proposal',
      mimeType: 'application/vnd.google-apps.document',
      content: 'Proposal for PT PMA\nStep 1',
    });
    const read = await call('drive.read', { file_id: doc.id });
    assert.equal(read.text, 'Proposal for PT PMA\nStep 1');
    assert.equal(google.http.calls(`/files/${doc.id}/export`)[0].query.mimeType, 'text/plain');
    const csv = google.drive.add({
      name: 'leads.csv',
      mimeType: 'text/csv',
      content: 'name,email\nAna,ana@example.com',
    });
    assert.equal((await call('drive.read', { file_id: csv.id })).text, 'name,email\nAna,ana@example.com');
    const pdf = google.drive.add({ name: 'scan.png', mimeType: 'image/png', content: Buffer.from([0x89, 0x50]) });
    const refused = await callStatus('drive.read', { file_id: pdf.id });
    assert.equal(refused.status, 415);
    assert.equal(refused.body.error, 'unsupported_file_type');
    const big = google.drive.add({ name: 'huge.txt', mimeType: 'text/plain', content: 'x'.repeat(2_000_001) });
    const tooBig = await callStatus('drive.read', { file_id: big.id });
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.error, 'file_too_large');
    assert.equal(google.http.calls(`/files/${big.id}`).filter((r) => r.query.alt === 'media').length, 0);
  });

  it('drive.read extracts the text layer of a PDF; a broken PDF is 422 unreadable_file', async () => {
    const pdf = google.drive.add({
      name: 'Akta pendirian.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from(makePdf(['AKTA PENDIRIAN PT ROSSI', 'Modal dasar disetor'])),
    });
    const read = await call('drive.read', { file_id: pdf.id });
    assert.match(read.text, /AKTA PENDIRIAN PT ROSSI/);
    assert.match(read.text, /Modal dasar disetor/);
    const broken = google.drive.add({
      name: 'broken.pdf',
      mimeType: 'application/pdf',
      content: '%PDF-1.4\nnot really',
    });
    const res = await callStatus('drive.read', { file_id: broken.id });
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'unreadable_file');
  });

  it('drive.upload sends a multipart upload into the folder, optionally as a Google Doc', async () => {
    const up = await call('drive.upload', { name: 'notes.txt', content: 'Met Mr Rossi', folder_id: 'folderB' });
    assert.equal(up.uploaded, true);
    const stored = google.drive.files.find((f) => f.id === up.id)!;
    assert.equal(stored.content.toString(), 'Met Mr Rossi');
    assert.deepEqual(stored.parents, ['folderB']);
    assert.equal(stored.owner, USER);
    const converted = await call('drive.upload', { name: 'notes', content: 'A doc', convert_to_google_doc: true });
    assert.equal(converted.mime_type, 'application/vnd.google-apps.document');
  });
});

describe('sheets', () => {
  it('sheets.read returns displayed rows of a range', async () => {
    const id = google.sheets.add('Leads', {
      Leads: [
        ['Name', 'Service'],
        ['Ana', 'KITAS'],
        ['Budi', 'PT PMA'],
      ],
    });
    const rows = await call('sheets.read', { spreadsheet_id: id, range: 'Leads!A1:B3' });
    assert.deepEqual(rows.rows, [
      ['Name', 'Service'],
      ['Ana', 'KITAS'],
      ['Budi', 'PT PMA'],
    ]);
  });

  it('sheets.append adds rows after the table with USER_ENTERED input', async () => {
    const id = google.sheets.add('Leads', {
      Leads: [
        ['Name', 'Service'],
        ['Ana', 'KITAS'],
      ],
    });
    const answer = await call('sheets.append', { spreadsheet_id: id, range: 'Leads', rows: [['Chiara', 'E33G', 3]] });
    assert.equal(answer.updated_rows, 1);
    assert.equal(answer.updated_range, 'Leads!A3:C3');
    assert.deepEqual(google.sheets.spreadsheets.get(id)!.sheets[0].rows.at(-1), ['Chiara', 'E33G', '3']);
    assert.equal(google.http.calls(':append')[0].query.valueInputOption, 'USER_ENTERED');
  });

  it('sheets.create makes tabs and writes the header row', async () => {
    const created = await call('sheets.create', {
      title: 'KITAS renewals',
      sheet_names: ['Renewals', 'Archive'],
      header: ['Client', 'Expires'],
    });
    assert.deepEqual(created.sheets, ['Renewals', 'Archive']);
    const book = google.sheets.spreadsheets.get(created.spreadsheet_id)!;
    assert.equal(book.title, 'KITAS renewals');
    assert.deepEqual(book.sheets[0].rows, [['Client', 'Expires']]);
  });
});

describe('docs and slides', () => {
  it('docs.create, docs.append and docs.read round-trip the text', async () => {
    const created = await call('docs.create', { title: 'Minutes', content: 'Meeting with Ana.' });
    await call('docs.append', { document_id: created.document_id, text: 'Follow-up: send the checklist.' });
    const read = await call('docs.read', { document_id: created.document_id });
    assert.equal(read.title, 'Minutes');
    assert.equal(read.text, 'Meeting with Ana.\nFollow-up: send the checklist.\n');
    const batch = JSON.parse(google.http.calls(':batchUpdate').at(-1)!.body);
    assert.deepEqual(batch.requests[0].insertText.endOfSegmentLocation, {});
  });

  it('slides.create builds title-and-body slides that slides.read reads back', async () => {
    const created = await call('slides.create', {
      title: 'PT PMA in Bali',
      slides: [{ title: 'Steps', body: 'Name approval\nDeed' }, { title: 'Next' }],
    });
    assert.equal(created.slide_count, 3);
    const read = await call('slides.read', { presentation_id: created.presentation_id });
    assert.equal(read.title, 'PT PMA in Bali');
    assert.deepEqual(
      read.slides.slice(1).map((s: { texts: string[] }) => s.texts),
      [['Steps', 'Name approval\nDeed'], ['Next']],
    );
  });
});

describe('contacts', () => {
  it('contacts.create stores a person that contacts.list finds by name and lists', async () => {
    const created = await call('contacts.create', {
      given_name: 'Sari',
      family_name: 'Dewi',
      email: 'sari@notaris.id',
      phone: '+62 361 123456',
      organization: 'Notaris Denpasar',
    });
    assert.equal(created.name, 'Sari Dewi');
    const found = await call('contacts.list', { query: 'sari' });
    assert.deepEqual(
      found.contacts.map((c: { emails: string[] }) => c.emails),
      [['sari@notaris.id']],
    );
    assert.equal(found.contacts[0].organization, 'Notaris Denpasar');
    const all = await call('contacts.list', {});
    assert.ok(all.contacts.some((c: { phones: string[] }) => c.phones.includes('+62 361 123456')));
  });
});
