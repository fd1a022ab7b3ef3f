/**
 * The one text analysis of the project, shared by knowledge matching, RAG queries, tool selection and the
 * summarizer: one fold (NFKD, marks dropped, lower case), one set of function words of English, Italian and
 * Indonesian, and one light stemmer, so every part reads "Società", "societa" and "SOCIETÀ" the same way.
 */

/**
 * Folds accents, compatibility forms and case: "Società" → "societa", "ﬁle" → "file".
 * NFKD (not NFD) so ligatures and full-width letters typed on phones meet their plain spelling.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Folded text with anything but letters and digits turned into single spaces: "Qual è l'E33G?" → "qual e l e33g". */
export function foldWords(text: string): string {
  return foldText(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The folded words of a text (letters and digits only). */
export function wordsOf(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Function words of the three languages, folded: they say nothing about the subject of a message. Words that
 * carry meaning for a ranker ("dove" → maps, "much" → price, "it" → IT consulting) are deliberately left out.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `
a an the and or but of to in on at by for from with without into about as is are was were be been being am do does did
i me my mine we our you your it its this that these those there here what which who whom whose when where why how can could
would should will shall may might must please tell know want need like get got have has had some any all just also only
not no yes hi hello thanks thank if then than so very many more most one two per via their he she they him her us them
il lo la i gli le un uno una di del dello della dei degli delle da dal dallo dalla dai dagli dalle in nel nello nella nei
negli nelle su sul sullo sulla sui sugli sulle con col coi per tra fra che chi cui come cosa quale quali quanto quanta quanti
quante e ed o od ma se non mi ti si ci vi ne io tu lui lei noi voi loro mio mia miei mie tuo tua suo sua nostro vostro
sono sei siamo siete ho hai ha abbiamo avete hanno vostro vostra vostri vostre nostra nostri nostre essere avere fare
faccio puoi posso puo possiamo vorrei voglio vuoi devo serve servono bisogno grazie ciao salve buongiorno dimmi sapere
anche al allo alla ai agli alle qual l dell all nell sull dall quest quando perche questo questa quello quella piu molto
yang dan atau di ke dari untuk pada dengan dalam oleh apa apakah siapa bagaimana gimana berapa kapan mana dimana saya aku
anda kamu kami kita dia mereka ini itu ada adalah tidak bukan bisa dapat mau ingin akan sudah belum juga saja lagi dong
ya kak pak bu mas mbak tolong mohon terima kasih halo hai tentang seperti bagi agar supaya jika kalau harus karena tapi
jadi butuh perlu
`
    .trim()
    .split(/\s+/),
);

/**
 * A light stemmer good enough for ranking across the three languages: English plurals and -ing/-ed, Italian
 * final vowels, Indonesian -nya/-kan/-lah and the meN-/ber-/di- prefixes on long words. Never shortens a word
 * below four letters; codes such as "e33g" or "56101" are left alone.
 */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('nya') && w.length > 6) w = w.slice(0, -3);
  else if (w.endsWith('kan') && w.length > 6) w = w.slice(0, -3);
  else if (w.endsWith('lah') && w.length > 6) w = w.slice(0, -3);
  if (/^(mem|men|meng|meny|ber|di|ter|per)/.test(w) && w.length > 7)
    w = w.replace(/^(meng|meny|mem|men|ber|ter|per|di)/, '');
  // Italian infinitives with a clitic: "contattarvi", "prenotarlo", "inviarmi" → "contattar", "prenotar", "inviar".
  if (/(ar|er|ir)(vi|ti|mi|ci|lo|la|li|le|ne|si|gli)$/.test(w) && w.length > 7)
    return w.replace(/(vi|ti|mi|ci|lo|la|li|le|ne|si|gli)$/, '');
  if (w.endsWith('ies') && w.length > 5) return `${w.slice(0, -3)}y`;
  if (w.endsWith('ing') && w.length > 6) return w.slice(0, -3);
  if (w.endsWith('ed') && w.length > 5) return w.slice(0, -2);
  if (w.endsWith('es') && w.length > 5 && /(ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && w.length > 4) return w.slice(0, -1);
  if (/[aeio]$/.test(w) && w.length > 5) return w.slice(0, -1);
  return w;
}
