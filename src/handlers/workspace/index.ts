import type { AnyHandler } from '../handler.ts';
import { gmailList, gmailRead, gmailSearch, gmailSend } from './gmail.ts';
import { calendarAvailability, calendarCreate, calendarGet, calendarList } from './calendar.ts';
import { driveList, driveRead, driveSearch, driveUpload } from './drive.ts';
import { sheetsAppend, sheetsCreate, sheetsRead } from './sheets.ts';
import { docsAppend, docsCreate, docsRead } from './docs.ts';
import { slidesCreate, slidesRead } from './slides.ts';
import { contactsCreate, contactsList } from './contacts.ts';

/** The workspace handlers: Gmail, Calendar, Drive, Sheets, Docs, Slides and Contacts of the company Google Workspace. */
export const handlers: AnyHandler[] = [
  gmailList,
  gmailSearch,
  gmailRead,
  gmailSend,
  calendarList,
  calendarGet,
  calendarCreate,
  calendarAvailability,
  driveSearch,
  driveList,
  driveRead,
  driveUpload,
  sheetsRead,
  sheetsAppend,
  sheetsCreate,
  docsCreate,
  docsRead,
  docsAppend,
  slidesCreate,
  slidesRead,
  contactsList,
  contactsCreate,
] as AnyHandler[];
