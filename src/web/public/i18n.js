// @ts-check
/** The chat's interface texts in English, Italian and Indonesian; chosen from the browser, switchable, remembered. */
const TEXTS = {
  en: {
    tagline: 'Visas, KITAS, companies and tax in Bali',
    language: 'Language',
    newChat: 'New conversation',
    signOut: 'Sign out',
    signInTitle: 'Sign in to chat with Bali Zero',
    signInHelp:
      'Enter the client key Bali Zero gave you. It is exchanged for a secure session and not stored in this browser.',
    clientKey: 'Client key',
    signIn: 'Sign in',
    badKey: 'That key is unknown or revoked.',
    welcome: 'How can we help?',
    welcomeText:
      'Ask about visas, KITAS stay permits, setting up a PT PMA company, KBLI codes or tax. Answers follow your language.',
    ex1: 'How much is a working KITAS?',
    ex2: 'Which documents do I need for an investor KITAS?',
    ex3: 'What is KBLI 62019?',
    message: 'Your message',
    send: 'Send',
    you: 'You',
    assistant: 'ZANTARA',
    sources: 'Sources',
    handlers: 'Looked up',
    localAnswer: 'Answered from Bali Zero’s fact files',
    actionLead: 'Pass your contact details to the Bali Zero team',
    actionSend: 'Send a message on your behalf',
    actionMemory: 'Remember this for your next conversations',
    actionOther: 'An action that needs the team’s approval',
    waiting: 'Waiting for the team',
    waitingText: 'A person at Bali Zero will check this before it is done.',
    executed: 'Done — approved by the team',
    rejected: 'Not done — the team declined it',
    expired: 'Expired without a decision',
    failed: 'Approved, but it could not be completed',
    modelDown:
      'Our AI model is unavailable right now. Simple questions about prices, visas and KBLI are still answered; for anything else, please try again later or leave your contact.',
    rateLimited: 'You have sent many messages in a short time. Please wait {s} seconds and try again.',
    error: 'Something went wrong. Please try again.',
    offline: 'No connection to the server.',
    contact: 'Leave your contact and the team will get back to you',
    name: 'Name',
    email: 'E-mail',
    phone: 'Phone / WhatsApp',
    note: 'What do you need?',
    sendContact: 'Send my contact',
    contactSent: 'Thank you. Your contact is waiting for the team, who will get back to you.',
    guestNote: 'You are chatting as a guest. The team never asks for passwords here.',
  },
  it: {
    tagline: 'Visti, KITAS, società e tasse a Bali',
    language: 'Lingua',
    newChat: 'Nuova conversazione',
    signOut: 'Esci',
    signInTitle: 'Accedi per parlare con Bali Zero',
    signInHelp:
      'Inserisci la chiave cliente che ti ha dato Bali Zero. Viene scambiata con una sessione sicura e non resta in questo browser.',
    clientKey: 'Chiave cliente',
    signIn: 'Accedi',
    badKey: 'Chiave sconosciuta o revocata.',
    welcome: 'Come possiamo aiutarti?',
    welcomeText:
      'Chiedi di visti, permessi KITAS, apertura di una PT PMA, codici KBLI o tasse. Le risposte seguono la tua lingua.',
    ex1: 'Quanto costa il KITAS lavoro?',
    ex2: 'Quali documenti servono per il KITAS investitore?',
    ex3: 'Che cos’è il KBLI 62019?',
    message: 'Il tuo messaggio',
    send: 'Invia',
    you: 'Tu',
    assistant: 'ZANTARA',
    sources: 'Fonti',
    handlers: 'Consultato',
    localAnswer: 'Risposta dalle schede di Bali Zero',
    actionLead: 'Passare i tuoi contatti al team di Bali Zero',
    actionSend: 'Inviare un messaggio per tuo conto',
    actionMemory: 'Ricordarlo nelle prossime conversazioni',
    actionOther: 'Un’azione che richiede l’approvazione del team',
    waiting: 'In attesa del team',
    waitingText: 'Una persona di Bali Zero lo controllerà prima di procedere.',
    executed: 'Fatto — approvato dal team',
    rejected: 'Non fatto — il team ha rifiutato',
    expired: 'Scaduto senza decisione',
    failed: 'Approvato, ma non è stato possibile completarlo',
    modelDown:
      'Il nostro modello AI non è disponibile ora. Le domande semplici su prezzi, visti e KBLI hanno comunque risposta; per il resto riprova più tardi o lascia il tuo contatto.',
    rateLimited: 'Hai inviato molti messaggi in poco tempo. Attendi {s} secondi e riprova.',
    error: 'Qualcosa è andato storto. Riprova.',
    offline: 'Nessuna connessione al server.',
    contact: 'Lascia il tuo contatto e il team ti risponderà',
    name: 'Nome',
    email: 'E-mail',
    phone: 'Telefono / WhatsApp',
    note: 'Di cosa hai bisogno?',
    sendContact: 'Invia il mio contatto',
    contactSent: 'Grazie. Il tuo contatto è in attesa del team, che ti ricontatterà.',
    guestNote: 'Stai scrivendo come ospite. Il team non chiede mai password qui.',
  },
  id: {
    tagline: 'Visa, KITAS, perusahaan, dan pajak di Bali',
    language: 'Bahasa',
    newChat: 'Percakapan baru',
    signOut: 'Keluar',
    signInTitle: 'Masuk untuk mengobrol dengan Bali Zero',
    signInHelp:
      'Masukkan kunci klien dari Bali Zero. Kunci ditukar dengan sesi aman dan tidak disimpan di peramban ini.',
    clientKey: 'Kunci klien',
    signIn: 'Masuk',
    badKey: 'Kunci tidak dikenal atau sudah dicabut.',
    welcome: 'Ada yang bisa kami bantu?',
    welcomeText:
      'Tanyakan tentang visa, izin tinggal KITAS, pendirian PT PMA, kode KBLI, atau pajak. Jawaban mengikuti bahasa Anda.',
    ex1: 'Berapa biaya KITAS kerja?',
    ex2: 'Dokumen apa yang diperlukan untuk KITAS investor?',
    ex3: 'Apa itu KBLI 62019?',
    message: 'Pesan Anda',
    send: 'Kirim',
    you: 'Anda',
    assistant: 'ZANTARA',
    sources: 'Sumber',
    handlers: 'Dicek',
    localAnswer: 'Dijawab dari data resmi Bali Zero',
    actionLead: 'Meneruskan kontak Anda ke tim Bali Zero',
    actionSend: 'Mengirim pesan atas nama Anda',
    actionMemory: 'Mengingat ini untuk percakapan berikutnya',
    actionOther: 'Tindakan yang perlu disetujui tim',
    waiting: 'Menunggu tim',
    waitingText: 'Seseorang dari Bali Zero akan memeriksanya sebelum dijalankan.',
    executed: 'Selesai — disetujui tim',
    rejected: 'Tidak dijalankan — ditolak tim',
    expired: 'Kedaluwarsa tanpa keputusan',
    failed: 'Disetujui, tetapi tidak dapat diselesaikan',
    modelDown:
      'Model AI kami sedang tidak tersedia. Pertanyaan sederhana tentang harga, visa, dan KBLI tetap dijawab; untuk hal lain, coba lagi nanti atau tinggalkan kontak Anda.',
    rateLimited: 'Anda mengirim banyak pesan dalam waktu singkat. Tunggu {s} detik lalu coba lagi.',
    error: 'Terjadi kesalahan. Silakan coba lagi.',
    offline: 'Tidak ada koneksi ke server.',
    contact: 'Tinggalkan kontak Anda dan tim akan menghubungi Anda',
    name: 'Nama',
    email: 'E-mail',
    phone: 'Telepon / WhatsApp',
    note: 'Apa yang Anda butuhkan?',
    sendContact: 'Kirim kontak saya',
    contactSent: 'Terima kasih. Kontak Anda menunggu tim, yang akan menghubungi Anda.',
    guestNote: 'Anda mengobrol sebagai tamu. Tim tidak pernah meminta kata sandi di sini.',
  },
};

/** @typedef {keyof typeof TEXTS.en} TextKey */
export const LANGUAGES = /** @type {const} */ ({ en: 'English', it: 'Italiano', id: 'Bahasa Indonesia' });

/** The saved choice, else the browser's first supported language, else English. */
export function initialLanguage() {
  const saved = localStorage.getItem('zantara.lang');
  if (saved && saved in TEXTS) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.slice(0, 2).toLowerCase();
    if (base === 'in') return 'id';
    if (base in TEXTS) return base;
  }
  return 'en';
}

let current = 'en';
export function setLanguage(/** @type {string} */ lang) {
  current = lang in TEXTS ? lang : 'en';
  localStorage.setItem('zantara.lang', current);
  document.documentElement.lang = current;
  for (const el of document.querySelectorAll('[data-t]'))
    el.textContent = t(/** @type {TextKey} */ (el.getAttribute('data-t')));
  for (const el of document.querySelectorAll('[data-t-placeholder]'))
    el.setAttribute('placeholder', t(/** @type {TextKey} */ (el.getAttribute('data-t-placeholder'))));
  for (const el of document.querySelectorAll('[data-t-label]'))
    el.setAttribute('aria-label', t(/** @type {TextKey} */ (el.getAttribute('data-t-label'))));
}

/** @param {TextKey} key @param {Record<string, string | number>} [vars] */
export function t(key, vars = {}) {
  const text =
    /** @type {Record<string, string>} */ (TEXTS[/** @type {'en'} */ (current)])[key] ?? TEXTS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

export function language() {
  return current;
}
