/** One message a person sent us, extracted from a Meta webhook notification. */
export type InboundMessage = {
  channel: 'whatsapp' | 'instagram';
  providerMessageId: string;
  sender: string;
  senderName?: string;
  text: string;
  type: string;
  sentAt?: Date;
  raw: Record<string, unknown>;
};

/** A delivery status Meta reports for a message we sent (WhatsApp `statuses`). */
export type DeliveryStatus = {
  providerMessageId: string;
  status: string;
  recipient: string;
  callbackData?: string;
  error?: string;
};

type Obj = Record<string, any>;

/**
 * Reads a WhatsApp Cloud API notification (`object: whatsapp_business_account`, entry[].changes[].value with
 * `messages`, `contacts` and `statuses`). Non-text messages become a short placeholder text so staff still see them.
 */
export function parseWhatsappNotification(body: Obj): { messages: InboundMessage[]; statuses: DeliveryStatus[] } {
  const messages: InboundMessage[] = [];
  const statuses: DeliveryStatus[] = [];
  if (body?.object !== 'whatsapp_business_account') return { messages, statuses };
  for (const entry of asArray(body.entry)) {
    for (const change of asArray(entry?.changes)) {
      if (change?.field !== 'messages') continue;
      const value = change.value ?? {};
      const names = new Map<string, string>(
        asArray(value.contacts).map((c: Obj) => [String(c?.wa_id), String(c?.profile?.name ?? '')]),
      );
      for (const m of asArray(value.messages)) {
        if (typeof m?.id !== 'string' || typeof m?.from !== 'string') continue;
        messages.push({
          channel: 'whatsapp',
          providerMessageId: m.id,
          sender: m.from.replace(/\D/g, ''),
          senderName: names.get(m.from) || undefined,
          text: whatsappText(m),
          type: String(m.type ?? 'unknown'),
          sentAt: seconds(m.timestamp),
          raw: m,
        });
      }
      for (const s of asArray(value.statuses)) {
        if (typeof s?.id !== 'string') continue;
        const error = asArray(s.errors)[0];
        statuses.push({
          providerMessageId: s.id,
          status: String(s.status),
          recipient: String(s.recipient_id ?? ''),
          callbackData: typeof s.biz_opaque_callback_data === 'string' ? s.biz_opaque_callback_data : undefined,
          error: error ? `${error.code ?? ''} ${error.title ?? error.message ?? ''}`.trim() : undefined,
        });
      }
    }
  }
  return { messages, statuses };
}

/**
 * Reads an Instagram messaging notification (`object: instagram`, entry[].messaging[] with sender, recipient,
 * message.mid and message.text). Echoes of our own messages (`is_echo`) are skipped.
 */
export function parseInstagramNotification(body: Obj): { messages: InboundMessage[] } {
  const messages: InboundMessage[] = [];
  if (body?.object !== 'instagram') return { messages };
  for (const entry of asArray(body.entry)) {
    for (const event of asArray(entry?.messaging)) {
      const message = event?.message;
      if (!message || message.is_echo || typeof message.mid !== 'string' || typeof event.sender?.id !== 'string')
        continue;
      const text =
        typeof message.text === 'string'
          ? message.text
          : asArray(message.attachments).length
            ? `[${asArray(message.attachments)
                .map((a: Obj) => a?.type ?? 'attachment')
                .join(', ')}]`
            : '';
      if (!text) continue;
      messages.push({
        channel: 'instagram',
        providerMessageId: message.mid,
        sender: event.sender.id,
        text,
        type: typeof message.text === 'string' ? 'text' : 'attachment',
        sentAt: typeof event.timestamp === 'number' ? new Date(event.timestamp) : undefined,
        raw: event,
      });
    }
  }
  return { messages };
}

function whatsappText(m: Obj): string {
  switch (m.type) {
    case 'text':
      return String(m.text?.body ?? '');
    case 'button':
      return String(m.button?.text ?? '[button]');
    case 'interactive':
      return String(m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? '[interactive reply]');
    case 'location':
      return `[location ${m.location?.latitude ?? '?'},${m.location?.longitude ?? '?'}${m.location?.name ? ` ${m.location.name}` : ''}]`;
    default:
      return `[${m.type ?? 'unknown'}${m[m.type]?.caption ? `: ${m[m.type].caption}` : ''}]`;
  }
}

function asArray(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

function seconds(value: unknown): Date | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : undefined;
}
