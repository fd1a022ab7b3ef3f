/**
 * A minimal SMTP server on loopback (RFC 5321 subset: EHLO/HELO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP,
 * QUIT) that records each accepted message. It can reject recipients (550) or the next messages (421/451) to
 * test permanent and temporary failures.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type SmtpMessage = { from: string; to: string[]; data: string; user?: string };

export class FakeSmtpServer {
  readonly messages: SmtpMessage[] = [];
  readonly rejectRecipients = new Set<string>();
  /** Replies for the next DATA commands instead of accepting (e.g. '451 4.3.0 try later'). */
  readonly failNextData: string[] = [];
  readonly #server: Server;
  readonly #credentials?: { user: string; pass: string };
  port = 0;

  constructor(credentials?: { user: string; pass: string }) {
    this.#credentials = credentials;
    this.#server = createServer((socket) => this.#session(socket));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #session(socket: Socket): void {
    let buffer = '';
    let inData = false;
    let authStep: 'none' | 'login-user' | 'login-pass' = 'none';
    let loginUser = '';
    let user: string | undefined;
    let from = '';
    let to: string[] = [];
    let data: string[] = [];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 fake.smtp.local ESMTP ready');
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            const failure = this.failNextData.shift();
            if (failure) reply(failure);
            else {
              this.messages.push({ from, to, data: data.join('\r\n'), user });
              reply('250 2.0.0 OK queued');
            }
            from = '';
            to = [];
            data = [];
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        if (authStep === 'login-user') {
          loginUser = Buffer.from(line, 'base64').toString();
          authStep = 'login-pass';
          reply('334 UGFzc3dvcmQ6');
          continue;
        }
        if (authStep === 'login-pass') {
          authStep = 'none';
          user = this.#check(loginUser, Buffer.from(line, 'base64').toString()) ? loginUser : undefined;
          reply(user ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid');
          continue;
        }
        const [verb, ...rest] = line.split(' ');
        const arg = rest.join(' ');
        switch (verb.toUpperCase()) {
          case 'EHLO':
            socket.write('250-fake.smtp.local\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 AUTH PLAIN LOGIN\r\n');
            break;
          case 'HELO':
            reply('250 fake.smtp.local');
            break;
          case 'AUTH': {
            const [mechanism, initial] = arg.split(' ');
            if (mechanism.toUpperCase() === 'PLAIN' && initial) {
              const [, u, p] = Buffer.from(initial, 'base64').toString().split('\0');
              user = this.#check(u, p) ? u : undefined;
              reply(user ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid');
            } else if (mechanism.toUpperCase() === 'LOGIN') {
              authStep = 'login-user';
              reply('334 VXNlcm5hbWU6');
            } else reply('504 5.5.4 Unrecognized authentication type');
            break;
          }
          case 'MAIL':
            if (this.#credentials && !user) {
              reply('530 5.7.0 Authentication required');
              break;
            }
            from = /<([^>]*)>/.exec(arg)?.[1] ?? '';
            to = [];
            reply('250 2.1.0 OK');
            break;
          case 'RCPT': {
            const address = /<([^>]*)>/.exec(arg)?.[1] ?? '';
            if (this.rejectRecipients.has(address.toLowerCase())) reply('550 5.1.1 No such user');
            else {
              to.push(address);
              reply('250 2.1.5 OK');
            }
            break;
          }
          case 'DATA':
            if (!to.length) reply('554 5.5.1 No valid recipients');
            else {
              inData = true;
              reply('354 End data with <CR><LF>.<CR><LF>');
            }
            break;
          case 'RSET':
            from = '';
            to = [];
            reply('250 2.0.0 OK');
            break;
          case 'NOOP':
            reply('250 2.0.0 OK');
            break;
          case 'QUIT':
            reply('221 2.0.0 Bye');
            socket.end();
            break;
          default:
            reply('502 5.5.2 Command not recognized');
        }
      }
    });
  }

  #check(user: string, pass: string): boolean {
    return !this.#credentials || (this.#credentials.user === user && this.#credentials.pass === pass);
  }
}
